"""Faults injected with botocore before-send hooks (real HTTP to moto otherwise) and a manual clock.

The attach client has botocore retries off, so every retry here is the attacher's own: it goes
through the token bucket and sleeps on the injected clock (130 s of waiting costs milliseconds).
"""

from __future__ import annotations

import json
import threading

import pytest

from ssm_tui.aws.attacher import AttachSettings, attach_client
from ssm_tui.aws.clock import ManualClock
from ssm_tui.aws.faults import FaultInjector
from ssm_tui.aws.journal import read_run
from ssm_tui.aws.rollback import rollback_run
from ssm_tui.aws.token_bucket import BucketSize

from .conftest import apply, desired_state, launch, profile_of

PROPAGATION_MESSAGES = [
    "Value (SsmRole) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name",
    "Instance Profile SsmRole has no associated IAM Roles",
]


def attach_faults(ctx) -> FaultInjector:
    return FaultInjector(attach_client(ctx))


def invisible_for(clock: ManualClock, seconds: float):
    """A `when=` predicate: true for `seconds` (on `clock`) from the first attach attempt on.

    Counting from the first attempt, not from the test's start, keeps the readiness gate's own
    waiting out of the measured delay.
    """
    first: list[float] = []
    lock = threading.Lock()

    def predicate(request) -> bool:
        with lock:
            if not first:
                first.append(clock.now())
            return clock.now() < first[0] + seconds

    predicate.first = first  # type: ignore[attr-defined]
    return predicate


@pytest.mark.parametrize("seconds", [1, 30])
@pytest.mark.parametrize("message", PROPAGATION_MESSAGES, ids=["invalid-name", "no-roles"])
def test_propagation_delay_is_retried_until_ec2_sees_the_profile(ctx, xdg_state, seconds, message):
    ids = launch(ctx, 2)
    clock = ManualClock()
    faults = attach_faults(ctx)
    window = invisible_for(clock, seconds)
    faults.fail("AssociateIamInstanceProfile", "InvalidParameterValue", message, when=window)
    _, result = apply(ctx, desired_state(ids), clock=clock)
    assert result.ok, result.to_dict()
    assert [profile_of(ctx, i) for i in ids] == ["SsmRole", "SsmRole"]
    assert all(i.attempts > 1 for i in result.instances)
    assert clock.now() - window.first[0] >= seconds


def test_propagation_delay_longer_than_the_timeout_fails_clearly(ctx, xdg_state):
    ids = launch(ctx, 2)
    clock = ManualClock()
    faults = attach_faults(ctx)
    window = invisible_for(clock, 130)
    faults.fail(
        "AssociateIamInstanceProfile", "InvalidParameterValue", PROPAGATION_MESSAGES[0], when=window
    )
    _, result = apply(ctx, desired_state(ids), clock=clock)
    assert not result.ok
    for item in result.instances:
        assert item.outcome == "failed"
        assert "Invalid IAM Instance Profile name" in item.detail
        assert "after 120 s" in item.detail and "re-run apply" in item.detail
    assert [profile_of(ctx, i) for i in ids] == [None, None]
    assert 120 <= clock.now() - window.first[0] < 200


def test_moto_style_no_such_entity_on_associate_is_treated_as_propagation(ctx, xdg_state):
    ids = launch(ctx, 1)
    clock = ManualClock()
    attach_faults(ctx).fail(
        "AssociateIamInstanceProfile", "NoSuchEntity", "Instance profile SsmRole not found", times=3
    )
    _, result = apply(ctx, desired_state(ids), clock=clock)
    assert result.ok and result.instances[0].attempts == 4


def test_other_client_errors_fail_fast_without_retrying(ctx, xdg_state):
    ids = launch(ctx, 2)
    faults = attach_faults(ctx)
    faults.fail(
        "AssociateIamInstanceProfile", "UnauthorizedOperation", "You are not authorized", status=403
    )
    _, result = apply(ctx, desired_state(ids))
    assert [(i.outcome, i.attempts) for i in result.instances] == [("failed", 1), ("failed", 1)]
    assert "UnauthorizedOperation" in result.instances[0].detail
    assert faults.attempts.count("AssociateIamInstanceProfile") == 2


