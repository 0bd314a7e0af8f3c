"""A bash script making the console steps of AWS's page as AWS CLI calls.

create-policy, create-role (EC2 trust policy), attach-role-policy, create-instance-profile,
add-role-to-instance-profile; attaching to or replacing on an instance is left commented out
because it needs an instance id. Documents go through quoted heredocs, so nothing in them is
expanded by the shell.
"""

from __future__ import annotations

import shlex

from ssm_tui.policy.builder import policy_json
from ssm_tui.policy.exports.common import (
    generated_by,
    policy_description,
    role_description,
    validated_policy,
)
from ssm_tui.policy.options import ResourceNames, SessionManagerOptions
from ssm_tui.policy.trust import ec2_trust_policy


def render_cli_script(options: SessionManagerOptions, names: ResourceNames) -> str:
    document = validated_policy(options, names)
    trust = ec2_trust_policy(options.partition)
    q = shlex.quote
    return f"""#!/usr/bin/env bash
# Create a Session Manager instance profile with the AWS CLI ({options.style} style).
# {generated_by()}
# Run with credentials for the target account; each step is one console step of
# "Create a custom IAM instance profile for Session Manager".
set -euo pipefail

REGION={q(options.region)}
POLICY_NAME={q(names.policy_name)}
ROLE_NAME={q(names.role_name)}
PROFILE_NAME={q(names.profile_name)}

WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT

cat > "$WORK_DIR/policy.json" <<'SSM_TUI_POLICY'
{policy_json(document)}
SSM_TUI_POLICY

cat > "$WORK_DIR/trust.json" <<'SSM_TUI_TRUST'
{policy_json(trust)}
SSM_TUI_TRUST

# 1. Policies > Create policy > JSON: the permissions.
POLICY_ARN="$(aws iam create-policy --region "$REGION" \\
    --policy-name "$POLICY_NAME" \\
    --description {q(policy_description(options))} \\
    --policy-document "file://$WORK_DIR/policy.json" \\
    --query Policy.Arn --output text)"
echo "created policy $POLICY_ARN"

# 2. Roles > Create role > AWS service > EC2: a role EC2 instances can assume.
aws iam create-role --region "$REGION" \\
    --role-name "$ROLE_NAME" \\
    --description {q(role_description())} \\
    --assume-role-policy-document "file://$WORK_DIR/trust.json" \\
    --query Role.Arn --output text

# 3. Attach the policy to the role.
aws iam attach-role-policy --region "$REGION" --role-name "$ROLE_NAME" --policy-arn "$POLICY_ARN"

# 4. The instance profile the console creates with an EC2 role, holding the role.
aws iam create-instance-profile --region "$REGION" --instance-profile-name "$PROFILE_NAME" \\
    --query InstanceProfile.Arn --output text
aws iam add-role-to-instance-profile --region "$REGION" \\
    --instance-profile-name "$PROFILE_NAME" --role-name "$ROLE_NAME"
aws iam wait instance-profile-exists --region "$REGION" --instance-profile-name "$PROFILE_NAME"
echo "instance profile $PROFILE_NAME is ready"

# 5. Attach it to an instance (IAM may need a few seconds before EC2 sees a new profile).
#    An instance without an instance profile:
# aws ec2 associate-iam-instance-profile --region "$REGION" \\
#     --instance-id i-0123456789abcdef0 --iam-instance-profile Name="$PROFILE_NAME"
#    An instance that already has one: replace its association.
# ASSOCIATION_ID="$(aws ec2 describe-iam-instance-profile-associations --region "$REGION" \\
#     --filters Name=instance-id,Values=i-0123456789abcdef0 \\
#     --query 'IamInstanceProfileAssociations[0].AssociationId' --output text)"
# aws ec2 replace-iam-instance-profile-association --region "$REGION" \\
#     --association-id "$ASSOCIATION_ID" --iam-instance-profile Name="$PROFILE_NAME"
"""
