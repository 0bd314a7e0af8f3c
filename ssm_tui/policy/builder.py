"""Options -> IAM policy document: a pure function, validated first.

`aws-docs` reproduces AWS's "Create a custom IAM instance profile for Session Manager" (with the
`/*` fix on the S3 object ARN); `scoped` narrows every resource that IAM lets us narrow.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ssm_tui.policy.arns import (
    ec2_instance_arn_pattern,
    log_group_arns,
    s3_bucket_arn,
    s3_object_arn,
)
from ssm_tui.policy.options import PolicyStyle, SessionManagerOptions
from ssm_tui.policy.validation import (
    MAX_MANAGED_POLICY_SIZE,
    InvalidOptionsError,
    check_policy_size,
    errors_only,
    validate_options,
)

__all__ = ["MAX_MANAGED_POLICY_SIZE", "build_policy", "policy_json", "policy_size"]

POLICY_VERSION = "2012-10-17"

SSMMESSAGES_ACTIONS = [
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
]
REGISTER_ACTION = "ssm:UpdateInstanceInformation"
CLOUDWATCH_WRITE_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"]
CLOUDWATCH_DESCRIBE_GROUPS = "logs:DescribeLogGroups"
CLOUDWATCH_DESCRIBE_STREAMS = "logs:DescribeLogStreams"

Statement = dict[str, Any]


def _statement(sid: str, actions: list[str], resource: str | list[str]) -> Statement:
    if isinstance(resource, list) and len(resource) == 1:
        resource = resource[0]
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resource}


def _aws_docs_statements(options: SessionManagerOptions) -> list[Statement]:
    """The seed's statements, in the order of its second policy, each only when it applies."""
    statements = [
        _statement("SessionManagerChannels", [REGISTER_ACTION, *SSMMESSAGES_ACTIONS], "*")
    ]
    if options.cloudwatch:
        statements.append(
            _statement(
                "CloudWatchSessionLogs",
                [
                    *CLOUDWATCH_WRITE_ACTIONS,
                    CLOUDWATCH_DESCRIBE_GROUPS,
                    CLOUDWATCH_DESCRIBE_STREAMS,
                ],
                "*",
            )
        )
    if options.s3_bucket:
        # The seed prints ".../s3-bucket-prefix" without "/*"; PutObject needs object ARNs, so
        # that ARN only allows one object named like the prefix. AWS fixed its page in 2021.
        statements.append(_s3_put_statement(options))
    statements.append(_statement("S3EncryptionCheck", ["s3:GetEncryptionConfiguration"], "*"))
    if options.kms_key_arn:
        statements.append(_statement("KmsSessionDataDecrypt", ["kms:Decrypt"], options.kms_key_arn))
    if options.any_logging:
        statements.append(_statement("KmsGenerateDataKey", ["kms:GenerateDataKey"], "*"))
    return statements


def _s3_put_statement(options: SessionManagerOptions) -> Statement:
    actions = ["s3:PutObject"]
    if options.s3_cross_account:
        # A bucket owned by another account can only read our logs if we may set their ACL.
        actions.append("s3:PutObjectAcl")
    bucket = options.s3_bucket or ""
    return _statement(
        "S3SessionLogs", actions, s3_object_arn(options.partition, bucket, options.s3_prefix or "")
    )


def _scoped_statements(options: SessionManagerOptions) -> list[Statement]:
    """Least privilege: `*` only where IAM offers no resource-level permission."""
    partition = options.partition
    # ssmmessages:* support no resource-level permissions (Service Authorization Reference):
    # "*" is the only resource that works.
    statements = [_statement("SessionManagerChannels", list(SSMMESSAGES_ACTIONS), "*")]
    # UpdateInstanceInformation accepts EC2 instance ARNs: limit it to instances (of the account
    # when known). Any Region, because one instance profile serves instances in every Region.
    statements.append(
        _statement(
            "RegisterInstance",
            [REGISTER_ACTION],
            ec2_instance_arn_pattern(partition, options.account_id),
        )
    )
    if options.cloudwatch:
        # DescribeLogGroups supports no resource-level permission; the agent uses it to find the
        # log group (and its encryption when encryption is enforced).
        statements.append(_statement("CloudWatchFindLogGroup", [CLOUDWATCH_DESCRIBE_GROUPS], "*"))
        # Writing is limited to the named log group (all log groups of the Region without a
        # name; account `*` when unknown).
        statements.append(
            _statement(
                "CloudWatchSessionLogs",
                [*CLOUDWATCH_WRITE_ACTIONS, CLOUDWATCH_DESCRIBE_STREAMS],
                log_group_arns(partition, options.region, options.account_id, options.log_group),
            )
        )
    if options.s3_bucket:
        # Objects under the prefix only, with "/*" (see the aws-docs builder for why).
        statements.append(_s3_put_statement(options))
        if options.s3_enforce_encryption:
            # Only needed to check the bucket's default encryption, and only on that bucket.
            statements.append(
                _statement(
                    "S3EncryptionCheck",
                    ["s3:GetEncryptionConfiguration"],
                    s3_bucket_arn(partition, options.s3_bucket),
                )
            )
    if options.kms_key_arn:
        statements.append(_statement("KmsSessionDataDecrypt", ["kms:Decrypt"], options.kms_key_arn))
        if options.any_logging:
            # Data keys from the session key only, instead of from every key in the account.
            statements.append(
                _statement("KmsGenerateDataKey", ["kms:GenerateDataKey"], options.kms_key_arn)
            )
    return statements


def build_policy(options: SessionManagerOptions) -> dict[str, Any]:
    """The policy document for `options`.

    Raises InvalidOptionsError listing every error-level problem (warnings never raise; read
    them with `validate_options`). The result is a fresh dict the caller may keep or mutate.
    """
    errors = errors_only(validate_options(options))
    if errors:
        raise InvalidOptionsError(errors)
    if PolicyStyle(options.style) is PolicyStyle.SCOPED:
        statements = _scoped_statements(options)
    else:
        statements = _aws_docs_statements(options)
    document: dict[str, Any] = {"Version": POLICY_VERSION, "Statement": statements}
    size_errors = check_policy_size(document)
    if size_errors:
        raise InvalidOptionsError(size_errors)
    return document


def policy_json(document: Mapping[str, Any]) -> str:
    """Pretty JSON as the IAM console shows it: 4-space indent, keys in the builder's order."""
    return json.dumps(document, indent=4, ensure_ascii=False)


def policy_size(document: Mapping[str, Any]) -> int:
    """Characters IAM counts against the 6,144 limit: the compact JSON without whitespace."""
    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return sum(1 for char in compact if not char.isspace())
