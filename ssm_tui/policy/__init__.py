"""The policy engine: options -> validated IAM policy, lint and exports. Pure Python, no I/O.

Nothing here imports Textual, boto3 or botocore (tests/test_layers.py and import-linter check).
"""

from ssm_tui.policy.builder import MAX_MANAGED_POLICY_SIZE, build_policy, policy_json, policy_size
from ssm_tui.policy.exports import ExportFormat, render_export
from ssm_tui.policy.lint import LintFinding, lint_policy
from ssm_tui.policy.options import (
    PolicyStyle,
    ResourceNames,
    SessionManagerOptions,
    partition_for_region,
)
from ssm_tui.policy.trust import EC2_TRUST_POLICY, ec2_trust_policy
from ssm_tui.policy.validation import (
    FieldProblem,
    InvalidOptionsError,
    validate_names,
    validate_options,
)

__all__ = [
    "EC2_TRUST_POLICY",
    "MAX_MANAGED_POLICY_SIZE",
    "ExportFormat",
    "FieldProblem",
    "InvalidOptionsError",
    "LintFinding",
    "PolicyStyle",
    "ResourceNames",
    "SessionManagerOptions",
    "build_policy",
    "ec2_trust_policy",
    "lint_policy",
    "partition_for_region",
    "policy_json",
    "policy_size",
    "render_export",
    "validate_names",
    "validate_options",
]
