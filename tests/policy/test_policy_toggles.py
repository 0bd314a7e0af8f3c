"""Each option toggled alone changes exactly the statements it should, in both styles."""

from __future__ import annotations

from dataclasses import replace

import pytest
from policy_helpers import KEY_ARN, resources, triples

from ssm_tui.policy import PolicyStyle, SessionManagerOptions, build_policy, partition_for_region

CORE = {
    ("Allow", a, "*")
    for a in (
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    )
}
ENCRYPTION_CHECK = ("Allow", "s3:GetEncryptionConfiguration", "*")
GENERATE_ANY = ("Allow", "kms:GenerateDataKey", "*")
LOGS_ANY = {
    ("Allow", f"logs:{a}", "*")
    for a in ("CreateLogStream", "PutLogEvents", "DescribeLogGroups", "DescribeLogStreams")
}
BASE = SessionManagerOptions()
WITH_BUCKET = SessionManagerOptions(s3_bucket="session-logs")
WITH_CLOUDWATCH = SessionManagerOptions(cloudwatch=True)


def added_and_removed(before: SessionManagerOptions, after: SessionManagerOptions):
    old, new = triples(build_policy(before)), triples(build_policy(after))
    return new - old, old - new


def test_defaults_are_the_minimal_policy_without_kms():
    assert triples(build_policy(BASE)) == CORE | {ENCRYPTION_CHECK}


@pytest.mark.parametrize(
    ("before", "change", "added", "removed"),
    [
        (BASE, {"kms_key_arn": KEY_ARN}, {("Allow", "kms:Decrypt", KEY_ARN)}, set()),
        (
            BASE,
            {"s3_bucket": "session-logs"},
            {("Allow", "s3:PutObject", "arn:aws:s3:::session-logs/*"), GENERATE_ANY},
            set(),
        ),
        (
            WITH_BUCKET,
            {"s3_prefix": "ssm/sessions"},
            {("Allow", "s3:PutObject", "arn:aws:s3:::session-logs/ssm/sessions/*")},
            {("Allow", "s3:PutObject", "arn:aws:s3:::session-logs/*")},
        ),
        (
            WITH_BUCKET,
            {"s3_cross_account": True},
            {("Allow", "s3:PutObjectAcl", "arn:aws:s3:::session-logs/*")},
            set(),
        ),
        (WITH_BUCKET, {"s3_enforce_encryption": True}, set(), set()),
        (BASE, {"cloudwatch": True}, LOGS_ANY | {GENERATE_ANY}, set()),
        (WITH_CLOUDWATCH, {"log_group": "/ssm/sessions"}, set(), set()),
        (WITH_CLOUDWATCH, {"cloudwatch_enforce_encryption": True}, set(), set()),
        (BASE, {"account_id": "111122223333"}, set(), set()),
        (BASE, {"region": "eu-west-3"}, set(), set()),
    ],
    ids=[
        "kms",
        "s3-bucket",
        "s3-prefix",
        "cross-account",
        "s3-encryption",
        "cloudwatch",
        "log-group",
        "cloudwatch-encryption",
        "account-id",
        "region",
    ],
)
def test_aws_docs_toggle(before, change, added, removed):
    assert added_and_removed(before, replace(before, **change)) == (added, removed)


SCOPED = SessionManagerOptions(style=PolicyStyle.SCOPED, account_id="111122223333")
SCOPED_BUCKET = replace(SCOPED, s3_bucket="session-logs")
SCOPED_CLOUDWATCH = replace(SCOPED, cloudwatch=True)
GROUP = "arn:aws:logs:us-east-1:111122223333:log-group"
INSTANCES = ("Allow", "ssm:UpdateInstanceInformation", "arn:aws:ec2:*:111122223333:instance/*")


def test_scoped_defaults_keep_star_only_for_the_channel_actions():
    assert triples(build_policy(SCOPED)) == {t for t in CORE if t[1].startswith("ssmmessages:")} | {
        INSTANCES
    }


