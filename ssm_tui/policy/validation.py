"""Validate options and names before anything is built, exported or sent to AWS.

Every problem names the field (the option attribute), says what is wrong and what would be
right, so the UI can put it under the input and the CLI can print it as one line. Errors stop
the build; warnings are shown but accepted (e.g. legacy us-east-1 bucket names).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ssm_tui.policy.options import (
    SUPPORTED_PARTITIONS,
    PolicyStyle,
    ResourceNames,
    SessionManagerOptions,
    partition_for_region,
)

Severity = Literal["error", "warning"]

# IAM counts the non-whitespace characters of a managed policy document.
MAX_MANAGED_POLICY_SIZE = 6144

# Room left in S3's 1,024-byte object key for "/<session id>.log" after the prefix.
MAX_S3_PREFIX_LENGTH = 900

EXAMPLE_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong (or worth knowing) about one field."""

    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{prefix}{self.field}: {self.message}"


class InvalidOptionsError(ValueError):
    """Raised by the builder and exports when options (or names) have error-level problems."""

    def __init__(self, problems: tuple[FieldProblem, ...] | list[FieldProblem]) -> None:
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def errors_only(problems: tuple[FieldProblem, ...]) -> tuple[FieldProblem, ...]:
    return tuple(p for p in problems if p.severity == "error")


def warnings_only(problems: tuple[FieldProblem, ...]) -> tuple[FieldProblem, ...]:
    return tuple(p for p in problems if p.severity == "warning")


def _error(field: str, message: str) -> FieldProblem:
    return FieldProblem(field, message, "error")


def _warning(field: str, message: str) -> FieldProblem:
    return FieldProblem(field, message, "warning")


def _quoted_chars(chars: set[str]) -> str:
    return ", ".join(repr(c) for c in sorted(chars))


# --- region, account, style -------------------------------------------------------------------

_REGION_RE = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")


def _region_problems(region: object) -> list[FieldProblem]:
    if not isinstance(region, str) or not _REGION_RE.match(region):
        return [
            _error(
                "region",
                f"{region!r} is not an AWS Region name; expected something like us-east-1 or eu-west-3",
            )
        ]
    partition = partition_for_region(region)
    if partition not in SUPPORTED_PARTITIONS:
        return [
            _error(
                "region",
                f"{region} is in the {partition} partition; ssm-tui supports "
                f"{', '.join(SUPPORTED_PARTITIONS)} (regions like us-east-1, cn-north-1, us-gov-west-1)",
            )
        ]
    return []


def _account_problems(account_id: object) -> list[FieldProblem]:
    if account_id is None or account_id == "":
        return []
    if not isinstance(account_id, str) or not _ACCOUNT_RE.match(account_id):
        hint = (
            " (write it without dashes or spaces)"
            if isinstance(account_id, str) and re.sub(r"[\s-]", "", account_id).isdigit()
            else ""
        )
        return [
            _error(
                "account_id",
                f"{account_id!r} is not an AWS account id; expected exactly 12 digits like 111122223333{hint}",
            )
        ]
    return []


def _style_problems(style: object) -> list[FieldProblem]:
    try:
        PolicyStyle(style)
    except (ValueError, TypeError):
        choices = " or ".join(s.value for s in PolicyStyle)
        return [_error("style", f"{style!r} is not a policy style; expected {choices}")]
    return []


def _safe_partition(options: SessionManagerOptions) -> str | None:
    return partition_for_region(options.region) if isinstance(options.region, str) else None


def _flag_problems(options: SessionManagerOptions) -> list[FieldProblem]:
    problems = []
    for name in (
        "s3_cross_account",
        "s3_enforce_encryption",
        "cloudwatch",
        "cloudwatch_enforce_encryption",
    ):
        value = getattr(options, name)
        if not isinstance(value, bool):
            problems.append(_error(name, f"{value!r} is not a switch; expected true or false"))
    return problems


# --- KMS key ----------------------------------------------------------------------------------

_KEY_ID_RE = re.compile(
    r"^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
_ARN_RE = re.compile(
    r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.*)$"
)


def _example_key_arn(options: SessionManagerOptions, key_id: str = EXAMPLE_KEY_ID) -> str:
    region = options.region if not _region_problems(options.region) else "us-east-1"
    account = (
        options.account_id
        if isinstance(options.account_id, str) and _ACCOUNT_RE.match(options.account_id)
        else "111122223333"
    )
    return f"arn:{partition_for_region(region)}:kms:{region}:{account}:key/{key_id}"