@pytest.mark.parametrize("concurrency", [1, 4])
def test_request_limit_storm_stays_under_the_bucket_and_every_instance_finishes(
    ctx, xdg_state, concurrency
):
    """With one worker the send times on the manual clock are exact, so the bucket bound is
    checked strictly; with four, a worker's send can be stamped after another's sleep moved the
    shared clock, so the bound allows the calls in flight."""
    ids = launch(ctx, 8)
    clock = ManualClock()
    bucket = BucketSize(burst=3, refill_per_s=2)
    settings = AttachSettings(concurrency=concurrency, associate_bucket=bucket, backoff_base=0.2)
    faults = attach_faults(ctx)
    sent_at: list[float] = []
    lock = threading.Lock()

    def stamp(request, forward):
        with lock:
            sent_at.append(clock.now())

    faults.intercept("AssociateIamInstanceProfile", stamp)
    storm = {"left": 12}

    def in_storm(request) -> bool:
        with lock:
            storm["left"] -= 1
            return storm["left"] >= 0

    faults.fail(
        "AssociateIamInstanceProfile",
        "RequestLimitExceeded",
        "Request limit exceeded.",
        status=503,
        when=in_storm,
    )
    _, result = apply(ctx, desired_state(ids), clock=clock, settings=settings)
    assert result.ok, result.to_dict()
    assert len(result.instances) == 8 and {i.outcome for i in result.instances} == {"ok"}
    assert len(sent_at) == 8 + 12  # every throttled attempt was retried by us, through the bucket
    times = sorted(sent_at)
    for i, first in enumerate(times):  # any window holds at most burst + refill * width calls
        for j in range(i, len(times)):
            in_flight = concurrency - 1
            assert (
                j - i + 1
                <= bucket.burst + bucket.refill_per_s * (times[j] - first) + in_flight + 1e-6
            )


@pytest.mark.parametrize("code,status", [("InternalError", 500), ("Unavailable", 503)])
def test_5xx_is_retried(ctx, xdg_state, code, status):
    ids = launch(ctx, 2)
    faults = attach_faults(ctx)
    faults.fail(
        "AssociateIamInstanceProfile",
        code,
        "We encountered an internal error.",
        status=status,
        times=3,
    )
    _, result = apply(ctx, desired_state(ids), clock=ManualClock())
    assert result.ok, result.to_dict()
    assert sum(i.attempts for i in result.instances) == 2 + 3


def test_read_timeout_after_success_is_not_a_failure(ctx, xdg_state):
    ids = launch(ctx, 1)
    faults = attach_faults(ctx)
    faults.read_timeout_after_success("AssociateIamInstanceProfile")
    _, result = apply(ctx, desired_state(ids), clock=ManualClock())
    assert result.ok, result.to_dict()
    assert "reading back" in result.instances[0].detail
    associations = ctx.client("ec2").describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": ids}]
    )["IamInstanceProfileAssociations"]
    assert len(associations) == 1
    # the journal shows the lost call, the retry's IncorrectState, and rollback still undoes it
    calls = read_run(result.run_id).calls
    assert [c.outcome for c in calls if c.call == "ec2.AssociateIamInstanceProfile"] == [
        "unknown",
        "error",
    ]
    assert rollback_run(ctx, result.run_id, clock=ManualClock()).ok
    assert profile_of(ctx, ids[0]) is None


def test_read_timeout_after_a_successful_replace_is_not_a_failure(ctx, xdg_state):
    ids = launch(ctx, 1)
    iam = ctx.client("iam")
    iam.create_role(
        RoleName="Legacy", AssumeRolePolicyDocument=json.dumps(desired_state().trust_document)
    )
    iam.create_instance_profile(InstanceProfileName="Legacy")
    iam.add_role_to_instance_profile(InstanceProfileName="Legacy", RoleName="Legacy")
    ctx.client("ec2").associate_iam_instance_profile(
        IamInstanceProfile={"Name": "Legacy"}, InstanceId=ids[0]
    )
    attach_faults(ctx).read_timeout_after_success("ReplaceIamInstanceProfileAssociation")
    _, result = apply(ctx, desired_state(ids, replace=True), clock=ManualClock())
    assert result.ok, result.to_dict()
    assert profile_of(ctx, ids[0]) == "SsmRole"


def test_delete_conflict_during_rollback_is_retried(ctx, xdg_state):
    ids = launch(ctx, 1)
    _, result = apply(ctx, desired_state(ids))
    iam_faults = FaultInjector(ctx.client("iam"))
    iam_faults.fail(
        "DeleteRole",
        "DeleteConflict",
        "Cannot delete entity, must remove roles from instance profile first.",
        status=409,
        times=3,
    )
    clock = ManualClock()
    rollback = rollback_run(ctx, result.run_id, clock=clock)
    assert rollback.ok, rollback.to_dict()
    assert iam_faults.attempts.count("DeleteRole") >= 4
    assert clock.slept  # it waited (on the manual clock) between attempts
    iam = ctx.client("iam")
    assert iam.list_roles()["Roles"] == [] and iam.list_policies(Scope="Local")["Policies"] == []
    assert profile_of(ctx, ids[0]) is None


def test_delete_conflict_that_never_clears_fails_the_rollback_clearly(ctx, xdg_state):
    _, result = apply(ctx, desired_state())
    faults = FaultInjector(ctx.client("iam"))
    faults.fail("DeleteRole", "DeleteConflict", "Cannot delete entity", status=409)
    clock = ManualClock()
    start = clock.now()
    rollback = rollback_run(ctx, result.run_id, clock=clock)
    assert not rollback.ok
    assert any("DeleteConflict" in line and "SsmRole" in line for line in rollback.failed)
    assert clock.now() - start >= 60  # it kept trying for the conflict timeout
    iam = ctx.client("iam")
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["SsmRole"]
    assert read_run(result.run_id).status != "rolled back"
    # once the conflict clears, the same rollback finishes the job
    faults.remove()
    assert rollback_run(ctx, result.run_id, clock=clock).ok
    assert iam.list_roles()["Roles"] == [] and read_run(result.run_id).status == "rolled back"


