"""The live view of one apply: plan steps with status icons, a fan-out ProgressBar with rate and
ETA, a scrolling call log, a per-instance results table and the SSM "came Online" line.

It is driven only by messages (posted by the apply worker through `EventForwarder`), handled on
the main thread. High-frequency progress uses `can_replace`, so a 1,000-instance fan-out never
floods the message queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import DataTable, Log, ProgressBar, Static

from ssm_tui.planning.progress import (
    FanOutProgress,
    InstanceResult,
    LogLine,
    RunResult,
    StepFinished,
    StepStarted,
)

ICONS = {"pending": "○", "running": "◐", "ok": "✓", "failed": "✗", "skipped": "–", "cancelled": "⊘"}
_LEVEL_PREFIX = {"error": "ERROR: ", "warning": "WARNING: "}
ONLINE_HINT = (
    "The SSM agent may take up to ~30 min to pick up the new role; "
    "reboot the instance or restart the agent to register it now."
)


# -- messages (posted from worker threads) ---------------------------------------------------------
@dataclass
class StepChanged(Message):
    """A plan step started or finished."""

    index: int
    status: str
    detail: str = ""


@dataclass
class FanOutChanged(Message):
    """Cumulative fan-out counters: a newer one replaces an older one still in the queue."""

    progress: FanOutProgress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FanOutChanged)


@dataclass
class RunEvents(Message):
    """A batch of per-instance results and log lines (batched so 1,000 instances stay smooth)."""

    results: list[InstanceResult]
    lines: list[LogLine]


@dataclass
class RunFinished(Message):
    result: RunResult | None
    error: str | None = None


@dataclass
class SsmPolled(Message):
    """Latest SSM ping status of the attached instances; `final` when polling stopped."""

    online: int
    total: int
    final: bool = False

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SsmPolled) and not message.final


class EventForwarder:
    """Turns the engine's events (from any thread) into few, coalesced messages.

    Step changes go out at once; results and log lines are batched and flushed at most every
    `interval` seconds; progress counters replace each other in the queue.
    """

    def __init__(self, post: Callable[[Message], object], interval: float = 0.1) -> None:
        self._post = post
        self._interval = interval
        self._lock = threading.Lock()
        self._results: list[InstanceResult] = []
        self._lines: list[LogLine] = []
        self._last_flush = 0.0

    def __call__(self, event: object) -> None:
        if isinstance(event, StepStarted):
            self.flush()
            self._post(StepChanged(event.index, "running"))
        elif isinstance(event, StepFinished):
            self.flush()
            self._post(StepChanged(event.index, event.outcome, event.detail))
        elif isinstance(event, FanOutProgress):
            self._post(FanOutChanged(event))
        elif isinstance(event, (InstanceResult, LogLine)):
            with self._lock:
                (self._results if isinstance(event, InstanceResult) else self._lines).append(event)
                due = time.monotonic() - self._last_flush >= self._interval
            if due:
                self.flush()

    def flush(self) -> None:
        with self._lock:
            results, self._results = self._results, []
            lines, self._lines = self._lines, []
            self._last_flush = time.monotonic()
        if results or lines:
            self._post(RunEvents(results, lines))


def format_rate(progress: FanOutProgress) -> str:
    eta = progress.eta
    eta_text = "—" if eta is None else (f"{eta:.0f} s" if eta < 120 else f"{eta / 60:.0f} min")
    parts = [
        f"[$success]{progress.done} done[/]",
        f"[$error]{progress.failed} failed[/]",
        f"{progress.remaining} remaining",
    ]
    if progress.cancelled:
        parts.append(f"{progress.cancelled} cancelled")
    parts += [f"{progress.rate:.1f}/s", f"ETA {eta_text}"]
    return " · ".join(parts)


class ProgressPane(Vertical):
    """One run's progress. `cancel_event` is set by Esc; the worker checks it between calls."""

    HELP_GROUP = "Activity"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel_run", "Cancel run", id="progress.cancel")]

    running: reactive[bool] = reactive(False)
    """True while the apply worker runs (Esc cancels only then)."""

    def __init__(
        self, title: str, steps: Sequence[str], attach_total: int, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._title = title
        self._steps = list(steps)
        self._status = ["pending"] * len(self._steps)
        self._details = [""] * len(self._steps)
        self._attach_total = attach_total
        self.cancel_event = threading.Event()
        self.result: RunResult | None = None
        self.instance_results: dict[str, InstanceResult] = {}

    def compose(self) -> ComposeResult:
        yield Static(escape(self._title), id="progress-title")
        yield Static(self._steps_text(), id="progress-steps")
        with Horizontal(id="progress-fanout"):
            yield ProgressBar(total=max(self._attach_total, 1), show_eta=False, id="progress-bar")
            yield Static(f"0 done · 0 failed · {self._attach_total} remaining", id="progress-stats")
        yield Static("", id="progress-ssm")
        with Horizontal(id="progress-body"):
            yield Log(id="progress-log", max_lines=5000)
            table: DataTable = DataTable(
                id="progress-results", cursor_type="row", zebra_stripes=True
            )
            table.add_columns("Instance", "Action", "Outcome", "Attempts", "Detail")
            yield table

    def on_mount(self) -> None:
        # After the tab switch settles, so Esc (cancel) reaches this pane.
        self.call_after_refresh(self.focus_results)

    def focus_results(self) -> None:
        self.query_one("#progress-results", DataTable).focus()

    # -- rendering --------------------------------------------------------------------------------
    def _steps_text(self) -> str:
        lines = []
        for text, status, detail in zip(self._steps, self._status, self._details):
            colour = {"ok": "$success", "failed": "$error", "running": "$warning"}.get(
                status, "$text-muted"
            )
            suffix = f" [dim]{escape(detail)}[/]" if detail and status != "running" else ""
            lines.append(f"[{colour}]{ICONS.get(status, '?')}[/] {escape(text)}{suffix}")
        return "\n".join(lines)

    def step_status(self, index: int) -> str:
        return self._status[index]

    @on(StepChanged)
    def _step_changed(self, message: StepChanged) -> None:
        message.stop()
        if 0 <= message.index < len(self._status):
            self._status[message.index] = message.status
            self._details[message.index] = message.detail
            self.query_one("#progress-steps", Static).update(self._steps_text())

    @on(FanOutChanged)
    def _fan_out_changed(self, message: FanOutChanged) -> None:
        message.stop()
        progress = message.progress
        self.query_one(ProgressBar).update(
            total=max(progress.total, 1), progress=progress.done + progress.failed
        )
        self.query_one("#progress-stats", Static).update(format_rate(progress))

    @on(RunEvents)
    def _run_events(self, message: RunEvents) -> None:
        message.stop()
        # `Log` (plain lines, built for volume) rather than RichLog, whose writes wait for a first
        # resize that does not always arrive when the pane is mounted into a visible tab.
        self.query_one(Log).write_lines(
            [_LEVEL_PREFIX.get(line.level, "") + line.text for line in message.lines]
        )
        table = self.query_one(DataTable)
        for item in message.results:
            if item.instance_id in self.instance_results:
                continue
            self.instance_results[item.instance_id] = item
            table.add_row(
                item.instance_id,
                item.action,
                f"{ICONS.get(item.outcome, '')} {item.outcome}",
                str(item.attempts),
                item.detail,
                key=item.instance_id,
            )

    @on(RunFinished)
    def _run_finished(self, message: RunFinished) -> None:
        # not stopped: the Activity pane also refreshes its list of runs
        self.running = False
        self.result = message.result
        title = self.query_one("#progress-title", Static)
        if message.result is None:
            title.update(
                f"[$error]{escape(self._title)}: stopped: {escape(message.error or 'unknown error')}[/]"
            )
            return
        result = message.result
        counts = ", ".join(f"{n} {k}" for k, n in sorted(result.counts().items())) or "no instances"
        if result.ok:
            state = "[$success]succeeded[/]"
        elif result.cancelled:
            state = "[$warning]cancelled[/]"
        else:
            state = "[$error]failed[/]"
        title.update(
            f"{escape(self._title)}: {state} — {counts}. Roll back with [b]u[/b] on its run above."
        )

    @on(SsmPolled)
    def _ssm_polled(self, message: SsmPolled) -> None:
        # not stopped: the Activity pane refreshes the inventory after the last poll
        text = f"SSM: {message.online}/{message.total} attached instance(s) Online"
        if message.online < message.total:
            text += f"{' (still checking…)' if not message.final else ''}\n[dim]{escape(ONLINE_HINT)}[/]"
        self.query_one("#progress-ssm", Static).update(text)

    # -- actions -------------------------------------------------------------------------------------
    def action_cancel_run(self) -> None:
        if not self.running or self.cancel_event.is_set():
            return
        self.cancel_event.set()
        self.query_one(Log).write_line(
            "WARNING: cancelling: the calls in flight finish, nothing new starts."
        )
        self.notify("Cancelling after the calls in flight", title="Apply")