def _kms_problems(options: SessionManagerOptions) -> list[FieldProblem]:
    value = options.kms_key_arn
    field = "kms_key_arn"
    if value is None or value == "":
        return []
    if not isinstance(value, str):
        return [
            _error(
                field,
                f"{value!r} is not text; expected a KMS key ARN like {_example_key_arn(options)}",
            )
        ]
    if value != value.strip():
        return [_error(field, "has leading or trailing spaces; paste the key ARN alone")]
    if _KEY_ID_RE.match(value.lower()):
        return [
            _error(
                field,
                f"{value} is a key id, not a key ARN; IAM policies name keys by ARN: "
                f"{_example_key_arn(options, value.lower())} (check region and account)",
            )
        ]
    if value.startswith("alias/"):
        return [
            _error(
                field,
                f"{value!r} is an alias name; IAM evaluates kms:Decrypt against the key's ARN, "
                f"so a policy naming an alias grants nothing. Use the key ARN "
                f"(`aws kms describe-key --key-id {value!r}` prints it)",
            )
        ]
    match = _ARN_RE.match(value)
    if not match:
        return [
            _error(
                field,
                f"{value!r} is not a KMS key ARN; expected arn:PARTITION:kms:REGION:ACCOUNT:key/KEY_ID, "
                f"e.g. {_example_key_arn(options)}",
            )
        ]
    if match["service"] != "kms":
        return [
            _error(
                field,
                f"{value!r} is an ARN for {match['service'] or 'no service'!r}, not a KMS key; "
                f"expected e.g. {_example_key_arn(options)}",
            )
        ]
    resource = match["resource"]
    if resource.startswith("alias/"):
        return [
            _error(
                field,
                f"{value!r} is an alias ARN; IAM evaluates kms:Decrypt against the key's ARN, "
                f"so a policy naming an alias grants nothing. Use the key ARN "
                f"(`aws kms describe-key --key-id {value!r}` prints it as KeyMetadata.Arn)",
            )
        ]
    if not resource.startswith("key/"):
        return [
            _error(
                field,
                f"{value!r} does not name a key (its resource is {resource!r}); expected ...:key/KEY_ID",
            )
        ]
    key_id = resource.removeprefix("key/")
    if not _KEY_ID_RE.match(key_id):
        return [
            _error(
                field,
                f"{key_id!r} is not a KMS key id; expected a lowercase UUID like {EXAMPLE_KEY_ID} "
                f"or a multi-Region key id like mrk-<32 hex digits>",
            )
        ]
    if not _REGION_RE.match(match["region"]):
        return [
            _error(field, f"{match['region']!r} in the key ARN is not a Region name like us-east-1")
        ]
    if not _ACCOUNT_RE.match(match["account"]):
        return [_error(field, f"{match['account']!r} in the key ARN is not a 12-digit account id")]
    expected_partition = partition_for_region(match["region"])
    if match["partition"] != expected_partition:
        return [
            _error(
                field,
                f"partition {match['partition']!r} does not match the key's Region "
                f"{match['region']}; expected arn:{expected_partition}:kms:...",
            )
        ]
    if isinstance(options.region, str) and match["partition"] != partition_for_region(
        options.region
    ):
        return [
            _error(
                field,
                f"the key is in the {match['partition']} partition but the policy is for "
                f"{options.region} ({partition_for_region(options.region)}); "
                f"a policy cannot grant a key from another partition",
            )
        ]
    return []


# --- S3 bucket and prefix ---------------------------------------------------------------------

_MODERN_BUCKET_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789.-")
_LEGACY_EXTRA_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_RESERVED_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET_RULES = (
    "bucket names are 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit"
)


def _bucket_rule_violations(name: str) -> list[tuple[str, bool]]:
    """(message, relaxed_for_legacy_us_east_1) for each broken rule, in the order users fix them."""
    violations: list[tuple[str, bool]] = []
    if len(name) < 3:
        violations.append((f"is {len(name)} characters long; {_BUCKET_RULES}", False))
    elif len(name) > 63:
        violations.append((f"is {len(name)} characters long; {_BUCKET_RULES}", len(name) <= 255))
    bad = set(name) - _MODERN_BUCKET_CHARS
    if bad:
        relaxable = bad <= _LEGACY_EXTRA_CHARS
        what = (
            "uppercase letters or underscores"
            if relaxable
            else f"the characters {_quoted_chars(bad)}"
        )
        violations.append((f"has {what}; {_BUCKET_RULES}", relaxable))
    if name and not (
        name[0].isascii() and name[0].isalnum() and name[-1].isascii() and name[-1].isalnum()
    ):
        violations.append((f"must start and end with a letter or digit; {_BUCKET_RULES}", False))
    if ".." in name:
        violations.append(
            ("has two adjacent periods ('..'), which bucket names may not have", False)
        )
    try:
        ipaddress.IPv4Address(name)
        violations.append(("looks like an IP address, which bucket names may not", False))
    except ValueError:
        pass
    lowered = name.lower()
    for prefix in _RESERVED_BUCKET_PREFIXES:
        if lowered.startswith(prefix):
            violations.append((f"starts with {prefix!r}, a prefix S3 reserves", False))
    for suffix in _RESERVED_BUCKET_SUFFIXES:
        if lowered.endswith(suffix):
            violations.append(
                (
                    f"ends with {suffix!r}, a suffix S3 reserves for access points and directory buckets",
                    False,
                )
            )
    return violations