@pytest.mark.parametrize(
    ("before", "change", "added", "removed"),
    [
        (SCOPED, {"kms_key_arn": KEY_ARN}, {("Allow", "kms:Decrypt", KEY_ARN)}, set()),
        (
            SCOPED,
            {"s3_bucket": "session-logs"},
            {("Allow", "s3:PutObject", "arn:aws:s3:::session-logs/*")},
            set(),
        ),
        (
            replace(SCOPED_BUCKET, kms_key_arn=KEY_ARN),
            {"s3_enforce_encryption": True},
            {("Allow", "s3:GetEncryptionConfiguration", "arn:aws:s3:::session-logs")},
            set(),
        ),
        (
            SCOPED_BUCKET,
            {"s3_cross_account": True},
            {("Allow", "s3:PutObjectAcl", "arn:aws:s3:::session-logs/*")},
            set(),
        ),
        (
            SCOPED,
            {"cloudwatch": True},
            {("Allow", "logs:DescribeLogGroups", "*")}
            | {
                ("Allow", f"logs:{a}", f"{GROUP}:*")
                for a in ("CreateLogStream", "PutLogEvents", "DescribeLogStreams")
            },
            set(),
        ),
        (
            SCOPED_CLOUDWATCH,
            {"log_group": "/ssm/sessions"},
            {
                ("Allow", f"logs:{a}", arn)
                for a in ("CreateLogStream", "PutLogEvents", "DescribeLogStreams")
                for arn in (f"{GROUP}:/ssm/sessions", f"{GROUP}:/ssm/sessions:*")
            },
            {
                ("Allow", f"logs:{a}", f"{GROUP}:*")
                for a in ("CreateLogStream", "PutLogEvents", "DescribeLogStreams")
            },
        ),
        (
            replace(SCOPED_CLOUDWATCH, kms_key_arn=KEY_ARN),
            {"cloudwatch_enforce_encryption": True},
            set(),
            set(),
        ),
        (
            replace(SCOPED, account_id=None),
            {"account_id": "111122223333"},
            {INSTANCES},
            {("Allow", "ssm:UpdateInstanceInformation", "arn:aws:ec2:*:*:instance/*")},
        ),
    ],
    ids=[
        "kms",
        "s3-bucket",
        "s3-encryption",
        "cross-account",
        "cloudwatch",
        "log-group",
        "cloudwatch-encryption",
        "account-id",
    ],
)
def test_scoped_toggle(before, change, added, removed):
    assert added_and_removed(before, replace(before, **change)) == (added, removed)


def test_scoped_generate_data_key_is_on_the_session_key_only_when_logging():
    logging_with_key = replace(SCOPED_BUCKET, kms_key_arn=KEY_ARN)
    assert ("Allow", "kms:GenerateDataKey", KEY_ARN) in triples(build_policy(logging_with_key))
    assert not any(
        a == "kms:GenerateDataKey"
        for _, a, _ in triples(build_policy(replace(SCOPED, kms_key_arn=KEY_ARN)))
    )
    assert not any(a == "kms:GenerateDataKey" for _, a, _ in triples(build_policy(SCOPED_BUCKET)))


def test_scoped_uses_star_only_where_iam_has_no_resource_level_permission():
    everything = replace(
        SCOPED,
        kms_key_arn=KEY_ARN,
        s3_bucket="session-logs",
        s3_prefix="p",
        s3_cross_account=True,
        s3_enforce_encryption=True,
        cloudwatch=True,
        log_group="/ssm/sessions",
        cloudwatch_enforce_encryption=True,
    )
    star_actions = {a for _, a, r in triples(build_policy(everything)) if r == "*"}
    assert star_actions == {
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "logs:DescribeLogGroups",
    }


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-central-2", "aws"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-east-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
    ],
)
def test_partition_for_region(region, partition):
    assert partition_for_region(region) == partition
    assert SessionManagerOptions(region=region).partition == partition


@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1", "us-gov-west-1"])
@pytest.mark.parametrize("style", list(PolicyStyle))
def test_every_arn_is_in_the_regions_partition(region, style):
    partition = partition_for_region(region)
    key = f"arn:{partition}:kms:{region}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    options = SessionManagerOptions(
        region=region,
        style=style,
        kms_key_arn=key,
        s3_bucket="session-logs",
        cloudwatch=True,
        log_group="/ssm/sessions",
        s3_enforce_encryption=True,
        account_id="111122223333",
    )
    arns = [r for r in resources(build_policy(options)) if r != "*"]
    assert arns and all(r.startswith(f"arn:{partition}:") for r in arns)
    assert f"arn:{partition}:s3:::session-logs/*" in arns


def test_scoped_log_group_arns_use_the_options_region():
    options = SessionManagerOptions(
        style=PolicyStyle.SCOPED, cloudwatch=True, log_group="g", region="cn-north-1"
    )
    assert "arn:aws-cn:logs:cn-north-1:*:log-group:g:*" in resources(build_policy(options))


def test_trailing_slash_on_the_prefix_gives_the_same_arn():
    with_slash = build_policy(replace(WITH_BUCKET, s3_prefix="ssm/"))
    assert with_slash == build_policy(replace(WITH_BUCKET, s3_prefix="ssm"))
    assert "arn:aws:s3:::session-logs/ssm/*" in resources(with_slash)


def test_options_are_immutable():
    with pytest.raises(AttributeError):
        BASE.s3_bucket = "x"  # type: ignore[misc]
