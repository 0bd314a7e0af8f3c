"""The Activity tab: past runs from the journal, and the live progress of the current apply.

It owns the provisioning workflow in the TUI: plan in a thread worker → `PlanModal` → apply in
a thread worker (events forwarded as coalesced messages) → SSM ping polling → runs list. `u`
rolls back the highlighted run after a confirmation. Workers never touch widgets; they post.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from ssm_tui.planning.plan import Plan
from ssm_tui.ui.widgets.progress_pane import (
    EventForwarder,
    ProgressPane,
    RunEvents,
    RunFinished,
    SsmPolled,
    StepChanged,
)

SSM_POLL_SECONDS = 180.0
SSM_POLL_INTERVAL = 5.0


@dataclass(frozen=True)
class ApplyRequest:
    """What the operator chose in the other tabs. `existing_role`: a role picked on the Roles tab."""

    options: Any  # SessionManagerOptions
    names: Any  # ResourceNames
    instance_ids: tuple[str, ...]
    replace: bool = False
    existing_role: bool = False


@dataclass
class PlanReady(Message):
    plan: Plan
    request: ApplyRequest


@dataclass
class RunsLoaded(Message):
    runs: list


@dataclass
class RollbackFinished(Message):
    run_id: str
    ok: bool
    summary: str


class ActivityPane(Vertical):
    """Runs and progress. `attach_settings`/`clock` may be set by tests before an apply."""

    HELP_GROUP = "Activity"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("u", "rollback_run", "Roll back run", id="activity.rollback"),
        Binding("escape", "cancel_run", "Cancel run", show=False, id="activity.cancel_run"),
        Binding("ctrl+r", "reload_runs", "Reload runs", show=False, id="activity.reload_runs"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.attach_settings: Any = None  # AttachSettings; None: the engine's defaults
        self.clock: Any = None  # the engine's Clock; None: the system clock
        self.ssm_poll_seconds = SSM_POLL_SECONDS
        self.ssm_poll_interval = SSM_POLL_INTERVAL
        self.journal_dir: Path | None = None
        self._runs: list = []
        self.progress: ProgressPane | None = None

    def compose(self) -> ComposeResult:
        yield Static(self._status_text(), id="activity-status")
        table: DataTable = DataTable(id="runs-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Run", "Status", "Changes", "Role", "Instance profile", "Instances")
        yield table
        yield Vertical(id="activity-live")

    def _status_text(self) -> str:
        if getattr(self.app, "config", None) is not None and self.app.config.read_only:
            return "[$warning]Read-only mode (--read-only): apply and rollback are disabled; nothing will change.[/]"
        return (
            "Mark instances on the Instances tab (space), set the policy on the Policy tab, then press "
            "[b]a[/b] to plan and apply. [b]u[/b] rolls back the highlighted run."
        )

    def on_mount(self) -> None:
        self.action_reload_runs()

    @property
    def read_only(self) -> bool:
        config = getattr(self.app, "config", None)
        return bool(config and config.read_only)

    # -- past runs ----------------------------------------------------------------------------------
    def action_reload_runs(self) -> None:
        self._load_runs()

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="runs", name="read the run journal"
    )
    def _load_runs(self) -> None:
        from ssm_tui.aws.journal import list_runs

        self.post_message(RunsLoaded(list_runs(self.journal_dir)))

    @on(RunsLoaded)
    def _runs_loaded(self, message: RunsLoaded) -> None:
        self._runs = message.runs
        table = self.query_one("#runs-table", DataTable)
        table.clear()
        for run in message.runs:
            s = run.summary
            table.add_row(
                run.run_id,
                run.status,
                str(run.changes),
                s.get("role_name", "?"),
                s.get("profile_name", "?"),
                str(len(s.get("instance_ids", []))),
                key=run.run_id,
            )

    def highlighted_run_id(self) -> str | None:
        table = self.query_one("#runs-table", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    # -- apply ------------------------------------------------------------------------------------------
    def request_from_app(self) -> ApplyRequest | None:
        """Marked instances + the Policy tab's options and names (+ the Roles tab's role when
        that tab is active). Says why and returns None when something is missing."""
        app: Any = self.app
        from ssm_tui.policy import ResourceNames
        from ssm_tui.ui.widgets.policy_view import PolicyNotReady

        if app.query("#policy-view"):
            try:
                options, names = app.policy_view.export_inputs()
            except PolicyNotReady as problem:
                self.notify(str(problem), title="Cannot plan", severity="warning")
                return None
        else:  # the Policy tab is not built yet: its defaults
            from ssm_tui.policy import SessionManagerOptions

            options, names = SessionManagerOptions(region=app.context.region), ResourceNames()
        instance_ids = tuple(i.instance_id for i in app.instances_view.marked_instances())
        existing_role = False
        if app.query_one("#tabs").active == "roles" and app.query("#roles-view"):
            role = self._highlighted_role()
            if role is None:
                self.notify(
                    "Highlight a role on the Roles tab first",
                    title="Cannot plan",
                    severity="warning",
                )
                return None
            profile = role.instance_profiles[0] if role.instance_profiles else None
            names = ResourceNames(names.policy_name, role.name, profile)
            existing_role = True
        if not instance_ids:
            self.notify(
                "No instances marked: the plan only creates the IAM resources", title="Apply"
            )
        return ApplyRequest(options, names, instance_ids, existing_role=existing_role)

    def _highlighted_role(self) -> Any:
        app: Any = self.app
        table = app.roles_view.query_one("#roles-table", DataTable)
        if not table.row_count:
            return None
        arn = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in app.roles_view.roles if r.arn == arn), None)

    def start_apply(self, request: ApplyRequest | None = None) -> None:
        """Entry point of the app's `a` binding: plan first (in a worker), then confirm."""
        if self.read_only:
            self.notify(
                "Read-only mode (--read-only): apply is disabled, nothing will change.",
                title="Apply disabled",
                severity="warning",
            )
            return
        if self.progress is not None and self.progress.running:
            self.notify("A run is in progress: wait for it or cancel it (Esc)", severity="warning")
            return
        if getattr(self.app, "context", None) is None:
            self.notify("Not connected to AWS yet", severity="warning")
            return
        request = request or self.request_from_app()
        if request is not None:
            self.notify("Computing the plan…", title="Apply")
            self._plan(self.app.context, request)

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="provision-plan",
        name="compute the plan",
    )
    def _plan(self, context: Any, request: ApplyRequest) -> None:
        from ssm_tui.aws.current_state import read_current_state
        from ssm_tui.planning import DesiredState, compute_plan
        from ssm_tui.policy import build_policy, ec2_trust_policy

        partition = context.identity().partition
        desired = DesiredState(
            policy_name=request.names.policy_name,
            policy_document=build_policy(request.options),
            role_name=request.names.role_name,
            profile_name=request.names.profile_name,
            trust_document=ec2_trust_policy(partition),
            instance_ids=request.instance_ids,
            replace=request.replace,
            existing_role=request.existing_role,
        )
        plan = compute_plan(desired, read_current_state(context, desired))
        self.post_message(PlanReady(plan, request))

    @on(PlanReady)
    def _plan_ready(self, message: PlanReady) -> None:
        from ssm_tui.ui.screens.plan_modal import PlanModal

        def decided(choice: str | None) -> None:
            if choice == "apply":
                self._begin(message.plan)
            elif choice == "apply-replace":
                self._plan(self.app.context, replace(message.request, replace=True))

        self.app.push_screen(PlanModal(message.plan), decided)

    def _begin(self, plan: Plan) -> None:
        from ssm_tui.aws.apply_run import run_step_descriptions

        live = self.query_one("#activity-live", Vertical)
        live.remove_children()
        title = f"Apply: {plan.desired.role_name} → {len(plan.attach_targets())} instance(s)"
        self.progress = ProgressPane(title, run_step_descriptions(plan), len(plan.attach_targets()))
        live.mount(self.progress)
        self.progress.running = True
        self.app.query_one("#tabs").active = "activity"
        self._apply(self.app.context, plan, self.progress)

    @work(thread=True, exit_on_error=False, group="provision-apply", name="apply the plan")
    def _apply(self, context: Any, plan: Plan, pane: ProgressPane) -> None:
        from ssm_tui.aws.apply_run import ApplyRunner

        forward = EventForwarder(pane.post_message)
        try:
            runner = ApplyRunner(
                context,
                plan,
                settings=self.attach_settings,
                clock=self.clock,
                emit=forward,
                cancelled=pane.cancel_event,
                journal_dir=self.journal_dir,
            )
            result = runner.run()
        except Exception as exc:
            forward.flush()
            pane.post_message(RunFinished(None, f"{type(exc).__name__}: {exc}"))
            raise
        forward.flush()
        pane.post_message(RunFinished(result))

    def _refresh_inventory(self) -> None:
        """The Instances and Roles tabs show what changed (profiles, SSM status, new role)."""
        load = getattr(self.app, "load_listings", None)
        if load is not None and getattr(self.app, "context", None) is not None:
            load(["instances", "roles"])

    @on(RunFinished)
    def _run_finished(self, message: RunFinished) -> None:
        self.action_reload_runs()
        self._refresh_inventory()
        result = message.result
        if result is None:
            return
        attached = [
            i.instance_id for i in result.instances if i.outcome == "ok" and i.action != "no-op"
        ]
        if attached and self.progress is not None and not result.cancelled:
            self._poll_ssm(self.app.context, attached, self.progress)

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="ssm-poll", name="poll SSM status"
    )
    def _poll_ssm(self, context: Any, instance_ids: list[str], pane: ProgressPane) -> None:
        """Poll ping status through the inventory layer until all are Online or time is up."""
        from ssm_tui.aws.inventory import get_ssm_statuses

        worker = get_current_worker()
        deadline = time.monotonic() + self.ssm_poll_seconds
        while not worker.is_cancelled:
            statuses = get_ssm_statuses(context, instance_ids)
            online = sum(s.ping_status == "Online" for s in statuses.values())
            done = online == len(instance_ids) or time.monotonic() >= deadline
            pane.post_message(SsmPolled(online, len(instance_ids), final=done))
            if done:
                return
            end = time.monotonic() + self.ssm_poll_interval
            while time.monotonic() < end and not worker.is_cancelled:
                time.sleep(0.1)

    def action_cancel_run(self) -> None:
        """Esc anywhere on the Activity tab cancels the running apply (between calls)."""
        if self.progress is not None:
            self.progress.action_cancel_run()

    # -- rollback -------------------------------------------------------------------------------------
    def action_rollback_run(self) -> None:
        if self.read_only:
            self.notify("Read-only mode (--read-only): rollback is disabled.", severity="warning")
            return
        run_id = self.highlighted_run_id()
        if run_id is None:
            self.notify("No run to roll back", severity="warning")
            return
        if self.progress is not None and self.progress.running:
            self.notify("A run is in progress: wait for it or cancel it (Esc)", severity="warning")
            return
        from ssm_tui.aws.journal import read_run
        from ssm_tui.ui.screens.plan_modal import ConfirmModal

        record = read_run(run_id, self.journal_dir)
        calls = [c for c in record.calls if c.outcome != "error"]
        body = (
            "\n".join(
                f"undo {c.call} {c.extra.get('instance_id') or next(iter(c.params.values()), '')}"
                for c in reversed(calls)
            )
            or "nothing to undo"
        )

        def decided(yes: bool | None) -> None:
            if yes:
                live = self.query_one("#activity-live", Vertical)
                live.remove_children()
                self.progress = ProgressPane(
                    f"Rollback of {run_id}", [f"undo {len(calls)} call(s), newest first"], 0
                )
                live.mount(self.progress)
                self.progress.running = True
                self._rollback(self.app.context, run_id, self.progress)

        self.app.push_screen(
            ConfirmModal(f"Roll back run {run_id} ({record.status})?", body, "Roll back"), decided
        )

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="provision-rollback",
        name="roll back a run",
    )
    def _rollback(self, context: Any, run_id: str, pane: ProgressPane) -> None:
        from ssm_tui.aws.rollback import rollback_run

        forward = EventForwarder(pane.post_message)
        pane.post_message(StepChanged(0, "running"))
        result = rollback_run(
            context, run_id, emit=forward, clock=self.clock, journal_dir=self.journal_dir
        )
        forward.flush()
        summary = (
            f"{len(result.undone)} undone, {len(result.already_gone)} already gone, "
            f"{len(result.failed)} failed"
        )
        pane.post_message(StepChanged(0, "ok" if result.ok else "failed", summary))
        self.post_message(RollbackFinished(run_id, result.ok, summary))

    @on(SsmPolled)
    def _ssm_polled(self, message: SsmPolled) -> None:
        if message.final:
            self._refresh_inventory()  # the SSM column on the Instances tab catches up

    @on(RollbackFinished)
    def _rollback_finished(self, message: RollbackFinished) -> None:
        self._refresh_inventory()
        if self.progress is not None:
            self.progress.running = False
            self.progress.query_one("#progress-title", Static).update(
                escape(
                    f"Rollback of {message.run_id}: {'complete' if message.ok else 'INCOMPLETE'} — {message.summary}"
                )
            )
        self.notify(
            message.summary,
            title="Rollback complete" if message.ok else "Rollback incomplete",
            severity="information" if message.ok else "error",
        )
        self.action_reload_runs()

    @on(RunEvents)
    def _stray_events(self, message: RunEvents) -> None:
        message.stop()  # events of a pane that was replaced: nothing to show
