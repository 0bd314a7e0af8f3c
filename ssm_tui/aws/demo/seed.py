"""Seed a deterministic, realistic fleet into the emulator (or any endpoint `ctx` points at).

The fleet is planned by a pure function of (size, seed) — `plan_fleet` — and then created
through boto3 like any other AWS client would. Same seed, same fleet (names, states, types,
VPCs, profiles); only the ids AWS/moto invents differ.

Through the API, creation is batched: one RunInstances per (VPC, tier) group, Name tags and
profile associations in parallel, one StopInstances call. (moto associates an
IamInstanceProfile given to RunInstances with only the first instance of the batch, so
profiles are associated afterwards, one call per instance, as on a real fleet.) The demo
backend, whose emulator runs in this process, writes the instances straight into moto's EC2
backend instead: same plan and state, ~5x less CPU (see `_seed_instances_in_process`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ssm_tui.aws.demo.fleet_plan import (  # noqa: F401 (re-exported for callers of the seed)
    KMS_ALIAS,
    POLICIES,
    ROLES,
    SESSION_LOG_BUCKET_PREFIX,
    SESSION_LOG_GROUP,
    SSM_READY_PROFILE,
    TIERS,
    TRUST_PRINCIPALS,
    VPCS,
    DemoRole,
    PlannedInstance,
    Vpc,
    plan_fleet,
    policy_document,
)
from ssm_tui.aws.session import AwsContext

DEMO_AMI = "ami-0abcdef1234567890"
SEED_THREADS = 8


def _run_parallel(jobs: list[Callable[[], Any]], threads: int = SEED_THREADS) -> list[Any]:
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=min(threads, len(jobs))) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [f.result() for f in futures]


def _seed_iam(ctx: AwsContext) -> None:
    iam = ctx.client("iam")
    account = ctx.identity().account_id
    partition = ctx.identity().partition

    def create_policy(name: str, document: str) -> None:
        iam.create_policy(
            PolicyName=name, PolicyDocument=document, Description=f"ssm-tui demo: {name}"
        )

    _run_parallel([lambda n=n, d=d: create_policy(n, d) for n, d in POLICIES.items()])

    def create_role(role: DemoRole) -> None:
        trust = policy_document(
            {
                "Effect": "Allow",
                "Principal": {"Service": TRUST_PRINCIPALS[role.trust]},
                "Action": "sts:AssumeRole",
            }
        )
        iam.create_role(
            RoleName=role.name,
            AssumeRolePolicyDocument=trust,
            Description=role.description,
            Tags=[{"Key": "ManagedBy", "Value": "ssm-tui-demo"}],
        )
        for policy in role.managed:
            iam.attach_role_policy(
                RoleName=role.name, PolicyArn=f"arn:{partition}:iam::{account}:policy/{policy}"
            )
        for name, document in role.inline.items():
            iam.put_role_policy(RoleName=role.name, PolicyName=name, PolicyDocument=document)
        if role.profile:
            iam.create_instance_profile(InstanceProfileName=role.profile)
            iam.add_role_to_instance_profile(InstanceProfileName=role.profile, RoleName=role.name)

    _run_parallel([lambda r=r: create_role(r) for r in ROLES])


def _seed_networks(ctx: AwsContext) -> dict[str, list[str]]:
    """VPC name -> its two subnet ids."""
    ec2 = ctx.client("ec2")

    def create_vpc(vpc: Vpc) -> tuple[str, list[str]]:
        vpc_id = ec2.create_vpc(
            CidrBlock=vpc.cidr,
            TagSpecifications=[
                {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": vpc.name}]}
            ],
        )["Vpc"]["VpcId"]
        base = vpc.cidr.split(".")
        subnets = []
        for index, zone in enumerate(("a", "b")):
            subnets.append(
                ec2.create_subnet(
                    VpcId=vpc_id,
                    CidrBlock=f"{base[0]}.{base[1]}.{index * 16}.0/20",
                    AvailabilityZone=f"{ctx.region}{zone}",
                    TagSpecifications=[
                        {
                            "ResourceType": "subnet",
                            "Tags": [{"Key": "Name", "Value": f"{vpc.name}-private-{zone}"}],
                        }
                    ],
                )["Subnet"]["SubnetId"]
            )
        return vpc.name, subnets

    return dict(_run_parallel([lambda v=v: create_vpc(v) for v in VPCS]))


def _seed_pickers(ctx: AwsContext) -> None:
    """A KMS key with an alias, a session-log bucket encrypted with it, a log group."""
    kms, s3, logs = ctx.client("kms"), ctx.client("s3"), ctx.client("logs")
    key = kms.create_key(Description="Session Manager session encryption (ssm-tui demo)")[
        "KeyMetadata"
    ]
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key["KeyId"])
    bucket = f"{SESSION_LOG_BUCKET_PREFIX}-{ctx.identity().account_id}"
    if ctx.region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": ctx.region}
        )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key["Arn"],
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    logs.create_log_group(logGroupName=SESSION_LOG_GROUP, tags={"ManagedBy": "ssm-tui-demo"})


def _launch_groups(plan: list[PlannedInstance]) -> dict[tuple, list[int]]:
    """Plan indexes per RunInstances call: instances sharing VPC, subnet, type and tags."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, item in enumerate(plan):
        groups[
            (item.vpc, item.subnet_index, item.instance_type, tuple(sorted(item.tags.items())))
        ].append(index)
    return groups


