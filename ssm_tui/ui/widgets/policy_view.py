"""The Policy tab: the form, the live preview and the lint panel.

Holds one `SessionManagerOptions`; every `PolicyForm.Changed` replaces it, validates, builds and
re-renders the preview synchronously (a few milliseconds: within one frame). Lint (parliament)
is slower and runs debounced in a thread worker, never on the keystroke path.
"""

from __future__ import annotations

import time
from typing import Any

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from ssm_tui.policy.builder import build_policy, policy_json, policy_size
from ssm_tui.policy.options import ResourceNames, SessionManagerOptions
from ssm_tui.policy.validation import (
    FieldProblem,
    InvalidOptionsError,
    check_policy_size,
    validate_names,
    validate_options,
)
from ssm_tui.ui.widgets.policy_form import PolicyForm
from ssm_tui.ui.widgets.policy_preview import PolicyPreview

NAME_FIELDS = {"policy_name", "role_name", "instance_profile_name"}
LINT_DEBOUNCE_S = 0.25


class PolicyNotReady(Exception):
    """The form has errors: there is no policy matching it to copy or export."""


class LintDone(Message):
    def __init__(self, text: str, findings: tuple[Any, ...] | None, error: str | None = None) -> None:
        super().__init__()
        self.text = text
        self.findings = findings
        self.error = error


class PolicyView(Horizontal):
    """Everything on the Policy tab."""

    HELP_GROUP = "Policy"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = SessionManagerOptions()
        self.names = ResourceNames()
        self.document: dict | None = None  # the last valid document (what the preview shows)
        self.problems: tuple[FieldProblem, ...] = ()
        self._lint_timer: Timer | None = None
        self._pending_lint: tuple[dict, str] | None = None
        self._seen = False  # lint waits until the Policy tab is first shown
        self._measured_input_at: float | None = None
        self.linted_text: str | None = None  # the document text the lint panel currently describes

    def compose(self) -> ComposeResult:
        yield PolicyForm(id="policy-form")
        with Vertical(id="policy-side"):
            yield PolicyPreview(id="policy-preview-pane")
            yield Static("[dim]lint: waiting for a policy…[/]", id="policy-lint")

    @property
    def form(self) -> PolicyForm:
        return self.query_one(PolicyForm)

    @property
    def preview(self) -> PolicyPreview:
        return self.query_one(PolicyPreview)

    def on_mount(self) -> None:
        self._rebuild(*self.form.read())

    def set_account(self, region: str, account_id: str | None) -> None:
        """Region and account shape ARNs in the scoped style; set when the connection is known."""
        self.form.aws_region = region
        self.form.account_id = account_id
        self._rebuild(*self.form.read())

    # ----- the hot path -----------------------------------------------------------------------
    @on(PolicyForm.Changed)
    def _form_changed(self, event: PolicyForm.Changed) -> None:
        self._rebuild(event.options, event.names, event.ui_problems)

    def _rebuild(self, options: SessionManagerOptions, names: ResourceNames,
                 ui_problems: tuple[FieldProblem, ...]) -> None:
        problems = ui_problems + validate_options(options) + validate_names(names)
        option_errors = [p for p in problems if p.severity == "error" and p.field not in NAME_FIELDS]
        document = None
        if not option_errors:
            try:
                document = build_policy(options)
            except InvalidOptionsError as error:
                option_errors = list(error.problems)
                problems += error.problems
            else:
                problems += check_policy_size(document)
        self.options, self.names, self.problems = options, names, problems
        self.form.show_problems(problems)
        if document is None:
            count = len(option_errors)
            self.preview.mark_stale(f"fix the {count} error{'s' if count != 1 else ''} beside the fields")
        else:
            self.document = document
            text = policy_json(document)
            self.preview.show(text, policy_size(document))
            self._schedule_lint(document, text)
        self._record_latency()

    def _record_latency(self) -> None:
        metrics = getattr(self.app, "metrics", None)
        if metrics is None or metrics.last_input_at is None or metrics.last_input_at == self._measured_input_at:
            return
        started = self._measured_input_at = metrics.last_input_at
        self.call_after_refresh(
            lambda: metrics.preview_latencies_ms.append((time.perf_counter() - started) * 1000.0)
        )

    # ----- what copy and export use -----------------------------------------------------------
    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def policy_text(self) -> str:
        """The policy JSON matching the form; PolicyNotReady while the form has option errors."""
        if self.document is None or self.preview.stale:
            raise PolicyNotReady("the policy options have errors: fix them on the Policy tab first")
        return policy_json(self.document)

    def export_inputs(self) -> tuple[SessionManagerOptions, ResourceNames]:
        """Options and names for an export; PolicyNotReady while any field has an error."""
        errors = [p for p in self.problems if p.severity == "error"]
        if errors:
            raise PolicyNotReady("fix the errors on the Policy tab first: " + "; ".join(str(p) for p in errors[:3]))
        return self.options, self.names

    # ----- lint, off the hot path -------------------------------------------------------------
    def _schedule_lint(self, document: dict, text: str) -> None:
        """Lint after typing pauses, and only once the tab has been seen: importing parliament
        in a thread at start-up would compete with the inventory load for the GIL."""
        self._pending_lint = (document, text)
        if not self._seen:
            return
        if self._lint_timer is not None:
            self._lint_timer.stop()
        self._lint_timer = self.set_timer(LINT_DEBOUNCE_S, lambda: self._lint(document, text))

    def on_show(self) -> None:
        if not self._seen:
            self._seen = True
            if self._pending_lint is not None:
                self._schedule_lint(*self._pending_lint)

    @work(thread=True, exclusive=True, exit_on_error=False, group="lint", name="lint policy")
    def _lint(self, document: dict, text: str) -> None:
        try:
            from ssm_tui.policy.lint import (
                lint_policy,  # parliament: slow to import, kept off first paint
            )

            findings = tuple(lint_policy(document))
        except Exception as error:  # noqa: BLE001 - lint is advice: its failure must not look like a policy error
            self.post_message(LintDone(text, None, f"{type(error).__name__}: {error}"))
            return
        self.post_message(LintDone(text, findings))

    @on(LintDone)
    def _lint_done(self, message: LintDone) -> None:
        if message.text != self.preview.text:
            return  # a newer document is on screen; its own lint is on the way
        panel = self.query_one("#policy-lint", Static)
        self.linted_text = message.text
        if message.error:
            panel.update(f"[dim]lint unavailable: {escape(message.error)}[/]")
        elif not message.findings:
            panel.update("[$success]lint: no findings[/]")
        else:
            lines = [f"[b]lint: {len(message.findings)} finding(s)[/b]"]
            for finding in message.findings:
                severity = str(getattr(finding, "severity", "")).lower()
                colour = "$error" if severity in ("high", "critical", "error") else "$warning"
                detail = getattr(finding, "detail", "")
                lines.append(f"[{colour}]{escape(severity or 'note')}[/] {escape(str(finding.issue))}"
                             + (f" [dim]{escape(str(detail))}[/]" if detail else ""))
            panel.update("\n".join(lines))
