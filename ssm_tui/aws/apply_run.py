"""One apply, start to finish: IAM steps, readiness gate, fan-out, result document.

Used by the TUI's worker and by `ssm-tui apply`. Progress goes out through `emit` (called from
worker threads: the TUI turns events into messages, never touching widgets from here).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ssm_tui.aws.attacher import Attacher, AttachSettings, attach_client
from ssm_tui.aws.clock import Clock, SystemClock
from ssm_tui.aws.journal import Journal, new_run_id
from ssm_tui.aws.provisioner import Provisioner, StepFailed
from ssm_tui.aws.session import AwsContext
from ssm_tui.planning.plan import Action, Plan
from ssm_tui.planning.progress import (
    InstanceResult,
    LogLine,
    RunResult,
    StepFinished,
    StepResult,
    StepStarted,
)

Emit = Callable[[object], None]

_FIXED_OUTCOMES = {Action.NOOP: "ok", Action.SKIP: "skipped", Action.FAIL: "failed"}


def run_step_descriptions(plan: Plan) -> list[str]:
    """The rows of the progress pane: each IAM step, then the readiness gate and the fan-out."""
    rows = [s.describe() for s in plan.steps]
    rows.append(f"wait until EC2 can use instance profile {plan.desired.profile_name}")
    rows.append(f"attach to {len(plan.attach_targets())} of {len(plan.instance_steps)} instance(s)")
    return rows


def _needs_gate(plan: Plan) -> bool:
    return any(s.resource == "instance-profile" and s.action.changes_something for s in plan.steps)


class ApplyRunner:
    """Executes a confirmed plan. `cancelled` is checked between calls; the journal is written
    before and after every mutating call."""

    def __init__(
        self,
        ctx: AwsContext,
        plan: Plan,
        *,
        settings: AttachSettings | None = None,
        clock: Clock | None = None,
        emit: Emit | None = None,
        cancelled: threading.Event | None = None,
        run_id: str | None = None,
        journal_dir: Path | None = None,
    ) -> None:
        if plan.refused:
            raise ValueError(
                "a refused plan cannot be applied: " + "; ".join(s.reason for s in plan.refusals)
            )
        self.ctx = ctx
        self.plan = plan
        self.settings = settings or AttachSettings()
        self.clock = clock or SystemClock()
        self.emit = emit or (lambda event: None)
        self.cancelled = cancelled or threading.Event()
        self.run_id = run_id or new_run_id()
        self.journal = Journal(self.run_id, journal_dir)

    def _start_journal(self) -> None:
        desired = self.plan.desired
        self.journal.write(
            "run-start",
            summary={
                "policy_name": desired.policy_name,
                "role_name": desired.role_name,
                "profile_name": desired.profile_name,
                "policy_arn": self.plan.policy_arn,
                "profile_arn": self.plan.profile_arn,
                "instance_ids": list(desired.instance_ids),
                "replace": desired.replace,
                "existing_role": desired.existing_role,
                "changes": self.plan.changes,
            },
        )

    def run(self) -> RunResult:
        desired = self.plan.desired
        result = RunResult(
            self.run_id, self.plan.policy_arn, desired.role_name, desired.profile_name
        )
        rows = run_step_descriptions(self.plan)
        self._start_journal()
        self.emit(LogLine(f"run {self.run_id}: journal {self.journal.path}"))
        try:
            iam_ok = self._run_iam_steps(result, rows)
            self._run_instances(result, rows, iam_ok)
        except Exception as exc:  # an unexpected failure still ends the journal and the result
            result.error = f"{type(exc).__name__}: {exc}"
            self.emit(LogLine(f"run stopped: {result.error}", "error"))
            raise
        finally:
            result.cancelled = self.cancelled.is_set()
            self.journal.write(
                "run-end", ok=result.ok, cancelled=result.cancelled, counts=result.counts()
            )
        return result

    def _finish(
        self,
        result: RunResult,
        index: int,
        description: str,
        action: str,
        outcome: str,
        detail: str = "",
    ) -> None:
        result.steps.append(StepResult(description, action, outcome, detail))
        self.emit(StepFinished(index, description, outcome, detail))

    def _run_iam_steps(self, result: RunResult, rows: list[str]) -> bool:
        provisioner = Provisioner(
            self.ctx.client("iam"), self.journal, policy_arn=self.plan.policy_arn
        )
        failed = False
        for index, step in enumerate(self.plan.steps):
            description = rows[index]
            if failed or self.cancelled.is_set():
                self._finish(
                    result,
                    index,
                    description,
                    step.action.value,
                    "cancelled",
                    "not run: an earlier step failed" if failed else "cancelled",
                )
                continue
            self.emit(StepStarted(index, description))
            try:
                detail = provisioner.run(step)
            except StepFailed as exc:
                failed = True
                result.error = str(exc)
                self.emit(LogLine(str(exc), "error"))
                self._finish(result, index, description, step.action.value, "failed", str(exc))
                continue
            self.emit(LogLine(f"{step.resource} {step.name}: {detail}"))
            self._finish(result, index, description, step.action.value, "ok", detail)
        return not failed and not self.cancelled.is_set()

    def _run_instances(self, result: RunResult, rows: list[str], iam_ok: bool) -> None:
        gate_index, fan_index = len(self.plan.steps), len(self.plan.steps) + 1
        targets = self.plan.attach_targets()
        for step in self.plan.instance_steps:  # the ones that need no call are known already
            if step.action in _FIXED_OUTCOMES:
                item = InstanceResult(
                    step.instance_id, step.action.value, _FIXED_OUTCOMES[step.action], step.reason
                )
                result.instances.append(item)
                self.emit(item)
        if not iam_ok:
            reason = "cancelled" if self.cancelled.is_set() else "not run: an IAM step failed"
            for step in targets:
                result.instances.append(
                    InstanceResult(step.instance_id, step.action.value, "cancelled", reason)
                )
            self._finish(result, gate_index, rows[gate_index], "wait", "cancelled", reason)
            self._finish(result, fan_index, rows[fan_index], "attach", "cancelled", reason)
            return
        ec2 = attach_client(self.ctx)
        attacher = Attacher(
            ec2,
            self.journal,
            profile_name=self.plan.desired.profile_name,
            profile_arn=self.plan.profile_arn,
            settings=self.settings,
            clock=self.clock,
            emit=self.emit,
            cancelled=self.cancelled,
        )
        if not targets:
            self._finish(
                result, gate_index, rows[gate_index], "wait", "skipped", "nothing to attach"
            )
            self._finish(
                result, fan_index, rows[fan_index], "attach", "skipped", "nothing to attach"
            )
            return
        if _needs_gate(self.plan):
            self.emit(StepStarted(gate_index, rows[gate_index]))
            visible = attacher.wait_until_visible(
                self.ctx.client("iam"), self.plan.desired.role_name
            )
            if not visible:
                reason = (
                    "cancelled"
                    if self.cancelled.is_set()
                    else f"instance profile not visible after {self.settings.gate_timeout:.0f} s"
                )
                self._finish(
                    result,
                    gate_index,
                    rows[gate_index],
                    "wait",
                    "cancelled" if self.cancelled.is_set() else "failed",
                    reason,
                )
                for step in targets:
                    result.instances.append(
                        InstanceResult(step.instance_id, step.action.value, "cancelled", reason)
                    )
                self._finish(result, fan_index, rows[fan_index], "attach", "cancelled", reason)
                return
            self._finish(result, gate_index, rows[gate_index], "wait", "ok", "visible")
        else:
            self._finish(
                result,
                gate_index,
                rows[gate_index],
                "wait",
                "skipped",
                "instance profile unchanged",
            )
        self.emit(StepStarted(fan_index, rows[fan_index]))
        attached = attacher.attach_all(targets)
        result.instances.extend(attached)
        ok = sum(r.outcome == "ok" for r in attached)
        outcome = (
            "ok" if ok == len(attached) else ("cancelled" if self.cancelled.is_set() else "failed")
        )
        self._finish(
            result, fan_index, rows[fan_index], "attach", outcome, f"{ok}/{len(attached)} attached"
        )