def _seed_instances(
    ctx: AwsContext, plan: list[PlannedInstance], subnets: dict[str, list[str]]
) -> list[str]:
    """Create the planned instances (batched per group); return their ids in plan order."""
    ec2 = ctx.client("ec2")
    groups = _launch_groups(plan)

    def launch(key: tuple, indexes: list[int]) -> tuple[list[int], list[str]]:
        vpc, subnet_index, instance_type, tags = key
        reply = ec2.run_instances(
            ImageId=DEMO_AMI,
            MinCount=len(indexes),
            MaxCount=len(indexes),
            InstanceType=instance_type,
            SubnetId=subnets[vpc][subnet_index],
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags]}
            ],
        )
        return indexes, [i["InstanceId"] for i in reply["Instances"]]

    ids: list[str] = [""] * len(plan)
    for indexes, launched in _run_parallel(
        [lambda k=k, ix=ix: launch(k, ix) for k, ix in groups.items()], threads=4
    ):
        for index, instance_id in zip(indexes, launched):
            ids[index] = instance_id
    return ids


def _finish_instances(ctx: AwsContext, plan: list[PlannedInstance], ids: list[str]) -> None:
    """Name tags and profile associations (one call each, in parallel), then stop the stopped ones."""
    ec2 = ctx.client("ec2")

    def finish(index: int) -> None:
        item = plan[index]
        ec2.create_tags(Resources=[ids[index]], Tags=[{"Key": "Name", "Value": item.name}])
        if item.profile:
            ec2.associate_iam_instance_profile(
                InstanceId=ids[index], IamInstanceProfile={"Name": item.profile}
            )

    _run_parallel([lambda i=i: finish(i) for i in range(len(plan))])
    stopped = [ids[i] for i, item in enumerate(plan) if not item.running]
    for start in range(0, len(stopped), 100):
        ec2.stop_instances(InstanceIds=stopped[start : start + 100])


def _seed_instances_in_process(
    ctx: AwsContext, plan: list[PlannedInstance], subnets: dict[str, list[str]]
) -> None:
    """The same instances, written straight into moto's EC2 backend in this process.

    Through HTTP, 250 instances cost ~4 s of CPU, mostly moto serialising RunInstances
    responses and botocore parsing them; the backend calls take a fraction of that. Same plan
    and grouping (one reservation per group: moto copies every reservation on each instance
    lookup, so fewer reservations keep associations fast). Tests compare both paths.
    """
    from moto.ec2.models import ec2_backends

    backend = ec2_backends[ctx.identity().account_id][ctx.region]
    stopped = []
    for (vpc, subnet_index, instance_type, tags), indexes in _launch_groups(plan).items():
        reservation = backend.run_instances(
            DEMO_AMI,
            len(indexes),
            None,
            [],
            instance_type=instance_type,
            is_instance_type_default=False,
            region_name=ctx.region,
            subnet_id=subnets[vpc][subnet_index],
            tags={"instance": dict(tags)},
        )
        for index, instance in zip(indexes, reservation.instances):
            item = plan[index]
            backend.create_tags([instance.id], {"Name": item.name})
            if item.profile:
                backend.associate_iam_instance_profile(
                    instance_id=instance.id, iam_instance_profile_name=item.profile
                )
            if not item.running:
                stopped.append(instance.id)
    if stopped:
        backend.stop_instances(stopped)


def seed_fleet(
    ctx: AwsContext, size: int = 250, *, seed: int = 7, in_process: bool = False
) -> list[PlannedInstance]:
    """Create the demo account's resources and `size` instances; return the plan that was applied.

    `in_process=True` (the demo backend, whose moto server runs in this process) writes the
    instances directly into moto's EC2 backend; everything else always goes through the API.
    """
    plan = plan_fleet(size, seed=seed)
    ctx.identity()  # fail early, and cache it for the threads below
    subnets, _, _ = _run_parallel(
        [lambda: _seed_networks(ctx), lambda: _seed_iam(ctx), lambda: _seed_pickers(ctx)], threads=3
    )
    if in_process:
        _seed_instances_in_process(ctx, plan, subnets)
    else:
        _finish_instances(ctx, plan, _seed_instances(ctx, plan, subnets))
    return plan
