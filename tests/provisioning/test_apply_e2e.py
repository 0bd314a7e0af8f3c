"""End to end against the moto server: what an apply leaves in AWS, and what a second one does."""

from __future__ import annotations

import json

from ssm_tui.aws.attacher import attach_client
from ssm_tui.aws.faults import FaultInjector
from ssm_tui.aws.read_only import is_mutating
from ssm_tui.aws.rollback import rollback_run
from ssm_tui.planning import Action
from ssm_tui.policy import SessionManagerOptions

from .conftest import apply, desired_state, launch, plan_for, profile_of

MANAGED = {"Key": "ssm-tui:managed", "Value": "true"}


def test_fresh_apply_creates_exactly_the_expected_resources(ctx, xdg_state):
    ids = launch(ctx, 3)
    _, result = apply(ctx, desired_state(ids))
    assert result.ok, result.to_dict()
    iam = ctx.client("iam")
    policies = iam.list_policies(Scope="Local")["Policies"]
    assert [p["PolicyName"] for p in policies] == ["SsmPolicy"]
    assert iam.list_policy_tags(PolicyArn=policies[0]["Arn"])["Tags"] == [MANAGED]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["SsmRole"]
    role = iam.get_role(RoleName="SsmRole")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }
    assert MANAGED in role["Tags"]
    attached = iam.list_attached_role_policies(RoleName="SsmRole")["AttachedPolicies"]
    assert [a["PolicyName"] for a in attached] == ["SsmPolicy"]
    profiles = iam.list_instance_profiles()["InstanceProfiles"]
    assert [(p["InstanceProfileName"], [r["RoleName"] for r in p["Roles"]]) for p in profiles] == [
        ("SsmRole", ["SsmRole"])
    ]
    assert [profile_of(ctx, i) for i in ids] == ["SsmRole"] * 3
    assert {i.outcome for i in result.instances} == {"ok"}


def test_second_apply_is_all_no_ops_and_makes_no_mutating_call(ctx, xdg_state):
    ids = launch(ctx, 2)
    apply(ctx, desired_state(ids))
    recorders = [
        FaultInjector(ctx.client("iam")),
        FaultInjector(ctx.client("ec2")),
        FaultInjector(attach_client(ctx)),
    ]
    plan, result = apply(ctx, desired_state(ids))
    assert plan.changes == 0
    assert {s.action for s in plan.steps} == {Action.NOOP}
    assert [s.action for s in plan.instance_steps] == [Action.NOOP, Action.NOOP]
    assert result.ok
    calls = [c for r in recorders for c in r.calls]
    assert calls and not [c for c in calls if is_mutating(c)]


def test_changed_option_creates_exactly_one_new_default_version(ctx, xdg_state):
    apply(ctx, desired_state())
    changed = desired_state(options=SessionManagerOptions(cloudwatch=True))
    plan, result = apply(ctx, changed)
    assert result.ok
    assert [s.action for s in plan.steps if s.resource == "policy"] == [Action.NEW_VERSION]
    iam = ctx.client("iam")
    arn = plan.policy_arn
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert len(versions) == 2
    default = next(v for v in versions if v["IsDefaultVersion"])["VersionId"]
    document = iam.get_policy_version(PolicyArn=arn, VersionId=default)["PolicyVersion"]["Document"]
    assert "logs:PutLogEvents" in json.dumps(document)
    assert plan_for(ctx, changed).changes == 0  # converged


def test_sixth_version_prunes_the_oldest_non_default(ctx, xdg_state):
    buckets = [f"session-logs-{n}" for n in range(6)]
    apply(ctx, desired_state())
    for bucket in buckets[:4]:  # v2..v5
        apply(ctx, desired_state(options=SessionManagerOptions(s3_bucket=bucket)))
    plan, result = apply(ctx, desired_state(options=SessionManagerOptions(s3_bucket=buckets[5])))
    assert result.ok, result.to_dict()
    policy_steps = [s for s in plan.steps if s.resource == "policy"]
    assert [s.action for s in policy_steps] == [Action.DELETE_VERSION, Action.NEW_VERSION]
    versions = ctx.client("iam").list_policy_versions(PolicyArn=plan.policy_arn)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == ["v2", "v3", "v4", "v5", "v6"]
    assert [v["VersionId"] for v in versions if v["IsDefaultVersion"]] == ["v6"]


def test_profile_holding_another_role_is_refused_and_nothing_changes(ctx, xdg_state):
    iam = ctx.client("iam")
    iam.create_role(
        RoleName="Other", AssumeRolePolicyDocument=json.dumps(desired_state().trust_document)
    )
    iam.create_instance_profile(InstanceProfileName="SsmRole")
    iam.add_role_to_instance_profile(InstanceProfileName="SsmRole", RoleName="Other")
    plan = plan_for(ctx, desired_state(launch(ctx, 1)))
    assert plan.refused
    assert "holds role Other" in plan.refusals[0].reason
    assert iam.list_policies(Scope="Local")["Policies"] == []


