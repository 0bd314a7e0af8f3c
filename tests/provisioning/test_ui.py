"""Pilot tests: the plan modal, the progress pane, cancel, rollback and read-only, as an operator sees them."""

from __future__ import annotations

import asyncio
import threading

from textual.widgets import Button, DataTable, ProgressBar, Static

from ssm_tui.aws.attacher import AttachSettings, attach_client
from ssm_tui.aws.clock import ManualClock
from ssm_tui.aws.faults import FaultInjector
from ssm_tui.config import AppConfig
from ssm_tui.planning import (
    CurrentState,
    ProfileSnapshot,
    compute_plan,
)
from ssm_tui.planning.progress import FanOutProgress, InstanceResult, LogLine
from ssm_tui.ui.app import make_app
from ssm_tui.ui.screens.plan_modal import ConfirmModal, PlanModal
from ssm_tui.ui.widgets.activity_pane import ActivityPane
from ssm_tui.ui.widgets.progress_pane import FanOutChanged, ProgressPane, RunEvents, StepChanged

from .conftest import desired_state, launch, profile_of

SIZE = (150, 45)


async def wait_until(pilot, condition, *, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds; fail (not hang) after `timeout` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await pilot.pause(0.05)


def static_text(root, selector: str) -> str:
    return str(root.query_one(selector, Static).render())


def _config(emulator, **kw) -> AppConfig:
    return AppConfig(endpoint_url=emulator.endpoint_url, region="us-east-1", **kw)


async def _open_with_marks(app, pilot, marks: int) -> None:
    await wait_until(pilot, lambda: app.metrics.instances_populated_at is not None)
    app.instances_view.table.focus()
    await pilot.press(*["space"] * marks)
    assert len(app.instances_view.marked_instances()) == marks


def _fast(app) -> ActivityPane:
    pane = app.query_one(ActivityPane)
    pane.clock = ManualClock()  # the readiness gate and back-offs cost nothing
    pane.ssm_poll_interval = 0.1
    pane.ssm_poll_seconds = 10
    return pane


async def test_mark_apply_confirm_watch_progress_and_see_instances_online(emulator, xdg_state, ctx):
    launch(ctx, 3)
    app = make_app(_config(emulator), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_with_marks(app, pilot, 2)
        marked = [i.instance_id for i in app.instances_view.marked_instances()]
        pane = _fast(app)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, PlanModal) and app.screen.query("#plan-steps"))
        body = static_text(app.screen, "#plan-steps")
        assert "create         policy SessionManagerPermissions" in body
        assert body.count("associate") == 2
        await pilot.press("y")
        await wait_until(pilot, lambda: pane.progress is not None and pane.progress.result is not None)
        progress = pane.progress
        assert progress.result.ok
        assert app.query_one("#tabs").active == "activity"
        assert progress.query_one("#progress-results", DataTable).row_count == 2
        assert progress.query_one(ProgressBar).progress == 2
        assert "2 done" in static_text(progress, "#progress-stats")
        assert all(progress.step_status(i) in ("ok", "skipped") for i in range(len(progress._steps)))
        assert "succeeded" in static_text(progress, "#progress-title")
        # the agent registers (the emulator derives it from the role's permissions)
        await wait_until(pilot, lambda: "2/2" in static_text(progress, "#progress-ssm"))
        await wait_until(pilot, lambda: pane.query_one("#runs-table", DataTable).row_count == 1)
    assert [profile_of(ctx, i) for i in marked] == ["SessionManagerInstanceRole"] * 2
