"""Terraform (HCL) for the console's steps: policy, EC2-trusted role, attachment, instance profile.

The documents are heredocs holding the exact JSON of the preview, so a reviewer can diff them;
`${` and `%{` are escaped because Terraform would read them as template syntax.
"""

from __future__ import annotations

import json

from ssm_tui.policy.builder import policy_json
from ssm_tui.policy.exports.common import (
    generated_by,
    policy_description,
    role_description,
    validated_policy,
)
from ssm_tui.policy.options import ResourceNames, SessionManagerOptions
from ssm_tui.policy.trust import ec2_trust_policy

RESOURCE_LABEL = "session_manager"


def _escape_template(text: str) -> str:
    return text.replace("${", "$${").replace("%{", "%%{")


def _hcl_string(text: str) -> str:
    """A quoted HCL string: JSON escaping plus Terraform's template escapes."""
    return _escape_template(json.dumps(text, ensure_ascii=False))


def _heredoc(text: str) -> str:
    return f"<<-JSON\n{_escape_template(text)}\n  JSON"


def render_terraform(options: SessionManagerOptions, names: ResourceNames) -> str:
    document = validated_policy(options, names)
    trust = ec2_trust_policy(options.partition)
    label = RESOURCE_LABEL
    return f"""# {generated_by()}
# Style: {options.style}; partition: {options.partition}.

terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }}
  }}
}}

resource "aws_iam_policy" "{label}" {{
  name        = {_hcl_string(names.policy_name)}
  description = {_hcl_string(policy_description(options))}
  policy      = {_heredoc(policy_json(document))}
}}

resource "aws_iam_role" "{label}" {{
  name               = {_hcl_string(names.role_name)}
  description        = {_hcl_string(role_description())}
  assume_role_policy = {_heredoc(policy_json(trust))}
}}

resource "aws_iam_role_policy_attachment" "{label}" {{
  role       = aws_iam_role.{label}.name
  policy_arn = aws_iam_policy.{label}.arn
}}

resource "aws_iam_instance_profile" "{label}" {{
  name = {_hcl_string(names.profile_name)}
  role = aws_iam_role.{label}.name
}}

output "instance_profile_name" {{
  value = aws_iam_instance_profile.{label}.name
}}

output "instance_profile_arn" {{
  value = aws_iam_instance_profile.{label}.arn
}}
"""
