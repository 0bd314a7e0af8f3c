"""Plain dataclasses the inventory returns. No boto3 types leak past this layer.

The UI and the planner consume these; tests and the benchmark build them directly to feed
10,000-row tables without an emulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

T = TypeVar("T")

UNKNOWN = "unknown"  # shown when a call is denied or unavailable, never guessed


@dataclass(frozen=True)
class ProfileAssociation:
    """The instance profile currently associated with an instance (DescribeIamInstanceProfileAssociations)."""

    association_id: str
    profile_arn: str
    state: str  # associating | associated | disassociating | disassociated

    @property
    def profile_name(self) -> str:
        return self.profile_arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class SsmStatus:
    """What Systems Manager knows about the instance's agent (DescribeInstanceInformation).

    `ping_status` is "Online" / "ConnectionLost" / "Inactive", "not managed" when SSM has no
    record, or UNKNOWN when the call was denied or unavailable.
    """

    ping_status: str = UNKNOWN
    agent_version: str | None = None
    last_ping: datetime | None = None


@dataclass(frozen=True)
class Instance:
    instance_id: str
    name: str  # the Name tag, "" when untagged
    state: str  # pending | running | stopping | stopped | shutting-down | terminated
    instance_type: str
    platform: str  # "Linux/UNIX", "Windows", ...
    private_ip: str | None
    vpc_id: str | None
    subnet_id: str | None
    launch_time: datetime | None
    tags: dict[str, str] = field(default_factory=dict)
    association: ProfileAssociation | None = None
    ssm: SsmStatus = field(default_factory=SsmStatus)

    @property
    def profile_name(self) -> str:
        return self.association.profile_name if self.association else ""


@dataclass(frozen=True)
class AttachedPolicy:
    """A managed or inline policy on a role, with its (default version's) document when readable."""

    name: str
    arn: str | None  # None for inline policies
    kind: str  # "managed" | "inline"
    document: dict | None = None


@dataclass(frozen=True)
class Role:
    name: str
    arn: str
    path: str
    trusted_services: tuple[str, ...]  # e.g. ("ec2.amazonaws.com",)
    instance_profiles: tuple[str, ...]  # instance profile names holding this role
    policies: tuple[AttachedPolicy, ...] = ()
    missing_actions: tuple[str, ...] | None = None  # None: could not be evaluated (policies unreadable)
    tags: dict[str, str] = field(default_factory=dict)
    create_date: datetime | None = None

    @property
    def ec2_trusted(self) -> bool:
        return "ec2.amazonaws.com" in self.trusted_services

    @property
    def session_manager_ready(self) -> bool | None:
        return None if self.missing_actions is None else not self.missing_actions


@dataclass(frozen=True)
class InstanceProfile:
    name: str
    arn: str
    role_names: tuple[str, ...]
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class KmsKey:
    key_id: str
    arn: str
    aliases: tuple[str, ...]  # alias names, e.g. ("alias/session-manager",)
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class Bucket:
    name: str
    region: str | None
    default_encryption: str  # "aws:kms" | "AES256" | "none" | UNKNOWN
    kms_key_arn: str | None = None


@dataclass(frozen=True)
class LogGroup:
    name: str
    arn: str
    kms_key_arn: str | None = None


@dataclass(frozen=True)
class Listing(Generic[T]):
    """A listing's items, or why there are none. AccessDenied on one listing must not break others."""

    items: tuple[T, ...] = ()
    error: str | None = None  # e.g. "not permitted: iam:ListRoles"

    @property
    def ok(self) -> bool:
        return self.error is None
