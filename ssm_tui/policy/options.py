"""What the user chose: the single input of the policy builder and every export.

Immutable on purpose: the builder screen holds one options object and every toggle makes a new
one with `dataclasses.replace`, so the preview is a pure function of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PolicyStyle(StrEnum):
    """`aws-docs` reproduces AWS's published policy; `scoped` narrows every resource it can."""

    AWS_DOCS = "aws-docs"
    SCOPED = "scoped"


# Region prefix -> partition. Checked longest prefix first so `us-gov-` beats `us-`.
_PARTITION_BY_REGION_PREFIX: tuple[tuple[str, str], ...] = (
    ("us-gov-", "aws-us-gov"),
    ("cn-", "aws-cn"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-iso-", "aws-iso"),
    ("eusc-", "aws-eusc"),
)

# The partitions whose ARNs and service principals ssm-tui knows; validation rejects the others.
SUPPORTED_PARTITIONS: tuple[str, ...] = ("aws", "aws-cn", "aws-us-gov")


def partition_for_region(region: str) -> str:
    """The ARN partition of a region name: `cn-*` -> aws-cn, `us-gov-*` -> aws-us-gov, else aws.

    Isolated partitions are named too so validation can refuse them by name rather than
    silently producing `arn:aws:` ARNs that would never match there.
    """
    for prefix, partition in _PARTITION_BY_REGION_PREFIX:
        if region.startswith(prefix):
            return partition
    return "aws"


@dataclass(frozen=True)
class SessionManagerOptions:
    """Everything that shapes the instance profile's policy.

    `kms_key_arn` is the key that encrypts session data (kms:Decrypt). S3 logging is on when
    `s3_bucket` is set, CloudWatch Logs logging when `cloudwatch` is true. The two
    `*_enforce_encryption` flags mirror Session Manager's "enforce encryption" preferences.
    `region` only matters for the partition and, in the scoped style, log group ARNs.
    """

    kms_key_arn: str | None = None
    s3_bucket: str | None = None
    s3_prefix: str = ""
    s3_cross_account: bool = False
    s3_enforce_encryption: bool = False
    cloudwatch: bool = False
    log_group: str | None = None
    cloudwatch_enforce_encryption: bool = False
    style: PolicyStyle = PolicyStyle.AWS_DOCS
    region: str = "us-east-1"
    account_id: str | None = None

    @property
    def partition(self) -> str:
        return partition_for_region(self.region)

    @property
    def s3_logging(self) -> bool:
        return bool(self.s3_bucket)

    @property
    def any_logging(self) -> bool:
        return self.s3_logging or self.cloudwatch


@dataclass(frozen=True)
class ResourceNames:
    """Names of the IAM objects the exports and the provisioner create.

    The console names the instance profile after the role; `instance_profile_name=None` does
    the same.
    """

    policy_name: str = "SessionManagerPermissions"
    role_name: str = "SessionManagerInstanceRole"
    instance_profile_name: str | None = None

    @property
    def profile_name(self) -> str:
        return self.instance_profile_name or self.role_name
