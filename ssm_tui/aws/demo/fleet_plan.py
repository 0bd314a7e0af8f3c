"""What the demo account holds: VPCs, host tiers, roles and policies, and the planned fleet.

Pure data and one pure function (`plan_fleet`), so the fleet is the same for the same
(size, seed) whichever way it is created (see seed.py).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ssm_tui.policy.readiness import SESSION_MANAGER_CORE_ACTIONS

SESSION_LOG_GROUP = "/aws/ssm/session-logs"
KMS_ALIAS = "alias/session-manager"
SESSION_LOG_BUCKET_PREFIX = "ssm-tui-demo-session-logs"


@dataclass(frozen=True)
class Vpc:
    name: str
    cidr: str
    environment: str
    weight: float


VPCS: tuple[Vpc, ...] = (
    Vpc("prod-vpc", "10.10.0.0/16", "production", 0.5),
    Vpc("staging-vpc", "10.20.0.0/16", "staging", 0.3),
    Vpc("shared-services-vpc", "10.30.0.0/16", "shared", 0.2),
)


@dataclass(frozen=True)
class Tier:
    prefix: str
    instance_type: str
    team: str
    weight: float
    unrelated_profile: str  # the non-SSM profile this kind of host typically carries


TIERS: tuple[Tier, ...] = (
    Tier("web", "t3.small", "frontend", 0.22, "web-app-ec2"),
    Tier("api", "m5.large", "platform", 0.18, "web-app-ec2"),
    Tier("worker", "c6i.large", "platform", 0.16, "ecsInstanceRole"),
    Tier("batch", "c5.2xlarge", "data", 0.10, "ecsInstanceRole"),
    Tier("db", "r5.xlarge", "data", 0.08, "db-backup-ec2"),
    Tier("cache", "r5.large", "platform", 0.07, "web-app-ec2"),
    Tier("ci-runner", "m5.xlarge", "devex", 0.08, "legacy-ops-ec2"),
    Tier("monitoring", "t3.medium", "sre", 0.06, "legacy-ops-ec2"),
    Tier("bastion", "t3.micro", "sre", 0.05, "legacy-ops-ec2"),
)

SSM_READY_PROFILE = "ssm-managed-ec2"
TRUST_PRINCIPALS = {
    "ec2": "ec2.amazonaws.com",
    "lambda": "lambda.amazonaws.com",
    "ecs": "ecs-tasks.amazonaws.com",
}


def policy_document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(actions: list[str] | str, resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


@dataclass(frozen=True)
class DemoRole:
    name: str
    trust: str  # key of TRUST_PRINCIPALS
    managed: tuple[str, ...] = ()  # customer managed policy names (see POLICIES)
    inline: dict[str, str] = field(default_factory=dict)
    profile: str | None = None  # instance profile holding the role
    description: str = ""


POLICIES: dict[str, str] = {
    "SessionManagerCore": policy_document(
        _allow(list(SESSION_MANAGER_CORE_ACTIONS)),
        _allow(["ssm:ListInstanceAssociations", "ssm:UpdateInstanceAssociationStatus"]),
    ),
    "WebAppAssetsRead": policy_document(
        _allow(
            ["s3:GetObject", "s3:ListBucket"],
            ["arn:aws:s3:::demo-web-assets", "arn:aws:s3:::demo-web-assets/*"],
        )
    ),
    "CloudWatchAgentPublish": policy_document(
        _allow(
            [
                "cloudwatch:PutMetricData",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
            ]
        )
    ),
}

ROLES: tuple[DemoRole, ...] = (
    DemoRole(
        "ssm-managed-ec2",
        "ec2",
        ("SessionManagerCore", "CloudWatchAgentPublish"),
        profile=SSM_READY_PROFILE,
        description="EC2 hosts reachable through Session Manager",
    ),
    DemoRole(
        "web-app-ec2",
        "ec2",
        ("WebAppAssetsRead", "CloudWatchAgentPublish"),
        profile="web-app-ec2",
        description="Web and API hosts",
    ),
    DemoRole(
        "db-backup-ec2",
        "ec2",
        inline={
            "backup-upload": policy_document(
                _allow(["s3:PutObject"], "arn:aws:s3:::demo-db-backups/*")
            )
        },
        profile="db-backup-ec2",
        description="Database hosts that ship backups",
    ),
    DemoRole(
        "legacy-ops-ec2",
        "ec2",
        inline={
            "ssm-partial": policy_document(
                _allow(["ssm:UpdateInstanceInformation", "ssm:GetParameters"])
            )
        },
        profile="legacy-ops-ec2",
        description="Old ops role: registers the agent but cannot open sessions",
    ),
    DemoRole(
        "ecsInstanceRole",
        "ec2",
        ("CloudWatchAgentPublish",),
        profile="ecsInstanceRole",
        description="ECS container instances",
    ),
    DemoRole(
        "lambda-orders-processor",
        "lambda",
        ("CloudWatchAgentPublish",),
        description="Order processing function",
    ),
    DemoRole(
        "lambda-thumbnailer",
        "lambda",
        inline={
            "thumbnails": policy_document(
                _allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::demo-web-assets/*")
            )
        },
        description="Image thumbnail function",
    ),
    DemoRole("ecs-task-api", "ecs", ("WebAppAssetsRead",), description="API service task role"),
)


@dataclass(frozen=True)
class PlannedInstance:
    name: str
    vpc: str
    subnet_index: int
    instance_type: str
    running: bool
    profile: str | None
    tags: dict[str, str]


def plan_fleet(size: int, *, seed: int = 7) -> list[PlannedInstance]:
    """The fleet to create: a pure function of (size, seed).

    ~75% running; ~35% without a profile, ~35% with an unrelated profile, ~30% SSM-ready.
    """
    rng = random.Random(seed)
    counters: dict[str, int] = defaultdict(int)
    plan = []
    for _ in range(size):
        tier = rng.choices(TIERS, weights=[t.weight for t in TIERS])[0]
        vpc = rng.choices(VPCS, weights=[v.weight for v in VPCS])[0]
        counters[tier.prefix] += 1
        number = counters[tier.prefix]
        if tier.prefix == "db":
            name = "db-primary" if number == 1 else f"db-replica-{number - 1:02d}"
        else:
            name = f"{tier.prefix}-{number:02d}"
        profile_kind = rng.choices(("none", "unrelated", "ready"), weights=(0.35, 0.35, 0.30))[0]
        profile = {"none": None, "unrelated": tier.unrelated_profile, "ready": SSM_READY_PROFILE}[
            profile_kind
        ]
        plan.append(
            PlannedInstance(
                name=name,
                vpc=vpc.name,
                subnet_index=TIERS.index(tier) % 2,
                instance_type=tier.instance_type,
                running=rng.random() < 0.75,
                profile=profile,
                tags={
                    "Environment": vpc.environment,
                    "Team": tier.team,
                    "ManagedBy": "ssm-tui-demo",
                },
            )
        )
    return plan
