"""What the planner compares: the desired state and a snapshot of the current AWS state.

Plain frozen dataclasses, filled by `ssm_tui.aws.current_state` (or by tests directly), so the
planner stays a pure function that can be tested without an emulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MANAGED_TAG_KEY = "ssm-tui:managed"
MANAGED_TAG_VALUE = "true"
EC2_SERVICES = (
    "ec2.amazonaws.com",
    "ec2.amazonaws.com.cn",
)  # the China partition's principal differs

# Instance states in which an association cannot be made (the batch continues without them).
UNATTACHABLE_STATES = ("pending", "shutting-down", "terminated", "stopping")


@dataclass(frozen=True)
class DesiredState:
    """What the operator asked for.

    `existing_role` means the role was picked on the Roles tab: it is never created, and only the
    permissions it does not already grant are attached. `policy_document` may then be trimmed by
    the planner to the uncovered statements.
    """

    policy_name: str
    policy_document: dict
    role_name: str
    profile_name: str
    trust_document: dict
    instance_ids: tuple[str, ...] = ()
    replace: bool = False
    existing_role: bool = False


@dataclass(frozen=True)
class PolicyVersion:
    version_id: str
    is_default: bool
    created: str  # ISO timestamp; sorts chronologically


@dataclass(frozen=True)
class PolicySnapshot:
    arn: str
    default_document: dict | None
    default_version_id: str
    versions: tuple[PolicyVersion, ...] = ()
    managed: bool = False  # carries our ssm-tui:managed tag
    attachment_count: int = 0


@dataclass(frozen=True)
class Grant:
    """One policy on a role: `arn` is None for inline policies; `document` None when unreadable."""

    name: str
    kind: str  # "managed" | "inline"
    arn: str | None = None
    document: dict | None = None


@dataclass(frozen=True)
class RoleSnapshot:
    name: str
    arn: str
    trust_document: dict | None
    attached_policy_arns: tuple[str, ...] = ()
    attached_policy_names: tuple[str, ...] = ()
    # Default versions of attached managed policies + inline policies (for "what it already grants").
    grants: tuple[Grant, ...] = ()
    inline_policy_names: tuple[str, ...] = ()
    instance_profile_names: tuple[str, ...] = ()
    managed: bool = False


@dataclass(frozen=True)
class ProfileSnapshot:
    name: str
    arn: str
    role_names: tuple[str, ...] = ()
    managed: bool = False


@dataclass(frozen=True)
class InstanceSnapshot:
    instance_id: str
    state: str
    association_id: str | None = None
    profile_arn: str | None = None
    association_state: str | None = None

    @property
    def profile_name(self) -> str | None:
        return self.profile_arn.rsplit("/", 1)[-1] if self.profile_arn else None


@dataclass(frozen=True)
class CurrentState:
    """The AWS state relevant to one desired state. `None` means the resource does not exist."""

    partition: str
    account_id: str
    policy: PolicySnapshot | None = None
    role: RoleSnapshot | None = None
    profile: ProfileSnapshot | None = None
    instances: dict[str, InstanceSnapshot] = field(default_factory=dict)

    def policy_arn(self, policy_name: str) -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:policy/{policy_name}"