def test_rollback_twice_is_harmless(ctx, xdg_state):
    ids = launch(ctx, 1)
    _, result = apply(ctx, desired_state(ids))
    assert rollback_run(ctx, result.run_id).ok
    again = rollback_run(ctx, result.run_id)
    assert again.ok and not again.undone


def test_cancel_stops_between_calls_and_reports_what_was_done(ctx, xdg_state):
    ids = launch(ctx, 6)
    cancelled = threading.Event()

    def press_escape(request, forward):  # the operator cancels while the first call is in flight
        cancelled.set()

    attach_faults(ctx).intercept("AssociateIamInstanceProfile", press_escape)
    _, result = apply(
        ctx, desired_state(ids), cancelled=cancelled, settings=AttachSettings(concurrency=1)
    )
    assert result.cancelled and not result.ok
    outcomes = [i.outcome for i in result.instances]
    assert (
        outcomes.count("ok") == 1 and outcomes.count("cancelled") == 5
    )  # the call in flight finished
    assert sum(profile_of(ctx, i) == "SsmRole" for i in ids) == 1
    assert read_run(result.run_id).status == "failed"
    assert rollback_run(ctx, result.run_id).ok
    assert [profile_of(ctx, i) for i in ids] == [None] * 6


def test_readiness_gate_waits_until_the_profile_is_seen_several_times_in_a_row(ctx, xdg_state):
    ids = launch(ctx, 1)
    clock = ManualClock()
    iam_faults = FaultInjector(ctx.client("iam"))
    iam_faults.fail(
        "GetInstanceProfile",
        "NoSuchEntity",
        "Instance Profile SsmRole cannot be found.",
        status=404,
        times=4,
    )
    _, result = apply(ctx, desired_state(ids), clock=clock)
    assert result.ok, result.to_dict()
    gate = next(s for s in result.steps if s.action == "wait")
    assert gate.outcome == "ok"
    # the plan's read (the profile does not exist yet: that answer uses up one fault),
    # then the gate: 3 misses, then 3 sightings in a row
    assert iam_faults.attempts.count("GetInstanceProfile") == 1 + 3 + 3


def test_readiness_gate_timeout_fails_clearly_and_attaches_nothing(ctx, xdg_state):
    ids = launch(ctx, 2)
    clock = ManualClock()
    desired = desired_state(ids)
    from .conftest import plan_for

    plan = plan_for(ctx, desired)  # read before the profile "vanishes"
    FaultInjector(ctx.client("iam")).fail(
        "GetInstanceProfile", "NoSuchEntity", "cannot be found", status=404
    )
    from ssm_tui.aws.apply_run import ApplyRunner

    result = ApplyRunner(ctx, plan, clock=clock, settings=AttachSettings(gate_timeout=30)).run()
    gate = next(s for s in result.steps if s.action == "wait")
    assert gate.outcome == "failed" and "not visible after 30 s" in gate.detail
    assert {i.outcome for i in result.instances} == {"cancelled"}
    assert [profile_of(ctx, i) for i in ids] == [None, None]
    assert not result.ok


def test_iam_access_denied_stops_before_any_instance_and_rollback_removes_what_was_made(
    ctx, xdg_state
):
    ids = launch(ctx, 1)
    FaultInjector(ctx.client("iam")).fail(
        "CreateRole",
        "AccessDenied",
        "User is not authorized to perform: iam:CreateRole",
        status=403,
    )
    _, result = apply(ctx, desired_state(ids))
    assert not result.ok and "iam.CreateRole failed: AccessDenied" in result.error
    assert [(s.action, s.outcome) for s in result.steps[:3]] == [
        ("create", "ok"),
        ("create", "failed"),
        ("attach-policy", "cancelled"),
    ]
    assert {s.outcome for s in result.steps[3:]} == {"cancelled"}
    assert {i.outcome for i in result.instances} == {"cancelled"}
    assert rollback_run(ctx, result.run_id).ok
    assert ctx.client("iam").list_policies(Scope="Local")["Policies"] == []


def test_a_throttled_read_back_does_not_fail_an_attached_instance(ctx, xdg_state):
    ids = launch(ctx, 2)
    faults = attach_faults(ctx)
    faults.fail(
        "DescribeIamInstanceProfileAssociations",
        "RequestLimitExceeded",
        "Request limit exceeded.",
        status=503,
        times=3,
    )
    _, result = apply(ctx, desired_state(ids), clock=ManualClock())
    assert result.ok, result.to_dict()
    assert faults.attempts.count("DescribeIamInstanceProfileAssociations") == 2 + 3
