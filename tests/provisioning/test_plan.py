"""The planner is a pure function: desired + current state -> steps (no emulator needed)."""

from __future__ import annotations

from ssm_tui.planning import (
    Action,
    CurrentState,
    DesiredState,
    Grant,
    InstanceSnapshot,
    PolicySnapshot,
    PolicyVersion,
    ProfileSnapshot,
    RoleSnapshot,
    compute_plan,
    render_plan,
)
from ssm_tui.planning.documents import documents_equal, uncovered_document
from ssm_tui.policy.readiness import SESSION_MANAGER_CORE_ACTIONS
from ssm_tui.policy.trust import ec2_trust_policy

DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "A",
            "Effect": "Allow",
            "Action": list(SESSION_MANAGER_CORE_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "B",
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::logs/*",
        },
    ],
}
ARN = "arn:aws:iam::123456789012"


def desired(**kw) -> DesiredState:
    base = {
        "policy_name": "P",
        "policy_document": DOC,
        "role_name": "R",
        "profile_name": "R",
        "trust_document": ec2_trust_policy("aws"),
        "instance_ids": ("i-1",),
    }
    base.update(kw)
    return DesiredState(**base)


def current(**kw) -> CurrentState:
    return CurrentState(partition="aws", account_id="123456789012", **kw)


def actions(plan):
    return [(s.action, s.resource) for s in plan.steps]


def test_fresh_plan_creates_everything_then_associates():
    plan = compute_plan(desired(), current(instances={"i-1": InstanceSnapshot("i-1", "running")}))
    assert actions(plan) == [
        (Action.CREATE, "policy"),
        (Action.CREATE, "role"),
        (Action.ATTACH_POLICY, "role"),
        (Action.CREATE, "instance-profile"),
        (Action.ADD_ROLE, "instance-profile"),
    ]
    assert [s.action for s in plan.instance_steps] == [Action.ASSOCIATE]
    assert "create" in render_plan(plan)


def test_documents_equal_ignores_sid_order_and_single_strings():
    reordered = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::logs/*"]},
            {
                "Effect": "Allow",
                "Action": list(reversed(SESSION_MANAGER_CORE_ACTIONS)),
                "Resource": "*",
            },
        ],
    }
    assert documents_equal(DOC, reordered)
    assert not documents_equal(DOC, {**reordered, "Statement": reordered["Statement"][:1]})


def managed_state(document=DOC, versions=1, profile_roles=("R",), association=None):
    vs = tuple(
        PolicyVersion(f"v{n}", n == versions, f"2026-01-0{n}") for n in range(1, versions + 1)
    )
    return current(
        policy=PolicySnapshot(f"{ARN}:policy/P", document, f"v{versions}", vs, managed=True),
        role=RoleSnapshot(
            "R", f"{ARN}:role/R", ec2_trust_policy("aws"), (f"{ARN}:policy/P",), managed=True
        ),
        profile=ProfileSnapshot("R", f"{ARN}:instance-profile/R", profile_roles, managed=True),
        instances={
            "i-1": InstanceSnapshot(
                "i-1", "running", "a-1", association or f"{ARN}:instance-profile/R", "associated"
            )
        },
    )


def test_converged_state_is_all_no_ops():
    plan = compute_plan(desired(), managed_state())
    assert plan.changes == 0
    assert {s.action for s in plan.steps} == {Action.NOOP}
    assert [s.action for s in plan.instance_steps] == [Action.NOOP]


def test_changed_document_with_five_versions_prunes_the_oldest_non_default_first():
    other = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    plan = compute_plan(desired(), managed_state(document=other, versions=5))
    policy_steps = [s for s in plan.steps if s.resource == "policy"]
    assert [s.action for s in policy_steps] == [Action.DELETE_VERSION, Action.NEW_VERSION]
    assert policy_steps[0].params["version_id"] == "v1"


def test_same_named_profile_holding_another_role_is_refused():
    plan = compute_plan(desired(), managed_state(profile_roles=("SomeoneElse",)))
    assert plan.refused
    assert "SomeoneElse" in plan.refusals[0].reason


def test_unmanaged_policy_with_other_document_is_refused_but_same_document_is_adopted():
    other = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    state = current(policy=PolicySnapshot(f"{ARN}:policy/P", other, "v1"))
    assert compute_plan(desired(), state).refused
    same = current(policy=PolicySnapshot(f"{ARN}:policy/P", DOC, "v1"))
    plan = compute_plan(desired(), same)
    assert not plan.refused and plan.steps[0].action is Action.ADOPT


def test_role_not_trusting_ec2_is_refused():
    lambda_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    plan = compute_plan(desired(), current(role=RoleSnapshot("R", f"{ARN}:role/R", lambda_trust)))
    assert plan.refused and "EC2 cannot assume" in plan.refusals[0].reason


def test_other_profile_is_skipped_without_replace_and_replaced_with_it():
    state = managed_state(association=f"{ARN}:instance-profile/Legacy")
    assert compute_plan(desired(), state).instance_steps[0].action is Action.SKIP
    step = compute_plan(desired(replace=True), state).instance_steps[0]
    assert (
        step.action is Action.REPLACE and step.previous_association_id == "a-1" and not step.stopped
    )


def test_stopped_and_terminated_and_missing_instances():
    state = current(
        instances={
            "i-1": InstanceSnapshot(
                "i-1", "stopped", "a-1", f"{ARN}:instance-profile/Legacy", "associated"
            ),
            "i-2": InstanceSnapshot("i-2", "terminated"),
        }
    )
    plan = compute_plan(desired(instance_ids=("i-1", "i-2", "i-3"), replace=True), state)
    by_id = {s.instance_id: s for s in plan.instance_steps}
    assert by_id["i-1"].action is Action.REPLACE and by_id["i-1"].stopped
    assert by_id["i-2"].action is Action.FAIL and "terminated" in by_id["i-2"].reason
    assert by_id["i-3"].action is Action.FAIL


def test_existing_role_attaches_only_what_it_does_not_already_grant():
    core = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ssm:*", "ssmmessages:*"], "Resource": "*"}],
    }
    role = RoleSnapshot(
        "R",
        f"{ARN}:role/R",
        ec2_trust_policy("aws"),
        grants=(
            Grant("AmazonSSMManagedInstanceCore", "managed", "arn:aws:iam::aws:policy/x", core),
        ),
    )
    plan = compute_plan(desired(existing_role=True), current(role=role))
    create = plan.steps[0]
    assert create.action is Action.CREATE and "does not grant yet" in create.reason
    assert "already has: AmazonSSMManagedInstanceCore (managed)" in plan.steps[1].reason
    assert create.params["document"]["Statement"] == [
        DOC["Statement"][1]
    ]  # only the S3 logging statement
    assert (Action.ATTACH_POLICY, "role") in actions(plan)
    assert (Action.CREATE, "role") not in actions(plan)


def test_existing_role_that_already_grants_everything_gets_nothing_attached():
    everything = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    role = RoleSnapshot(
        "R",
        f"{ARN}:role/R",
        ec2_trust_policy("aws"),
        grants=(Grant("Admin", "inline", None, everything),),
    )
    plan = compute_plan(desired(existing_role=True), current(role=role))
    assert not any(
        s.action in (Action.CREATE, Action.ATTACH_POLICY) and s.resource != "instance-profile"
        for s in plan.steps
    )


def test_uncovered_document_respects_denies():
    allow = {
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
        ]
    }
    missing = uncovered_document(DOC, [allow])
    assert missing is not None and missing["Statement"][0]["Action"] == "s3:PutObject"
