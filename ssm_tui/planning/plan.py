"""The plan: every step an apply would take, computed before anything changes.

`compute_plan(desired, current)` is pure. The TUI shows the plan in a confirm modal, the CLI prints
it; the AWS layer executes exactly these steps, in this order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ssm_tui.planning.documents import documents_equal, trusts_service, uncovered_document
from ssm_tui.planning.state import (
    EC2_SERVICES,
    UNATTACHABLE_STATES,
    CurrentState,
    DesiredState,
    InstanceSnapshot,
)

MAX_POLICY_VERSIONS = 5  # IAM keeps at most five versions of a managed policy


class Action(str, Enum):
    CREATE = "create"
    NEW_VERSION = "new-version"
    DELETE_VERSION = "delete-version"  # prune the oldest non-default version to make room
    ADOPT = (
        "adopt"  # an existing resource that matches: used, not changed, never deleted by rollback
    )
    NOOP = "no-op"
    ATTACH_POLICY = "attach-policy"
    ADD_ROLE = "add-role"
    ASSOCIATE = "associate"
    REPLACE = "replace"
    SKIP = "skip"
    FAIL = "fail"  # this instance cannot be attached (terminated, missing); the batch continues
    REFUSE = "refuse"  # the whole apply is refused: nothing will change

    @property
    def changes_something(self) -> bool:
        return self in CHANGING_ACTIONS


CHANGING_ACTIONS = frozenset(
    {
        Action.CREATE,
        Action.NEW_VERSION,
        Action.DELETE_VERSION,
        Action.ATTACH_POLICY,
        Action.ADD_ROLE,
        Action.ASSOCIATE,
        Action.REPLACE,
    }
)


@dataclass(frozen=True)
class Step:
    """One IAM step. `params` carries exactly what the executor needs (documents, ids, tags)."""

    action: Action
    resource: str  # "policy" | "role" | "instance-profile"
    name: str
    reason: str = ""
    params: dict = field(default_factory=dict, compare=False)

    def describe(self) -> str:
        text = f"{self.action.value:<14} {self.resource} {self.name}"
        return f"{text} — {self.reason}" if self.reason else text


@dataclass(frozen=True)
class InstanceStep:
    """What happens to one instance. `stopped` instances are replaced by disassociate + associate."""

    instance_id: str
    action: Action
    reason: str = ""
    previous_profile_arn: str | None = None
    previous_association_id: str | None = None
    stopped: bool = False

    def describe(self) -> str:
        text = f"{self.action.value:<14} {self.instance_id}"
        return f"{text} — {self.reason}" if self.reason else text


@dataclass(frozen=True)
class Plan:
    desired: DesiredState
    policy_arn: str
    profile_arn: str
    steps: tuple[Step, ...]
    instance_steps: tuple[InstanceStep, ...]

    @property
    def refusals(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.action is Action.REFUSE)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    @property
    def changes(self) -> int:
        """How many calls-worth of change the plan makes (0: a pure no-op)."""
        return sum(s.action.changes_something for s in self.steps) + sum(
            s.action.changes_something for s in self.instance_steps
        )

    def count(self, action: Action) -> int:
        return sum(s.action is action for s in self.steps) + sum(
            s.action is action for s in self.instance_steps
        )

    def attach_targets(self) -> tuple[InstanceStep, ...]:
        return tuple(
            s for s in self.instance_steps if s.action in (Action.ASSOCIATE, Action.REPLACE)
        )


def _tags() -> list[dict[str, str]]:
    from ssm_tui.planning.state import MANAGED_TAG_KEY, MANAGED_TAG_VALUE

    return [{"Key": MANAGED_TAG_KEY, "Value": MANAGED_TAG_VALUE}]


def _policy_steps(
    desired: DesiredState, current: CurrentState, document: dict | None
) -> list[Step]:
    if document is None:
        return [
            Step(
                Action.NOOP,
                "policy",
                desired.policy_name,
                "the role already grants everything this policy would",
            )
        ]
    policy = current.policy
    arn = current.policy_arn(desired.policy_name)
    trimmed = desired.existing_role and document != desired.policy_document
    if policy is None:
        return [
            Step(
                Action.CREATE,
                "policy",
                desired.policy_name,
                "only what the chosen role does not grant yet" if trimmed else "",
                params={"document": document, "tags": _tags()},
            )
        ]
    if documents_equal(policy.default_document, document):
        if policy.managed:
            return [Step(Action.NOOP, "policy", desired.policy_name, "document unchanged")]
        return [
            Step(
                Action.ADOPT, "policy", desired.policy_name, "existing policy has the same document"
            )
        ]
    if not policy.managed:
        return [
            Step(
                Action.REFUSE,
                "policy",
                desired.policy_name,
                "a policy with this name exists, was not created by ssm-tui and grants something else; "
                "choose another --policy-name or delete it",
            )
        ]
    steps: list[Step] = []
    if len(policy.versions) >= MAX_POLICY_VERSIONS:
        oldest = min(
            (v for v in policy.versions if not v.is_default), key=lambda v: v.created, default=None
        )
        if oldest is None:  # cannot happen with 5 versions, one default
            return [
                Step(
                    Action.REFUSE, "policy", desired.policy_name, "five versions and none deletable"
                )
            ]
        steps.append(
            Step(
                Action.DELETE_VERSION,
                "policy",
                desired.policy_name,
                f"{MAX_POLICY_VERSIONS} versions exist: delete the oldest non-default ({oldest.version_id})",
                params={"arn": arn, "version_id": oldest.version_id},
            )
        )
    steps.append(
        Step(
            Action.NEW_VERSION,
            "policy",
            desired.policy_name,
            "document changed: new default version",
            params={
                "arn": arn,
                "document": document,
                "previous_default": policy.default_version_id,
            },
        )
    )
    return steps


def _role_steps(
    desired: DesiredState, current: CurrentState, policy_arn: str, attach_needed: bool
) -> list[Step]:
    role = current.role
    steps: list[Step] = []
    if role is None:
        if desired.existing_role:
            return [
                Step(Action.REFUSE, "role", desired.role_name, "the chosen role no longer exists")
            ]
        steps.append(
            Step(
                Action.CREATE,
                "role",
                desired.role_name,
                "trusted by ec2.amazonaws.com",
                params={"trust_document": desired.trust_document, "tags": _tags()},
            )
        )
    elif not any(trusts_service(role.trust_document, s) for s in EC2_SERVICES):
        return [
            Step(
                Action.REFUSE,
                "role",
                desired.role_name,
                "a role with this name exists but EC2 cannot assume it (its trust policy does not allow "
                "ec2.amazonaws.com); choose another --role-name",
            )
        ]
    elif role.managed:
        steps.append(Step(Action.NOOP, "role", desired.role_name, "exists, trusted by EC2"))
    elif desired.existing_role:
        grants = ", ".join(f"{g.name} ({g.kind})" for g in role.grants) or "no policies"
        steps.append(
            Step(Action.ADOPT, "role", desired.role_name, f"chosen role; already has: {grants}")
        )
    else:
        steps.append(Step(Action.ADOPT, "role", desired.role_name, "existing role trusted by EC2"))
    if attach_needed and (role is None or policy_arn not in role.attached_policy_arns):
        steps.append(
            Step(
                Action.ATTACH_POLICY,
                "role",
                desired.role_name,
                f"attach {desired.policy_name}",
                params={"policy_arn": policy_arn},
            )
        )
    return steps


def _profile_steps(desired: DesiredState, current: CurrentState) -> list[Step]:
    profile = current.profile
    name = desired.profile_name
    if profile is None:
        return [
            Step(Action.CREATE, "instance-profile", name, params={"tags": _tags()}),
            Step(
                Action.ADD_ROLE,
                "instance-profile",
                name,
                f"add role {desired.role_name}",
                params={"role_name": desired.role_name},
            ),
        ]
    others = [r for r in profile.role_names if r != desired.role_name]
    if others:
        return [
            Step(
                Action.REFUSE,
                "instance-profile",
                name,
                f"this instance profile already holds role {others[0]}; an instance profile holds one "
                "role — choose another --instance-profile-name",
            )
        ]
    first = Step(
        Action.NOOP if profile.managed else Action.ADOPT,
        "instance-profile",
        name,
        "exists" if profile.managed else "existing instance profile",
    )
    if desired.role_name in profile.role_names:
        return [first]
    return [
        first,
        Step(
            Action.ADD_ROLE,
            "instance-profile",
            name,
            f"add role {desired.role_name}",
            params={"role_name": desired.role_name},
        ),
    ]


def _instance_step(
    instance_id: str, snapshot: InstanceSnapshot | None, desired: DesiredState
) -> InstanceStep:
    if snapshot is None:
        return InstanceStep(instance_id, Action.FAIL, "no such instance in this account and region")
    if snapshot.state in UNATTACHABLE_STATES:
        return InstanceStep(instance_id, Action.FAIL, f"instance is {snapshot.state}")
    live = snapshot.association_state in ("associating", "associated")
    if not live or not snapshot.profile_arn:
        return InstanceStep(
            instance_id,
            Action.ASSOCIATE,
            "no instance profile",
            stopped=snapshot.state == "stopped",
        )
    if snapshot.profile_name == desired.profile_name:
        return InstanceStep(instance_id, Action.NOOP, "already has this instance profile")
    if not desired.replace:
        return InstanceStep(
            instance_id,
            Action.SKIP,
            f"has instance profile {snapshot.profile_name} (use replace)",
            previous_profile_arn=snapshot.profile_arn,
            previous_association_id=snapshot.association_id,
        )
    stopped = snapshot.state == "stopped"
    return InstanceStep(
        instance_id,
        Action.REPLACE,
        f"replace {snapshot.profile_name}"
        + (" (stopped: disassociate, then associate)" if stopped else ""),
        previous_profile_arn=snapshot.profile_arn,
        previous_association_id=snapshot.association_id,
        stopped=stopped,
    )


def compute_plan(desired: DesiredState, current: CurrentState) -> Plan:
    """Every step needed to go from `current` to `desired`, in execution order.

    Refusals (a same-named resource that differs) are steps too, so the operator sees all of
    them at once; a plan with any refusal must not be applied.
    """
    policy_arn = current.policy_arn(desired.policy_name)
    document: dict | None = desired.policy_document
    if desired.existing_role and current.role is not None:
        # Our own policy (from an earlier run) does not count: its next version replaces it.
        others = [g.document for g in current.role.grants if g.document and g.arn != policy_arn]
        document = uncovered_document(desired.policy_document, others)
    steps = _policy_steps(desired, current, document)
    steps += _role_steps(desired, current, policy_arn, attach_needed=document is not None)
    steps += _profile_steps(desired, current)
    profile_arn = (
        current.profile.arn
        if current.profile
        else f"arn:{current.partition}:iam::{current.account_id}:instance-profile/{desired.profile_name}"
    )
    instance_steps = tuple(
        _instance_step(i, current.instances.get(i), desired)
        for i in dict.fromkeys(desired.instance_ids)
    )
    return Plan(desired, policy_arn, profile_arn, tuple(steps), instance_steps)


def render_plan(plan: Plan) -> str:
    """Plain text for the terminal (and the modal's body): steps, instances, summary."""
    lines = ["IAM:"]
    lines += [f"  {s.describe()}" for s in plan.steps]
    if plan.instance_steps:
        lines.append(f"Instances ({len(plan.instance_steps)}):")
        lines += [f"  {s.describe()}" for s in plan.instance_steps]
    lines.append(summarize_plan(plan))
    return "\n".join(lines)


def summarize_plan(plan: Plan) -> str:
    if plan.refused:
        return f"Refused: {len(plan.refusals)} conflict(s); nothing will change."
    parts = [f"{plan.count(a)} {a.value}" for a in Action if plan.count(a)]
    return "Plan: " + ", ".join(parts) + ("" if plan.changes else " (nothing to change)")
