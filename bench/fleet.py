"""Deterministic inventory dataclasses for UI benchmarks that need no emulator (10,000 rows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ssm_tui.aws.models import Instance, ProfileAssociation, SsmStatus

_ROLES = ("web", "api", "worker", "db", "cache", "batch", "bastion", "queue")
_STATES = ("running", "running", "running", "stopped")
_TYPES = ("t3.micro", "t3.small", "m6i.large", "c6i.xlarge", "r6g.large")


def make_instances(count: int) -> list[Instance]:
    base = datetime(2026, 1, 1, tzinfo=UTC)
    instances = []
    for i in range(count):
        role = _ROLES[i % len(_ROLES)]
        association = None
        if i % 3 == 1:
            association = ProfileAssociation(
                association_id=f"iip-assoc-{i:017x}",
                profile_arn="arn:aws:iam::123456789012:instance-profile/SessionManagerInstanceRole",
                state="associated",
            )
        elif i % 3 == 2:
            association = ProfileAssociation(
                association_id=f"iip-assoc-{i:017x}",
                profile_arn="arn:aws:iam::123456789012:instance-profile/legacy-app-profile",
                state="associated",
            )
        state = _STATES[i % len(_STATES)]
        instances.append(
            Instance(
                instance_id=f"i-{i:017x}",
                name=f"{role}-{i:05d}",
                state=state,
                instance_type=_TYPES[i % len(_TYPES)],
                platform="Linux/UNIX",
                private_ip=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                vpc_id=f"vpc-{i % 3:017x}",
                subnet_id=f"subnet-{i % 9:017x}",
                launch_time=base + timedelta(minutes=i),
                tags={"Name": f"{role}-{i:05d}", "team": role},
                association=association,
                ssm=SsmStatus(ping_status="Online" if association and i % 3 == 1 and state == "running" else "not managed"),
            )
        )
    return instances