def _bucket_problems(options: SessionManagerOptions) -> list[FieldProblem]:
    name = options.s3_bucket
    field = "s3_bucket"
    if name is None or name == "":
        return []
    if not isinstance(name, str):
        return [_error(field, f"{name!r} is not text; expected a bucket name like my-session-logs")]
    if name != name.strip():
        return [_error(field, "has leading or trailing spaces; give the bucket name alone")]
    if name.startswith(("s3://", "arn:")):
        return [
            _error(
                field, f"{name!r} is a URL or ARN; give the bare bucket name (e.g. my-session-logs)"
            )
        ]
    violations = _bucket_rule_violations(name)
    if not violations:
        return []
    if all(relaxed for _, relaxed in violations) and _safe_partition(options) == "aws":
        return [
            _warning(
                field,
                f"{name!r} breaks today's naming rules (uppercase letters, underscores or more "
                "than 63 characters), which only buckets created in us-east-1 before "
                "1 March 2018 may have; accepted as such a legacy bucket. "
                "New buckets cannot be named like this",
            )
        ]
    message, relaxed = next((v for v in violations if not v[1]), violations[0])
    if relaxed:
        message += (
            f" (only buckets created in us-east-1 before 1 March 2018 may break this rule, "
            f"and the {_safe_partition(options)} partition has no such buckets)"
        )
    return [_error(field, f"{name!r} {message}")]


_PREFIX_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!-_.'()/")


def _prefix_problems(options: SessionManagerOptions) -> list[FieldProblem]:
    prefix = options.s3_prefix
    field = "s3_prefix"
    if prefix is None or prefix == "":
        return []
    if not isinstance(prefix, str):
        return [_error(field, f"{prefix!r} is not text; expected a key prefix like session-logs")]
    if not options.s3_bucket:
        return [_warning(field, "is ignored because S3 logging is off (no s3_bucket)")]
    bad = set(prefix) - _PREFIX_CHARS
    if bad & set("*?$"):
        return [
            _error(
                field,
                f"has {_quoted_chars(bad & set('*?$'))}, which IAM reads as wildcards or policy "
                "variables and would widen the grant; use letters, digits and ! - _ . ' ( ) /",
            )
        ]
    if bad:
        return [
            _error(
                field,
                f"has the characters {_quoted_chars(bad)}; S3 key prefixes here may use only "
                "letters, digits and ! - _ . ' ( ) /",
            )
        ]
    if prefix.startswith("/"):
        return [
            _error(
                field,
                f"starts with '/'; Session Manager writes BUCKET/PREFIX/..., so write "
                f"{prefix.lstrip('/')!r} instead",
            )
        ]
    if "//" in prefix:
        return [_error(field, "has an empty path segment ('//'); write each folder name once")]
    if len(prefix) > MAX_S3_PREFIX_LENGTH:
        return [
            _error(
                field,
                f"is {len(prefix)} characters long; at most {MAX_S3_PREFIX_LENGTH} leave room "
                "for the session log's name in S3's 1,024-byte object key",
            )
        ]
    return []


# --- CloudWatch Logs --------------------------------------------------------------------------

_LOG_GROUP_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./#-")


