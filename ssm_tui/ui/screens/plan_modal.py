"""Confirm a plan before anything changes: every step, every instance, and the summary.

Returns "apply", "apply-replace" (re-plan with replacement of other profiles) or None.
A refused plan (a same-named resource differs) can only be closed.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ssm_tui.planning.plan import Action, Plan, summarize_plan

MAX_INSTANCE_LINES = 200  # a 1,000-instance plan is summarised per action beyond this

_COLOURS = {
    Action.CREATE: "$success",
    Action.NEW_VERSION: "$success",
    Action.ATTACH_POLICY: "$success",
    Action.ADD_ROLE: "$success",
    Action.ASSOCIATE: "$success",
    Action.REPLACE: "$warning",
    Action.DELETE_VERSION: "$warning",
    Action.REFUSE: "$error",
    Action.FAIL: "$error",
    Action.SKIP: "$text-muted",
    Action.NOOP: "$text-muted",
    Action.ADOPT: "$accent",
}


def _line(action: Action, text: str) -> str:
    return f"[{_COLOURS.get(action, '$foreground')}]{escape(text)}[/]"


def plan_markup(plan: Plan) -> str:
    lines = ["[b]IAM[/b]"]
    lines += [_line(s.action, "  " + s.describe()) for s in plan.steps]
    if plan.instance_steps:
        lines.append(f"[b]Instances ({len(plan.instance_steps)})[/b]")
        for step in plan.instance_steps[:MAX_INSTANCE_LINES]:
            lines.append(_line(step.action, "  " + step.describe()))
        if len(plan.instance_steps) > MAX_INSTANCE_LINES:
            lines.append(f"  … and {len(plan.instance_steps) - MAX_INSTANCE_LINES} more")
    return "\n".join(lines)


class PlanModal(ModalScreen[str | None]):
    """Shows the plan; nothing is applied unless the operator confirms here."""

    CSS_PATH = Path(__file__).parent.parent / "styles" / "plan_modal.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan.cancel"),
        Binding("y", "apply", "Apply", id="plan.apply"),
    ]

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    @property
    def can_apply(self) -> bool:
        return not self.plan.refused and self.plan.changes > 0

    @property
    def skipped_for_other_profile(self) -> int:
        return sum(
            s.action is Action.SKIP and s.previous_profile_arn is not None
            for s in self.plan.instance_steps
        )

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="plan-dialog", classes="dialog"):
            yield Label(
                f"Plan: role {plan.desired.role_name}, instance profile {plan.desired.profile_name}",
                id="plan-title",
                classes="dialog-title",
                markup=False,
            )
            with VerticalScroll(id="plan-body"):
                yield Static(plan_markup(plan), id="plan-steps")
            summary = summarize_plan(plan)
            if plan.refused:
                summary += "\n" + "\n".join(
                    f"✗ {s.resource} {s.name}: {s.reason}" for s in plan.refusals
                )
            elif self.skipped_for_other_profile:
                summary += (
                    f"\n{self.skipped_for_other_profile} instance(s) have another instance profile and "
                    "will be skipped; choose “Apply and replace” to replace it."
                )
            yield Static(
                escape(summary), id="plan-summary", classes="refused" if plan.refused else ""
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="plan-cancel")
                if self.skipped_for_other_profile and not plan.refused:
                    yield Button("Apply and replace", variant="warning", id="plan-apply-replace")
                yield Button(
                    "Apply" if plan.changes or plan.refused else "Nothing to change",
                    variant="primary",
                    id="plan-apply",
                    disabled=not self.can_apply,
                )

    def on_mount(self) -> None:
        button = self.query_one("#plan-apply" if self.can_apply else "#plan-cancel", Button)
        button.focus()

    @on(Button.Pressed, "#plan-apply")
    def action_apply(self) -> None:
        if self.can_apply:
            self.dismiss("apply")

    @on(Button.Pressed, "#plan-apply-replace")
    def _apply_replace(self) -> None:
        self.dismiss("apply-replace")

    @on(Button.Pressed, "#plan-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmModal(ModalScreen[bool]):
    """A yes/no question with a scrollable body (e.g. the calls a rollback will undo)."""

    CSS_PATH = Path(__file__).parent.parent / "styles" / "plan_modal.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm.cancel"),
        Binding("y", "confirm", "Confirm", id="confirm.yes"),
    ]

    def __init__(self, title: str, body: str, confirm_label: str = "Confirm") -> None:
        super().__init__()
        self._title = title
        self._body = body
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="plan-dialog", classes="dialog"):
            yield Label(self._title, classes="dialog-title", markup=False)
            with VerticalScroll(id="plan-body"):
                yield Static(escape(self._body), id="confirm-body")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button(self._confirm_label, variant="warning", id="confirm-yes")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
