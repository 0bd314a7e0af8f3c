"""Pure planning: desired state + current AWS state -> the steps an apply takes. No I/O."""

from ssm_tui.planning.plan import Action, InstanceStep, Plan, Step, compute_plan, render_plan, summarize_plan
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
    "Action", "CurrentState", "DesiredState", "Grant", "InstanceSnapshot", "InstanceStep", "MANAGED_TAG_KEY",
    "Plan", "PolicySnapshot", "PolicyVersion", "ProfileSnapshot", "RoleSnapshot", "Step", "compute_plan",
    "render_plan", "summarize_plan",
]
