"""`ssm-tui policy`: print the Session Manager policy (or an export of it) for the given flags.

Headless and offline: no AWS call, no boto3 import. The region comes from the global
`--region`, else the AWS config (`AWS_DEFAULT_REGION`, then the profile's `region` in
AWS_CONFIG_FILE, read with configparser the way botocore resolves it), else us-east-1.
Bad input: exit 2, one line per problem on stderr, nothing on stdout.
"""

from __future__ import annotations

import argparse
import configparser
import os
import sys
from pathlib import Path

from ssm_tui.config import AppConfig

EXIT_OK = 0
EXIT_BAD_INPUT = 2
FALLBACK_REGION = "us-east-1"

FORMATS = ("json", "terraform", "cloudformation", "cli")
STYLES = ("aws-docs", "scoped")

# Option attribute -> the flag a CLI user typed, so problems name what they can change.
FLAG_FOR_FIELD = {
    "kms_key_arn": "--kms-key",
    "s3_bucket": "--s3-bucket",
    "s3_prefix": "--s3-prefix",
    "s3_enforce_encryption": "--s3-encryption",
    "s3_cross_account": "--cross-account-bucket",
    "cloudwatch": "--cloudwatch",
    "log_group": "--log-group",
    "cloudwatch_enforce_encryption": "--cloudwatch-encryption",
    "style": "--style",
    "region": "--region",
    "account_id": "--account-id",
    "policy": "policy",
}


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    """Flags of `ssm-tui policy`; `--region`/`--profile` are the global flags from cli.py."""
    del name
    group = add_policy_option_flags(parser)
    group.add_argument(
        "--format",
        metavar="FORMAT",
        default="json",
        dest="output_format",
        help="json (default), terraform, cloudformation or cli",
    )
    group.add_argument(
        "--lint",
        action="store_true",
        help="also lint the policy with parliament; findings go to stderr",
    )


def add_policy_option_flags(parser: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """The flags that shape the policy; shared with `ssm-tui apply` (read them with `options_from_args`)."""
    group = parser.add_argument_group("policy options")
    group.add_argument(
        "--kms-key",
        metavar="ARN",
        dest="kms_key",
        help="KMS key ARN that encrypts session data (adds kms:Decrypt on it)",
    )
    group.add_argument(
        "--s3-bucket", metavar="NAME", help="log sessions to this S3 bucket (s3:PutObject)"
    )
    group.add_argument(
        "--s3-prefix", metavar="PREFIX", default="", help="key prefix inside the bucket"
    )
    group.add_argument(
        "--s3-encryption",
        action="store_true",
        help="Session Manager enforces S3 log encryption (scoped: s3:GetEncryptionConfiguration on the bucket)",
    )
    group.add_argument(
        "--cross-account-bucket",
        action="store_true",
        help="the bucket belongs to another account (adds s3:PutObjectAcl)",
    )
    group.add_argument("--cloudwatch", action="store_true", help="log sessions to CloudWatch Logs")
    group.add_argument(
        "--log-group",
        metavar="NAME",
        help="the CloudWatch Logs log group (scoped: narrows the logs actions)",
    )
    group.add_argument(
        "--cloudwatch-encryption",
        action="store_true",
        help="Session Manager enforces CloudWatch Logs encryption",
    )
    group.add_argument(
        "--style",
        metavar="STYLE",
        default="aws-docs",
        help="aws-docs (AWS's published policy, default) or scoped (least privilege)",
    )
    group.add_argument(
        "--account-id",
        metavar="ID",
        help="12-digit account id (scoped: used in log group and instance ARNs)",
    )
    return group


def _profile_name(config: AppConfig) -> str:
    return (
        config.profile
        or os.environ.get("AWS_PROFILE")
        or os.environ.get("AWS_DEFAULT_PROFILE")
        or "default"
    )


def region_from_aws_config(profile: str) -> str | None:
    """The region botocore would pick without a client: AWS_DEFAULT_REGION, then the profile's
    `region` in the shared config file. Unreadable files count as "not set"."""
    if os.environ.get("AWS_DEFAULT_REGION"):
        return os.environ["AWS_DEFAULT_REGION"]
    path = Path(os.environ.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config").expanduser()
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    section = "default" if profile == "default" else f"profile {profile}"
    if not parser.has_section(section) and profile == "default":
        section = "profile default"
    if parser.has_section(section) and parser.get(section, "region", fallback="").strip():
        return parser.get(section, "region").strip()
    return None


def resolve_region(config: AppConfig) -> str:
    return config.region or region_from_aws_config(_profile_name(config)) or FALLBACK_REGION


def options_from_args(args: argparse.Namespace, config: AppConfig):
    """The `SessionManagerOptions` the flags of `add_policy_option_flags` describe (not validated)."""
    from ssm_tui.policy.options import SessionManagerOptions

    return SessionManagerOptions(
        kms_key_arn=args.kms_key or None,
        s3_bucket=args.s3_bucket or None,
        s3_prefix=args.s3_prefix or "",
        s3_cross_account=args.cross_account_bucket,
        s3_enforce_encryption=args.s3_encryption,
        cloudwatch=args.cloudwatch,
        log_group=args.log_group or None,
        cloudwatch_enforce_encryption=args.cloudwatch_encryption,
        style=args.style,
        region=resolve_region(config),
        account_id=args.account_id or None,
    )


def _flag_line(problem) -> str:
    flag = FLAG_FOR_FIELD.get(problem.field, problem.field)
    kind = "warning" if problem.severity == "warning" else "error"
    message = problem.message.replace("\n", "\\n")
    return f"ssm-tui policy: {kind}: {flag}: {message}"


def run(args: argparse.Namespace, config: AppConfig) -> int:
    from ssm_tui.policy.builder import build_policy
    from ssm_tui.policy.exports import ExportFormat, render_export
    from ssm_tui.policy.validation import (
        InvalidOptionsError,
        errors_only,
        validate_options,
        warnings_only,
    )

    options = options_from_args(args, config)
    problems = validate_options(options)
    lines = [_flag_line(p) for p in errors_only(problems)]
    if args.output_format not in FORMATS:
        lines.append(
            f"ssm-tui policy: error: --format: {args.output_format!r} is not an export format; "
            f"expected {', '.join(FORMATS)}"
        )
    if lines:
        print("\n".join(lines), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        document = build_policy(options)
        text = render_export(ExportFormat(args.output_format), options)
    except InvalidOptionsError as error:  # e.g. the size limit, known only once built
        print("\n".join(_flag_line(p) for p in error.problems), file=sys.stderr)
        return EXIT_BAD_INPUT
    for warning in warnings_only(problems):
        print(_flag_line(warning), file=sys.stderr)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if args.lint:
        from ssm_tui.policy.lint import lint_policy

        for finding in lint_policy(document):
            print(f"ssm-tui policy: lint: {finding}", file=sys.stderr)
    return EXIT_OK
