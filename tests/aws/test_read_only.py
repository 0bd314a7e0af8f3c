"""--read-only: mutating calls are refused before they are sent; reads work."""

from __future__ import annotations

import json

import pytest

from ssm_tui.aws import inventory
from ssm_tui.aws.faults import FaultInjector
from ssm_tui.aws.read_only import ReadOnlyViolation, is_mutating
from ssm_tui.aws.session import AwsContext
from ssm_tui.config import AppConfig

from .helpers import TRUST_EC2


@pytest.mark.parametrize(
    ("operation", "mutating"),
    [
        ("DescribeInstances", False),
        ("ListRoles", False),
        ("GetCallerIdentity", False),
        ("HeadBucket", False),
        ("SimulatePrincipalPolicy", False),
        ("CreateRole", True),
        ("AssociateIamInstanceProfile", True),
        ("ReplaceIamInstanceProfileAssociation", True),
        ("PutRolePolicy", True),
        ("DeletePolicy", True),
        ("TagInstanceProfile", True),
        ("StartSession", True),
    ],
)
def test_is_mutating(operation, mutating):
    assert is_mutating(operation) is mutating


def test_read_only_context_refuses_mutations_and_sends_nothing(emulator):
    ctx = AwsContext.from_config(AppConfig(endpoint_url=emulator.endpoint_url, read_only=True))
    iam = ctx.client("iam")
    faults = FaultInjector(iam)
    with pytest.raises(ReadOnlyViolation, match=r"iam:CreateRole.*--read-only"):
        iam.create_role(RoleName="nope", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    assert faults.attempts == []  # refused before any HTTP
    assert inventory.list_roles(ctx).items == ()
    assert ctx.identity().account_id == "123456789012"
    with pytest.raises(ReadOnlyViolation):
        ctx.client("ec2").run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    assert inventory.list_instances(ctx).items == ()
