"""Pure planning: desired state + current AWS state -> the steps an apply takes. No I/O."""

from ssm_tui.planning.plan import (
    Action,
    InstanceStep,
    Plan,
    Step,
    compute_plan,
    render_plan,
    summarize_plan,
)
from ssm_tui.planning.state import (
    MANAGED_TAG_KEY,
    CurrentState,
    DesiredState,
    Grant,
    InstanceSnapshot,
    PolicySnapshot,
    PolicyVersion,
    ProfileSnapshot,
    RoleSnapshot,
)

__all__ = [
    "MANAGED_TAG_KEY",
    "Action",
    "CurrentState",
    "DesiredState",
    "Grant",
    "InstanceSnapshot",
    "InstanceStep",
    "Plan",
    "PolicySnapshot",
    "PolicyVersion",
    "ProfileSnapshot",
    "RoleSnapshot",
    "Step",
    "compute_plan",
    "render_plan",
    "summarize_plan",
]
