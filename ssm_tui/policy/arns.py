"""ARNs the policies name, built in one place so builder, exports and lint agree on them."""

from __future__ import annotations


def s3_bucket_arn(partition: str, bucket: str) -> str:
    return f"arn:{partition}:s3:::{bucket}"


def s3_object_arn(partition: str, bucket: str, prefix: str = "") -> str:
    """Every object under `prefix` (or the whole bucket without one).

    AWS's page prints `arn:aws:s3:::BUCKET/PREFIX` without `/*`: that ARN names a single
    object called PREFIX, so PutObject of a session log under it would be denied. AWS corrected
    the page in 2021; we always end with `/*`. A trailing `/` on the prefix is dropped so
    `logs/` and `logs` give the same ARN.
    """
    prefix = prefix.strip("/")
    key = f"{prefix}/*" if prefix else "*"
    return f"{s3_bucket_arn(partition, bucket)}/{key}"


def log_group_arns(
    partition: str, region: str, account_id: str | None, log_group: str | None
) -> list[str]:
    """The log group itself and everything below it (its log streams).

    CloudWatch Logs authorises DescribeLogStreams against the log group and CreateLogStream /
    PutLogEvents against `log-group:NAME:log-stream:STREAM`; `log-group:NAME:*` covers both
    spellings AWS documents, the bare ARN covers the group. Unknown account -> `*`.
    """
    account = account_id or "*"
    base = f"arn:{partition}:logs:{region}:{account}:log-group"
    if not log_group:
        return [f"{base}:*"]
    return [f"{base}:{log_group}", f"{base}:{log_group}:*"]


def ec2_instance_arn_pattern(partition: str, account_id: str | None) -> str:
    """Any EC2 instance of the account, in any Region: an instance profile is global, so the
    same role may be attached to instances in several Regions."""
    return f"arn:{partition}:ec2:*:{account_id or '*'}:instance/*"
