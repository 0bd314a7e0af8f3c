"""list_roles: trust, profiles, policies and Session Manager readiness, on both read paths."""

from __future__ import annotations

import json

import pytest

from ssm_tui.aws import inventory
from ssm_tui.aws.faults import FaultInjector
from ssm_tui.policy.readiness import SESSION_MANAGER_CORE_ACTIONS

from .helpers import SSM_CORE, TRUST_EC2
from .paging import paginate_responses

SSMMESSAGES = tuple(a for a in SESSION_MANAGER_CORE_ACTIONS if a.startswith("ssmmessages:"))


def _doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _trust(service):
    return _doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


@pytest.fixture
def roles(ctx):
    iam = ctx.client("iam")
    messages = iam.create_policy(
        PolicyName="messages",
        PolicyDocument=_doc({"Effect": "Allow", "Action": "ssmmessages:*", "Resource": "*"}),
    )["Policy"]["Arn"]
    # ready through an inline policy alone
    iam.create_role(RoleName="ready-inline", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam.put_role_policy(
        RoleName="ready-inline", PolicyName="core", PolicyDocument=json.dumps(SSM_CORE)
    )
    iam.create_instance_profile(InstanceProfileName="ready-inline-profile")
    iam.add_role_to_instance_profile(
        InstanceProfileName="ready-inline-profile", RoleName="ready-inline"
    )
    # ready only by combining a managed and an inline policy
    iam.create_role(RoleName="ready-combined", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam.attach_role_policy(RoleName="ready-combined", PolicyArn=messages)
    iam.put_role_policy(
        RoleName="ready-combined",
        PolicyName="register",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": "ssm:UpdateInstanceInformation", "Resource": "*"}
        ),
    )
    # registers the agent but cannot open sessions
    iam.create_role(RoleName="partial", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam.put_role_policy(
        RoleName="partial",
        PolicyName="register",
        PolicyDocument=_doc(
            {"Effect": "Allow", "Action": "ssm:UpdateInstanceInformation", "Resource": "*"}
        ),
    )
    # everything allowed, but an explicit deny removes the data channel
    iam.create_role(RoleName="denied", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    iam.put_role_policy(RoleName="denied", PolicyName="all", PolicyDocument=json.dumps(SSM_CORE))
    iam.put_role_policy(
        RoleName="denied",
        PolicyName="no-data",
        PolicyDocument=_doc(
            {"Effect": "Deny", "Action": "ssmmessages:OpenDataChannel", "Resource": "*"}
        ),
    )
    iam.create_role(RoleName="orders-fn", AssumeRolePolicyDocument=_trust("lambda.amazonaws.com"))
    iam.create_role(
        RoleName="api-task", AssumeRolePolicyDocument=_trust(["ecs-tasks.amazonaws.com"])
    )
    return messages


def _by_name(listing):
    assert listing.ok, listing.error
    return {r.name: r for r in listing.items}


def _check_readiness(roles):
    assert roles["ready-inline"].missing_actions == ()
    assert roles["ready-inline"].session_manager_ready is True
    assert roles["ready-combined"].missing_actions == ()
    assert roles["partial"].missing_actions == SSMMESSAGES
    assert roles["denied"].missing_actions == ("ssmmessages:OpenDataChannel",)
    assert roles["orders-fn"].session_manager_ready is False


def test_roles_trust_profiles_policies_and_readiness(ctx, roles):
    found = _by_name(inventory.list_roles(ctx))
    assert set(found) == {
        "ready-inline",
        "ready-combined",
        "partial",
        "denied",
        "orders-fn",
        "api-task",
    }
    assert found["ready-inline"].ec2_trusted and found["ready-inline"].trusted_services == (
        "ec2.amazonaws.com",
    )
    assert (
        found["orders-fn"].trusted_services == ("lambda.amazonaws.com",)
        and not found["orders-fn"].ec2_trusted
    )
    assert found["api-task"].trusted_services == ("ecs-tasks.amazonaws.com",)
    assert found["ready-inline"].instance_profiles == ("ready-inline-profile",)
    assert found["partial"].instance_profiles == ()
    combined = {(p.name, p.kind, p.arn) for p in found["ready-combined"].policies}
    assert combined == {("messages", "managed", roles), ("register", "inline", None)}
    managed = next(p for p in found["ready-combined"].policies if p.kind == "managed")
    assert managed.document["Statement"][0]["Action"] == "ssmmessages:*"
    assert found["ready-inline"].arn.endswith(":role/ready-inline")
    _check_readiness(found)


def test_roles_are_read_one_by_one_when_authorization_details_are_denied(ctx, roles):
    faults = FaultInjector(ctx.client("iam"))
    faults.fail("GetAccountAuthorizationDetails", "AccessDenied", status=403)
    found = _by_name(inventory.list_roles(ctx))
    assert "ListRoles" in faults.calls
    assert found["ready-inline"].instance_profiles == ("ready-inline-profile",)
    _check_readiness(found)


def test_readiness_is_unknown_when_a_policy_cannot_be_read(ctx, roles):
    faults = FaultInjector(ctx.client("iam"))
    faults.fail("GetAccountAuthorizationDetails", "AccessDenied", status=403)
    faults.fail("GetRolePolicy", "AccessDenied", status=403)
    found = _by_name(inventory.list_roles(ctx))
    assert found["partial"].missing_actions is None
    assert found["partial"].session_manager_ready is None
    assert (
        found["orders-fn"].missing_actions == SESSION_MANAGER_CORE_ACTIONS
    )  # no policies: readable, nothing granted


def test_roles_listing_says_not_permitted_when_no_read_path_is_allowed(ctx, roles):
    faults = FaultInjector(ctx.client("iam"))
    faults.fail("GetAccountAuthorizationDetails", "AccessDenied", status=403)
    faults.fail("ListRoles", "AccessDenied", status=403)
    listing = inventory.list_roles(ctx)
    assert listing.error == "not permitted: iam:ListRoles"
    assert listing.items == ()


def test_roles_are_listed_across_every_page(ctx, roles):
    served: list[int] = []
    paginate_responses(
        FaultInjector(ctx.client("iam")),
        "GetAccountAuthorizationDetails",
        list_key="RoleDetailList",
        page_size=4,
        token_in="Marker",
        token_out="Marker",
        truncated_flag="IsTruncated",
        pages_served=served,
    )
    found = _by_name(inventory.list_roles(ctx))
    assert served == [0, 4]
    assert len(found) == 6
    _check_readiness(found)


def test_instance_profiles_are_listed_across_every_page(ctx, roles):
    iam = ctx.client("iam")
    for n in range(3):
        iam.create_instance_profile(InstanceProfileName=f"empty-{n}")
    served: list[int] = []
    paginate_responses(
        FaultInjector(iam),
        "ListInstanceProfiles",
        list_key="InstanceProfiles",
        page_size=2,
        token_in="Marker",
        token_out="Marker",
        truncated_flag="IsTruncated",
        pages_served=served,
    )
    listing = inventory.list_instance_profiles(ctx)
    assert served == [0, 2]
    assert {p.name: p.role_names for p in listing.items} == {
        "empty-0": (),
        "empty-1": (),
        "empty-2": (),
        "ready-inline-profile": ("ready-inline",),
    }
