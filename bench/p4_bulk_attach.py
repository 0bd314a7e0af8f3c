"""P4: attach one profile to 1,000 instances through an emulated EC2 token bucket.

Rates are EC2's ×10 (burst 100, refill 50/s) to keep the run short. ssm-tui's attacher (its own
client-side bucket sized to the same rates, bounded concurrency, propagation/throttle retries) is
compared with a naive loop: one thread per instance, botocore's default retries.
"""

from __future__ import annotations

import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.ec2_throttle import EmulatedEc2Bucket
from bench.emulator import use_dummy_credentials

BURST, REFILL = 100, 50
PROFILE = "bench-session-manager"


def _prepare(endpoint_url: str, count: int) -> tuple[object, list[str], str]:
    """A fresh emulator state: `count` running instances without a profile, one ready profile."""
    import json

    from ssm_tui.aws.session import AwsContext
    from ssm_tui.config import AppConfig
    from ssm_tui.policy.trust import ec2_trust_policy

    ctx = AwsContext.from_config(AppConfig(endpoint_url=endpoint_url, region="us-east-1"))
    ec2, iam = ctx.client("ec2"), ctx.client("iam")
    ids: list[str] = []
    while len(ids) < count:
        batch = min(250, count - len(ids))
        reply = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=batch, MaxCount=batch)
        ids += [i["InstanceId"] for i in reply["Instances"]]
    iam.create_role(RoleName=PROFILE, AssumeRolePolicyDocument=json.dumps(ec2_trust_policy("aws")))
    arn = iam.create_instance_profile(InstanceProfileName=PROFILE)["InstanceProfile"]["Arn"]
    iam.add_role_to_instance_profile(InstanceProfileName=PROFILE, RoleName=PROFILE)
    return ctx, ids, arn


def _run_attacher(endpoint_url: str, count: int) -> dict[str, float]:
    from ssm_tui.aws.attacher import Attacher, AttachSettings, attach_client
    from ssm_tui.aws.journal import Journal
    from ssm_tui.aws.token_bucket import BucketSize
    from ssm_tui.planning.plan import Action, InstanceStep

    ctx, ids, arn = _prepare(endpoint_url, count)
    ec2 = attach_client(ctx)
    bucket = EmulatedEc2Bucket(BURST, REFILL)
    bucket.install(ec2)
    settings = AttachSettings(associate_bucket=BucketSize(BURST, REFILL), replace_bucket=BucketSize(BURST, REFILL))
    with tempfile.TemporaryDirectory() as journal_dir:
        attacher = Attacher(ec2, Journal("bench-p4", Path(journal_dir)), profile_name=PROFILE, profile_arn=arn,
                            settings=settings)
        bucket._stamp, bucket._tokens = time.monotonic(), BURST  # both buckets start full, now
        started = time.perf_counter()
        results = attacher.attach_all([InstanceStep(i, Action.ASSOCIATE) for i in ids])
        elapsed = time.perf_counter() - started
    failures = sum(r.outcome != "ok" for r in results)
    return {"elapsed": elapsed, "failures": failures, "throttled": bucket.throttled,
            "fraction": bucket.fraction_of_limit(count - failures, elapsed), "floor": bucket.minimum_seconds(count)}


def _run_naive(endpoint_url: str, count: int) -> dict[str, float]:
    """What a hand-written script does: a thread per instance, botocore's default retry config."""
    import boto3

    _, ids, _ = _prepare(endpoint_url, count)
    ec2 = boto3.Session(region_name="us-east-1").client("ec2", endpoint_url=endpoint_url)
    bucket = EmulatedEc2Bucket(BURST, REFILL)
    bucket.install(ec2)

    def attach(instance_id: str) -> bool:
        try:
            ec2.associate_iam_instance_profile(InstanceId=instance_id, IamInstanceProfile={"Name": PROFILE})
            return True
        except Exception:  # noqa: BLE001 - counting failures is the point
            return False

    bucket._stamp, bucket._tokens = time.monotonic(), BURST
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        outcomes = list(pool.map(attach, ids))
    elapsed = time.perf_counter() - started
    failures = outcomes.count(False)
    return {"elapsed": elapsed, "failures": failures, "throttled": bucket.throttled,
            "fraction": bucket.fraction_of_limit(count - failures, elapsed), "floor": bucket.minimum_seconds(count)}


def run(*, instance_count: int, quick: bool) -> dict[str, float]:
    from ssm_tui.aws.demo.server import EmulatorServer

    use_dummy_credentials()
    with EmulatorServer() as server:
        app = _run_attacher(server.endpoint_url, instance_count)
        server.reset()
        naive = _run_naive(server.endpoint_url, instance_count)
    return {
        "p4_instances": instance_count,
        "p4_bucket_floor_s": round(app["floor"], 2),
        "p4_app_s": round(app["elapsed"], 2),
        "p4_fraction_of_limit": round(app["fraction"], 3),
        "p4_failures": app["failures"],
        "p4_app_throttled_calls": app["throttled"],
        "p4_naive_s": round(naive["elapsed"], 2),
        "p4_naive_fraction_of_limit": round(naive["fraction"], 3),
        "p4_naive_failures": naive["failures"],
        "p4_naive_throttled_calls": naive["throttled"],
    }