def test_matching_unmanaged_resources_are_adopted_and_survive_rollback(ctx, xdg_state):
    iam = ctx.client("iam")
    desired = desired_state(launch(ctx, 1))
    iam.create_policy(PolicyName="SsmPolicy", PolicyDocument=json.dumps(desired.policy_document))
    iam.create_role(RoleName="SsmRole", AssumeRolePolicyDocument=json.dumps(desired.trust_document))
    plan, result = apply(ctx, desired)
    assert [(s.action, s.resource) for s in plan.steps][:2] == [
        (Action.ADOPT, "policy"),
        (Action.ADOPT, "role"),
    ]
    assert result.ok
    rollback = rollback_run(ctx, result.run_id)
    assert rollback.ok, rollback.to_dict()
    # ours are gone, the adopted ones stay
    assert iam.list_instance_profiles()["InstanceProfiles"] == []
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]] == ["SsmPolicy"]
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["SsmRole"]
    assert iam.list_attached_role_policies(RoleName="SsmRole")["AttachedPolicies"] == []


def _legacy_profile(ctx, instance_ids):
    iam = ctx.client("iam")
    iam.create_role(
        RoleName="Legacy", AssumeRolePolicyDocument=json.dumps(desired_state().trust_document)
    )
    iam.create_instance_profile(InstanceProfileName="Legacy")
    iam.add_role_to_instance_profile(InstanceProfileName="Legacy", RoleName="Legacy")
    for instance_id in instance_ids:
        ctx.client("ec2").associate_iam_instance_profile(
            IamInstanceProfile={"Name": "Legacy"}, InstanceId=instance_id
        )


def test_other_profile_is_skipped_unless_replace_and_rollback_restores_it(ctx, xdg_state):
    ids = launch(ctx, 2)
    _legacy_profile(ctx, ids)
    plan, result = apply(ctx, desired_state(ids))
    assert [s.action for s in plan.instance_steps] == [Action.SKIP, Action.SKIP]
    assert result.ok and {i.outcome for i in result.instances} == {"skipped"}
    assert [profile_of(ctx, i) for i in ids] == ["Legacy", "Legacy"]

    plan, result = apply(ctx, desired_state(ids, replace=True))
    assert [s.action for s in plan.instance_steps] == [Action.REPLACE, Action.REPLACE]
    assert result.ok
    assert [profile_of(ctx, i) for i in ids] == ["SsmRole", "SsmRole"]

    assert rollback_run(ctx, result.run_id).ok
    assert [profile_of(ctx, i) for i in ids] == ["Legacy", "Legacy"]


def test_stopped_instance_is_disassociated_then_associated(ctx, xdg_state):
    ids = launch(ctx, 1, state="stopped")
    _legacy_profile(ctx, ids)
    ec2 = FaultInjector(attach_client(ctx))
    plan, result = apply(ctx, desired_state(ids, replace=True))
    assert plan.instance_steps[0].stopped
    assert result.ok, result.to_dict()
    assert ec2.calls.count("DisassociateIamInstanceProfile") == 1
    assert ec2.calls.count("AssociateIamInstanceProfile") == 1
    assert "ReplaceIamInstanceProfileAssociation" not in ec2.calls
    assert profile_of(ctx, ids[0]) == "SsmRole"


def test_terminated_instance_fails_and_the_batch_continues(ctx, xdg_state):
    running = launch(ctx, 2)
    gone = launch(ctx, 1, state="terminated")
    _, result = apply(ctx, desired_state(running + gone))
    by_id = {i.instance_id: i for i in result.instances}
    assert by_id[gone[0]].outcome == "failed" and "terminated" in by_id[gone[0]].detail
    assert [by_id[i].outcome for i in running] == ["ok", "ok"]
    assert not result.ok


def test_existing_role_gets_only_the_missing_permissions(ctx, xdg_state):
    iam = ctx.client("iam")
    desired = desired_state(
        options=SessionManagerOptions(cloudwatch=True), role_name="AppRole", existing_role=True
    )
    iam.create_role(RoleName="AppRole", AssumeRolePolicyDocument=json.dumps(desired.trust_document))
    core = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "ssm:UpdateInstanceInformation",
                    "ssmmessages:*",
                    "s3:GetEncryptionConfiguration",
                ],
                "Resource": "*",
            }
        ],
    }
    iam.put_role_policy(RoleName="AppRole", PolicyName="core", PolicyDocument=json.dumps(core))
    plan, result = apply(ctx, desired)
    assert result.ok
    assert Action.CREATE not in [s.action for s in plan.steps if s.resource == "role"]
    document = iam.get_policy_version(PolicyArn=plan.policy_arn, VersionId="v1")["PolicyVersion"][
        "Document"
    ]
    text = json.dumps(document)
    assert (
        "logs:PutLogEvents" in text
        and "ssmmessages" not in text
        and "UpdateInstanceInformation" not in text
    )
