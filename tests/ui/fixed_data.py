"""Fixed inventory dataclasses and a fixed clock, so SVG snapshots are byte-for-byte stable.

moto gives instances random ids; snapshots are fed these instead (behaviour tests use moto).
"""

from __future__ import annotations

from datetime import UTC, datetime

from ssm_tui.aws.models import (
    AttachedPolicy,
    Bucket,
    Instance,
    KmsKey,
    Listing,
    LogGroup,
    ProfileAssociation,
    Role,
    SsmStatus,
)
from ssm_tui.config import AppConfig
from ssm_tui.policy.readiness import SESSION_MANAGER_CORE_ACTIONS
from ssm_tui.ui.app import SsmTuiApp, make_app
from ssm_tui.ui.messages import Identity

ACCOUNT = "123456789012"
REGION = "us-east-1"
FIXED_NOW = datetime(2026, 12, 3, 12, 0, 0)
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

_NAMES = ["api-01", "api-02", "bastion-01", "batch-01", "db-primary", "web-01", "web-02", "web-03",
          "worker-01", "worker-02", "ci-runner-01", "monitoring-01"]
_PROFILES = ["ssm-managed-ec2", "web-app-ec2", None, "legacy-ops-ec2"]


def fixed_instances(count: int = len(_NAMES)) -> tuple[Instance, ...]:
    instances = []
    for index in range(count):
        name = _NAMES[index % len(_NAMES)] if index < len(_NAMES) else f"node-{index:05d}"
        profile = _PROFILES[index % len(_PROFILES)]
        association = None
        if profile:
            association = ProfileAssociation(
                f"iip-assoc-{index:017x}", f"arn:aws:iam::{ACCOUNT}:instance-profile/{profile}", "associated"
            )
        online = profile == "ssm-managed-ec2" and index % 3 != 2
        instances.append(Instance(
            instance_id=f"i-{0xabc0000000 + index:017x}",
            name=name,
            state="stopped" if index % 5 == 4 else "running",
            instance_type=("t3.small", "m5.large", "c6i.large")[index % 3],
            platform="Linux/UNIX",
            private_ip=f"10.0.{index // 250}.{index % 250 + 4}",
            vpc_id="vpc-0a1b2c3d4e5f60708",
            subnet_id="subnet-0123456789abcdef0",
            launch_time=datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
            tags={"Name": name, "env": "prod" if index % 2 else "staging", "team": "platform"},
            association=association,
            ssm=SsmStatus("Online" if online else "not managed",
                          agent_version="3.3.1142.0" if online else None),
        ))
    return tuple(instances)


def _doc(*actions: str, resource: str = "*") -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}


def fixed_roles() -> tuple[Role, ...]:
    core = SESSION_MANAGER_CORE_ACTIONS
    return (
        Role("ssm-managed-ec2", f"arn:aws:iam::{ACCOUNT}:role/ssm-managed-ec2", "/", ("ec2.amazonaws.com",),
             ("ssm-managed-ec2",), (AttachedPolicy("SessionManagerPermissions",
                                                   f"arn:aws:iam::{ACCOUNT}:policy/SessionManagerPermissions",
                                                   "managed", _doc(*core)),), ()),
        Role("web-app-ec2", f"arn:aws:iam::{ACCOUNT}:role/web-app-ec2", "/", ("ec2.amazonaws.com",),
             ("web-app-ec2",), (AttachedPolicy("web-assets", None, "inline",
                                               _doc("s3:GetObject", resource="arn:aws:s3:::web-assets/*")),), core),
        Role("legacy-ops-ec2", f"arn:aws:iam::{ACCOUNT}:role/legacy-ops-ec2", "/", ("ec2.amazonaws.com",),
             ("legacy-ops-ec2",), (AttachedPolicy("ops", None, "inline", _doc("ssm:UpdateInstanceInformation")),),
             core[1:]),
        Role("lambda-thumbnailer", f"arn:aws:iam::{ACCOUNT}:role/lambda-thumbnailer", "/",
             ("lambda.amazonaws.com",), (), (), core),
    )


def fixed_keys() -> tuple[KmsKey, ...]:
    return (KmsKey("1234abcd-12ab-34cd-56ef-1234567890ab", KEY_ARN, ("alias/session-manager",), "session data"),)


def fixed_buckets() -> tuple[Bucket, ...]:
    return (Bucket("demo-session-logs", REGION, "aws:kms", KEY_ARN), Bucket("demo-web-assets", REGION, "AES256"))


def fixed_log_groups() -> tuple[LogGroup, ...]:
    return (LogGroup("/ssm/session-logs", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ssm/session-logs:*"),)


def fixed_app(**hooks) -> SsmTuiApp:
    """An app that never talks to AWS, with a fixed clock and no cursor blink."""
    return make_app(AppConfig(region=REGION, demo=True), connect=False, clock=lambda: FIXED_NOW,
                    cursor_blink=False, **hooks)


def populate(app: SsmTuiApp, instances: tuple[Instance, ...] | None = None) -> None:
    """What the connect and listing workers would deliver, from the fixed data above.

    Tabs mounted after the first frame get the same data when they mount (the app replays it).
    """
    app.show_connection(Identity(ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/operator"), "demo", REGION)
    app.show_listing("instances", Listing(instances if instances is not None else fixed_instances()), FIXED_NOW)
    app.show_listing("roles", Listing(fixed_roles()), FIXED_NOW)
    app.show_listing("kms_keys", Listing(fixed_keys()), FIXED_NOW)
    app.show_listing("buckets", Listing(fixed_buckets()), FIXED_NOW)
    app.show_listing("log_groups", Listing(fixed_log_groups()), FIXED_NOW)
