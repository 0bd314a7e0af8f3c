"""The demo fleet: a deterministic plan, applied faithfully."""

from __future__ import annotations

from collections import Counter

from ssm_tui.aws import inventory
from ssm_tui.aws.demo.fleet_plan import (
    KMS_ALIAS,
    SESSION_LOG_BUCKET_PREFIX,
    SESSION_LOG_GROUP,
    SSM_READY_PROFILE,
    VPCS,
    plan_fleet,
)
from ssm_tui.aws.demo.seed import seed_fleet


def test_same_seed_same_plan_other_seed_other_plan():
    assert plan_fleet(60, seed=7) == plan_fleet(60, seed=7)
    assert plan_fleet(60, seed=7) != plan_fleet(60, seed=8)
    assert (
        plan_fleet(20, seed=7) == plan_fleet(60, seed=7)[:20]
    )  # growing the fleet keeps the first hosts


def test_plan_is_a_realistic_mix():
    plan = plan_fleet(250)
    names = [p.name for p in plan]
    assert len(set(names)) == 250
    assert {"web-03", "db-primary"} <= set(names)
    assert {p.vpc for p in plan} == {v.name for v in VPCS}
    states = Counter(p.running for p in plan)
    assert states[True] > states[False] > 0
    kinds = Counter(
        "none" if p.profile is None else "ready" if p.profile == SSM_READY_PROFILE else "other"
        for p in plan
    )
    assert min(kinds.values()) >= 50, kinds


def _shape(ctx):
    """What a user sees of the fleet, without the ids moto invents."""
    ec2 = ctx.client("ec2")
    vpc_names = {
        v["VpcId"]: {t["Key"]: t["Value"] for t in v.get("Tags", [])}.get("Name")
        for v in ec2.describe_vpcs()["Vpcs"]
    }
    return sorted(
        (
            i.name,
            i.state,
            i.instance_type,
            vpc_names[i.vpc_id],
            i.profile_name or None,
            i.ssm.ping_status,
        )
        for i in inventory.list_instances(ctx).items
    )


def test_seeded_fleet_matches_the_plan_and_is_deterministic(ctx, emulator):
    plan = seed_fleet(ctx, 20, seed=7)
    first = _shape(ctx)
    expected = sorted(
        (p.name, "running" if p.running else "stopped", p.instance_type, p.vpc, p.profile)
        for p in plan
    )
    assert [row[:5] for row in first] == expected
    for name, state, _, _, profile, ssm in first:
        assert ssm == (
            "Online" if state == "running" and profile == SSM_READY_PROFILE else "not managed"
        ), name
    emulator.reset()
    seed_fleet(ctx, 20, seed=7)
    assert _shape(ctx) == first


def test_in_process_seeding_creates_the_same_fleet_as_the_api(ctx, emulator):
    seed_fleet(ctx, 20, seed=7)
    through_api = _shape(ctx)
    emulator.reset()
    seed_fleet(ctx, 20, seed=7, in_process=True)
    assert _shape(ctx) == through_api


def test_seeded_account_has_roles_key_bucket_and_log_group(ctx):
    seed_fleet(ctx, 3)
    roles = {r.name: r for r in inventory.list_roles(ctx).items}
    assert 6 <= len(roles) <= 10
    trusts = Counter(s for r in roles.values() for s in r.trusted_services)
    assert set(trusts) == {"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"}
    assert roles[SSM_READY_PROFILE].session_manager_ready is True
    assert (
        roles["legacy-ops-ec2"].missing_actions
        and "ssm:UpdateInstanceInformation" not in roles["legacy-ops-ec2"].missing_actions
    )
    (key,) = inventory.list_kms_keys(ctx).items
    assert key.aliases == (KMS_ALIAS,)
    (bucket,) = inventory.list_buckets(ctx).items
    assert bucket.name.startswith(SESSION_LOG_BUCKET_PREFIX)
    assert (bucket.default_encryption, bucket.kms_key_arn) == ("aws:kms", key.arn)
    assert [g.name for g in inventory.list_log_groups(ctx).items] == [SESSION_LOG_GROUP]


def test_default_size_fleet_is_fully_created(ctx):
    plan = seed_fleet(ctx, in_process=True)
    instances = inventory.list_instances(ctx).items
    assert len(plan) == len(instances) == 250
    assert sum(i.state == "stopped" for i in instances) == sum(not p.running for p in plan)
    assert sum(i.profile_name == SSM_READY_PROFILE for i in instances) == sum(
        p.profile == SSM_READY_PROFILE for p in plan
    )
