"""Shared pieces for provisioning tests: a context on the emulator, a small fleet, fast settings."""

from __future__ import annotations

import pytest

from ssm_tui.aws.attacher import AttachSettings
from ssm_tui.aws.clock import ManualClock
from ssm_tui.aws.token_bucket import BucketSize
from ssm_tui.config import AppConfig
from ssm_tui.planning import DesiredState
from ssm_tui.policy import SessionManagerOptions, build_policy, ec2_trust_policy

AMI = "ami-12c6146b"


@pytest.fixture
def ctx(emulator):
    from ssm_tui.aws.session import AwsContext

    return AwsContext.from_config(AppConfig(endpoint_url=emulator.endpoint_url, region="us-east-1"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings() -> AttachSettings:
    """Real defaults for retries and buckets; the ManualClock makes waiting free."""
    return AttachSettings(concurrency=4)


def fast_bucket() -> BucketSize:
    return BucketSize(burst=100, refill_per_s=50)


def launch(ctx, count: int, *, state: str = "running") -> list[str]:
    ec2 = ctx.client("ec2")
    ids = [
        i["InstanceId"]
        for i in ec2.run_instances(ImageId=AMI, MinCount=count, MaxCount=count)["Instances"]
    ]
    if state == "stopped":
        ec2.stop_instances(InstanceIds=ids)
    elif state == "terminated":
        ec2.terminate_instances(InstanceIds=ids)
    return ids


def desired_state(
    instance_ids=(),
    *,
    options: SessionManagerOptions | None = None,
    replace: bool = False,
    policy_name: str = "SsmPolicy",
    role_name: str = "SsmRole",
    profile_name: str | None = None,
    existing_role: bool = False,
) -> DesiredState:
    options = options or SessionManagerOptions()
    return DesiredState(
        policy_name=policy_name,
        policy_document=build_policy(options),
        role_name=role_name,
        profile_name=profile_name or role_name,
        trust_document=ec2_trust_policy("aws"),
        instance_ids=tuple(instance_ids),
        replace=replace,
        existing_role=existing_role,
    )


def plan_for(ctx, desired: DesiredState):
    from ssm_tui.aws.current_state import read_current_state
    from ssm_tui.planning import compute_plan

    return compute_plan(desired, read_current_state(ctx, desired))


def apply(ctx, desired: DesiredState, *, clock=None, settings=None, journal_dir=None, **kwargs):
    from ssm_tui.aws.apply_run import ApplyRunner

    plan = plan_for(ctx, desired)
    runner = ApplyRunner(
        ctx,
        plan,
        clock=clock or ManualClock(),
        settings=settings or AttachSettings(concurrency=4),
        journal_dir=journal_dir,
        **kwargs,
    )
    return plan, runner.run()


def profile_of(ctx, instance_id: str) -> str | None:
    reply = ctx.client("ec2").describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": [instance_id]}]
    )
    live = [
        a
        for a in reply["IamInstanceProfileAssociations"]
        if a["State"] in ("associating", "associated")
    ]
    return live[0]["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1] if live else None