def _log_group_problems(options: SessionManagerOptions) -> list[FieldProblem]:
    name = options.log_group
    field = "log_group"
    if name is None or name == "":
        if options.cloudwatch is True and options.style == PolicyStyle.SCOPED:
            return [
                _warning(
                    field,
                    "no log group given: the scoped policy lets the logs actions write to "
                    "every log group in the Region; name the log group to narrow it",
                )
            ]
        return []
    if not isinstance(name, str):
        return [
            _error(field, f"{name!r} is not text; expected a log group name like /ssm/session-logs")
        ]
    if len(name) > 512:
        return [
            _error(field, f"is {len(name)} characters long; log group names are 1-512 characters")
        ]
    bad = set(name) - _LOG_GROUP_CHARS
    if bad:
        return [
            _error(
                field,
                f"has the characters {_quoted_chars(bad)}; log group names use only "
                "letters, digits and _ . / # -",
            )
        ]
    if name.startswith("aws/"):
        return [
            _error(
                field,
                f"{name!r} starts with 'aws/', which CloudWatch Logs reserves for AWS services; "
                "a name like /ssm/session-logs works",
            )
        ]
    if options.cloudwatch is not True:
        return [
            _warning(field, "is ignored because CloudWatch logging is off (cloudwatch is false)")
        ]
    return []


# --- combinations -----------------------------------------------------------------------------


def _combination_problems(options: SessionManagerOptions) -> list[FieldProblem]:
    problems = []
    if not options.s3_bucket:
        if options.s3_cross_account is True:
            problems.append(
                _warning("s3_cross_account", "is ignored because S3 logging is off (no s3_bucket)")
            )
        if options.s3_enforce_encryption is True:
            problems.append(
                _warning(
                    "s3_enforce_encryption", "is ignored because S3 logging is off (no s3_bucket)"
                )
            )
    if options.cloudwatch is not True and options.cloudwatch_enforce_encryption is True:
        problems.append(
            _warning(
                "cloudwatch_enforce_encryption",
                "is ignored because CloudWatch logging is off (cloudwatch is false)",
            )
        )
    if options.style == PolicyStyle.SCOPED and options.any_logging and not options.kms_key_arn:
        problems.append(
            _warning(
                "kms_key_arn",
                "no KMS key: the scoped policy grants kms:GenerateDataKey on no "
                "key; give the key that encrypts your session data if you use one",
            )
        )
    return problems


def validate_options(options: SessionManagerOptions) -> tuple[FieldProblem, ...]:
    """All problems with the options, errors and warnings, in field order. Never raises."""
    problems: list[FieldProblem] = []
    problems += _style_problems(options.style)
    problems += _region_problems(options.region)
    problems += _account_problems(options.account_id)
    problems += _flag_problems(options)
    problems += _kms_problems(options)
    problems += _bucket_problems(options)
    problems += _prefix_problems(options)
    problems += _log_group_problems(options)
    if not any(p.severity == "error" and p.field in ("style", "s3_bucket") for p in problems):
        problems += _combination_problems(options)
    return tuple(problems)


# --- IAM names --------------------------------------------------------------------------------

_IAM_NAME_RE = re.compile(r"^[A-Za-z0-9+=,.@_-]+$")
_NAME_LIMITS = {"policy_name": 128, "role_name": 64, "instance_profile_name": 128}


def _iam_name_problems(field: str, name: object) -> list[FieldProblem]:
    limit = _NAME_LIMITS[field]
    if not isinstance(name, str) or name == "":
        return [
            _error(
                field,
                f"is empty; give a name of 1-{limit} characters like SessionManagerInstanceRole",
            )
        ]
    if len(name) > limit:
        return [_error(field, f"is {len(name)} characters long; IAM allows at most {limit}")]
    if not _IAM_NAME_RE.match(name):
        bad = {c for c in name if not _IAM_NAME_RE.match(c)}
        return [
            _error(
                field,
                f"has the characters {_quoted_chars(bad)}; IAM names use only letters, digits "
                "and + = , . @ _ -",
            )
        ]
    return []


def validate_names(names: ResourceNames) -> tuple[FieldProblem, ...]:
    """Problems with the IAM names (rules from IAM's CreatePolicy/CreateRole/CreateInstanceProfile)."""
    problems = _iam_name_problems("policy_name", names.policy_name)
    problems += _iam_name_problems("role_name", names.role_name)
    if names.instance_profile_name is not None:
        problems += _iam_name_problems("instance_profile_name", names.instance_profile_name)
    return tuple(problems)


# --- the built document -----------------------------------------------------------------------


def check_policy_size(document: Mapping[str, object]) -> tuple[FieldProblem, ...]:
    """IAM refuses managed policies over 6,144 non-whitespace characters."""
    from ssm_tui.policy.builder import policy_size

    size = policy_size(document)
    if size > MAX_MANAGED_POLICY_SIZE:
        return (
            _error(
                "policy",
                f"is {size} characters (whitespace not counted); IAM allows at most "
                f"{MAX_MANAGED_POLICY_SIZE} in a managed policy: shorten the prefix or log group name",
            ),
        )
    return ()
