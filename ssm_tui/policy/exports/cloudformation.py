"""A CloudFormation template (JSON) with the ManagedPolicy, the EC2-trusted Role and the
InstanceProfile, ready for one stack or a StackSet across many accounts.

For StackSets the account in account-scoped ARNs (log groups, EC2 instances of the `scoped`
style) becomes `${AWS::AccountId}` through Fn::Sub, so one template fits every target account.
KMS key and S3 ARNs stay literal: a central key or logging bucket is shared by all accounts.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ssm_tui.policy.exports.common import (
    generated_by,
    policy_description,
    role_description,
    validated_policy,
)
from ssm_tui.policy.options import ResourceNames, SessionManagerOptions
from ssm_tui.policy.trust import ec2_trust_policy

POLICY_ID = "SessionManagerPolicy"
ROLE_ID = "SessionManagerRole"
PROFILE_ID = "SessionManagerInstanceProfile"

# arn:PARTITION:(logs|ec2):REGION:ACCOUNT:rest — the ARNs whose account differs per target account.
_ACCOUNT_SCOPED_ARN = re.compile(r"^(arn:[^:]+:(?:logs|ec2):[^:]*:)([^:]*)(:.*)$")


def _per_account(resource: Any) -> Any:
    if isinstance(resource, list):
        return [_per_account(r) for r in resource]
    match = _ACCOUNT_SCOPED_ARN.match(resource) if isinstance(resource, str) else None
    if not match:
        return resource
    return {"Fn::Sub": f"{match[1]}${{AWS::AccountId}}{match[3]}"}


def stackset_policy_document(document: dict[str, Any]) -> dict[str, Any]:
    """The policy with account-scoped ARNs bound to the deploying account."""
    statements = [{**s, "Resource": _per_account(s["Resource"])} for s in document["Statement"]]
    return {**document, "Statement": statements}


def cloudformation_template(options: SessionManagerOptions, names: ResourceNames) -> dict[str, Any]:
    document = validated_policy(options, names)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Session Manager instance profile ({options.style} style). {generated_by()}",
        "Resources": {
            POLICY_ID: {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "ManagedPolicyName": names.policy_name,
                    "Description": policy_description(options),
                    "PolicyDocument": stackset_policy_document(document),
                },
            },
            ROLE_ID: {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": names.role_name,
                    "Description": role_description(),
                    "AssumeRolePolicyDocument": ec2_trust_policy(options.partition),
                    "ManagedPolicyArns": [{"Ref": POLICY_ID}],
                },
            },
            PROFILE_ID: {
                "Type": "AWS::IAM::InstanceProfile",
                "Properties": {
                    "InstanceProfileName": names.profile_name,
                    "Roles": [{"Ref": ROLE_ID}],
                },
            },
        },
        "Outputs": {
            "InstanceProfileName": {"Value": {"Ref": PROFILE_ID}},
            "InstanceProfileArn": {"Value": {"Fn::GetAtt": [PROFILE_ID, "Arn"]}},
            "RoleArn": {"Value": {"Fn::GetAtt": [ROLE_ID, "Arn"]}},
            "PolicyArn": {"Value": {"Ref": POLICY_ID}},
        },
    }


def render_cloudformation(options: SessionManagerOptions, names: ResourceNames) -> str:
    return json.dumps(cloudformation_template(options, names), indent=2, ensure_ascii=False) + "\n"
