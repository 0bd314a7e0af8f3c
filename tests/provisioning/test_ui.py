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


async def _fast(app, pilot) -> ActivityPane:
    """The Activity pane (once mounted: the app may build hidden tabs after its first frame),
    on a manual clock so the readiness gate and back-offs cost nothing."""
    await wait_until(pilot, lambda: bool(app.query(ActivityPane)))
    pane = app.query_one(ActivityPane)
    pane.clock = ManualClock()
    pane.ssm_poll_interval = 0.1
    pane.ssm_poll_seconds = 10
    return pane


async def _show_activity(app, pilot) -> ActivityPane:
    """The Activity tab, built and visible (a RichLog only writes once it has a size)."""
    activity = await _fast(app, pilot)
    await pilot.press("4")
    await wait_until(pilot, lambda: app.query_one("#tabs").active == "activity")
    return activity


async def _settle(app, pilot) -> None:
    """Let every worker finish (the refresh after a run, SSM polling) before the app closes."""
    await wait_until(pilot, lambda: not any(w.is_running for w in app.workers))


def _roles(app) -> tuple:
    views = app.query("#roles-view")
    return views.first().roles if views else ()


async def test_mark_apply_confirm_watch_progress_and_see_instances_online(emulator, xdg_state, ctx):
    launch(ctx, 3)
    app = make_app(_config(emulator), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_with_marks(app, pilot, 2)
        marked = [i.instance_id for i in app.instances_view.marked_instances()]
        pane = await _fast(app, pilot)
        await pilot.press("a")
        await wait_until(
            pilot, lambda: isinstance(app.screen, PlanModal) and app.screen.query("#plan-steps")
        )
        body = static_text(app.screen, "#plan-steps")
        assert "create         policy SessionManagerPermissions" in body
        assert body.count("associate") == 2
        await pilot.press("y")
        await wait_until(
            pilot, lambda: pane.progress is not None and pane.progress.result is not None
        )
        progress = pane.progress
        assert progress.result.ok
        assert app.query_one("#tabs").active == "activity"
        assert progress.query_one("#progress-results", DataTable).row_count == 2
        assert progress.query_one(ProgressBar).progress == 2
        assert "2 done" in static_text(progress, "#progress-stats")
        assert all(
            progress.step_status(i) in ("ok", "skipped") for i in range(len(progress._steps))
        )
        assert "succeeded" in static_text(progress, "#progress-title")
        # the agent registers (the emulator derives it from the role's permissions)
        await wait_until(pilot, lambda: "2/2" in static_text(progress, "#progress-ssm"))
        await wait_until(pilot, lambda: pane.query_one("#runs-table", DataTable).row_count == 1)
        await _settle(app, pilot)
    assert [profile_of(ctx, i) for i in marked] == ["SessionManagerInstanceRole"] * 2


async def test_plan_modal_lists_steps_and_refuses_a_conflicting_plan(xdg_state):
    desired = desired_state(("i-0123456789abcdef0",))
    refused = compute_plan(
        desired,
        CurrentState(
            "aws",
            "123456789012",
            profile=ProfileSnapshot(
                "SsmRole", "arn:aws:iam::123456789012:instance-profile/SsmRole", ("SomeoneElse",)
            ),
        ),
    )
    app = make_app(AppConfig(), connect=False, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        choices: list = []
        app.push_screen(PlanModal(refused), choices.append)
        await wait_until(
            pilot, lambda: isinstance(app.screen, PlanModal) and app.screen.query("#plan-summary")
        )
        summary = static_text(app.screen, "#plan-summary")
        assert "Refused" in summary and "holds role SomeoneElse" in summary
        assert app.screen.query_one("#plan-apply", Button).disabled
        await pilot.press("y")  # cannot apply a refused plan
        assert isinstance(app.screen, PlanModal) and choices == []
        await pilot.press("escape")
        await wait_until(pilot, lambda: choices == [None])


async def test_plan_modal_offers_replace_when_instances_have_another_profile(xdg_state):
    from ssm_tui.planning import InstanceSnapshot

    other = "arn:aws:iam::123456789012:instance-profile/Legacy"
    state = CurrentState(
        "aws",
        "123456789012",
        instances={"i-1": InstanceSnapshot("i-1", "running", "a-1", other, "associated")},
    )
    plan = compute_plan(desired_state(("i-1",)), state)
    app = make_app(AppConfig(), connect=False, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        choices: list = []
        app.push_screen(PlanModal(plan), choices.append)
        await wait_until(
            pilot, lambda: isinstance(app.screen, PlanModal) and app.screen.query("#plan-summary")
        )
        assert "skip" in static_text(app.screen, "#plan-steps") and "Legacy" in static_text(
            app.screen, "#plan-steps"
        )
        await pilot.click("#plan-apply-replace")
        await wait_until(pilot, lambda: choices == ["apply-replace"])


async def test_progress_pane_shows_steps_bar_rate_log_and_results(xdg_state):
    app = make_app(AppConfig(), connect=False, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        pane = ProgressPane("Apply: test", ["create policy P", "attach to 4 instance(s)"], 4)
        activity = await _show_activity(app, pilot)
        await activity.query_one("#activity-live").mount(pane)
        pane.post_message(StepChanged(0, "ok", "created"))
        pane.post_message(StepChanged(1, "running"))
        for done in range(1, 4):  # only the newest survives in the queue; the bar shows it
            pane.post_message(
                FanOutChanged(
                    FanOutProgress(total=4, done=done, failed=1 if done == 3 else 0, elapsed=2.0)
                )
            )
        pane.post_message(
            RunEvents(
                [
                    InstanceResult("i-1", "associate", "ok", "iip-assoc-1 associated", 1),
                    InstanceResult("i-2", "associate", "failed", "UnauthorizedOperation", 1),
                ],
                [LogLine("i-1: associate ok"), LogLine("i-2: UnauthorizedOperation", "error")],
            )
        )
        await pilot.pause()
        await wait_until(pilot, lambda: pane.query_one(DataTable).row_count == 2)
        assert pane.step_status(0) == "ok" and pane.step_status(1) == "running"
        steps = static_text(pane, "#progress-steps")
        assert "✓ create policy P" in steps and "◐ attach to 4 instance(s)" in steps
        stats = static_text(pane, "#progress-stats")
        assert (
            "3 done" in stats
            and "1 failed" in stats
            and "0 remaining" in stats
            and "2.0/s" in stats
        )
        assert pane.query_one(ProgressBar).progress == 4
        log = pane.query_one("#progress-log")
        assert list(log.lines) == ["i-1: associate ok", "ERROR: i-2: UnauthorizedOperation"]


async def test_escape_cancels_between_calls_and_reports_what_was_done(emulator, xdg_state, ctx):
    launch(ctx, 4)
    release = threading.Event()

    def hold_first_call(request, forward):  # the first association stays in flight until released
        release.wait(10)

    app = make_app(_config(emulator), context=ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_with_marks(app, pilot, 4)
        pane = await _fast(app, pilot)
        pane.attach_settings = AttachSettings(concurrency=1)
        faults = FaultInjector(attach_client(ctx))
        faults.intercept("AssociateIamInstanceProfile", hold_first_call)
        await pilot.press("a")
        await wait_until(
            pilot, lambda: isinstance(app.screen, PlanModal) and app.screen.query("#plan-steps")
        )
        await pilot.press("y")
        await wait_until(
            pilot,
            lambda: pane.progress is not None and "AssociateIamInstanceProfile" in faults.calls,
        )
        await wait_until(
            pilot, lambda: app.focused is not None and pane in app.focused.ancestors_with_self
        )
        await pilot.press("escape")
        assert pane.progress.cancel_event.is_set()
        release.set()
        await wait_until(pilot, lambda: pane.progress.result is not None)
        result = pane.progress.result
        assert result.cancelled
        assert [i.outcome for i in result.instances].count("ok") == 1
        assert [i.outcome for i in result.instances].count("cancelled") == 3
        assert "cancelled" in static_text(pane.progress, "#progress-title")
        assert faults.calls.count("AssociateIamInstanceProfile") == 1
        await _settle(app, pilot)


async def test_u_rolls_back_the_highlighted_run(emulator, xdg_state, ctx):
    ids = launch(ctx, 2)
    from .conftest import apply as apply_headless

    apply_headless(ctx, desired_state(ids))
    assert [profile_of(ctx, i) for i in ids] == ["SsmRole", "SsmRole"]
    app = make_app(_config(emulator), context=ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        pane = await _show_activity(app, pilot)
        await wait_until(pilot, lambda: pane.query_one("#runs-table", DataTable).row_count == 1)
        pane.query_one("#runs-table", DataTable).focus()
        await pilot.press("u")
        await wait_until(
            pilot,
            lambda: isinstance(app.screen, ConfirmModal) and app.screen.query("#confirm-body"),
        )
        assert "undo iam.CreateRole" in static_text(app.screen, "#confirm-body")
        await pilot.press("y")
        await wait_until(pilot, lambda: pane.progress is not None and not pane.progress.running)
        await wait_until(
            pilot,
            lambda: "rolled back" in str(pane.query_one("#runs-table", DataTable).get_row_at(0)),
        )
        await _settle(app, pilot)
    assert [profile_of(ctx, i) for i in ids] == [None, None]
    assert ctx.client("iam").list_roles()["Roles"] == []


async def test_read_only_disables_apply_and_says_why(emulator, xdg_state, ctx):
    launch(ctx, 1)
    app = make_app(_config(emulator, read_only=True), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await _open_with_marks(app, pilot, 1)
        await _fast(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, PlanModal)
        assert any("Read-only" in n.message for n in app._notifications)
        assert "apply and rollback are disabled" in static_text(app, "#activity-status")
    assert ctx.client("iam").list_roles()["Roles"] == []


async def test_a_role_picked_on_the_roles_tab_gets_only_what_it_lacks(emulator, xdg_state, ctx):
    import json

    from ssm_tui.policy.readiness import SESSION_MANAGER_CORE_ACTIONS

    iam = ctx.client("iam")
    iam.create_role(
        RoleName="AppServerRole",
        AssumeRolePolicyDocument=json.dumps(desired_state().trust_document),
    )
    core = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": list(SESSION_MANAGER_CORE_ACTIONS), "Resource": "*"}
        ],
    }
    iam.put_role_policy(
        RoleName="AppServerRole", PolicyName="core", PolicyDocument=json.dumps(core)
    )
    launch(ctx, 1)
    app = make_app(_config(emulator), context=ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: any(r.name == "AppServerRole" for r in _roles(app)))
        await _fast(app, pilot)
        await pilot.press("2")
        table = app.roles_view.query_one("#roles-table", DataTable)
        table.move_cursor(
            row=next(n for n, r in enumerate(app.roles_view.roles) if r.name == "AppServerRole")
        )
        await pilot.press("a")
        await wait_until(
            pilot, lambda: isinstance(app.screen, PlanModal) and app.screen.query("#plan-steps")
        )
        steps = static_text(app.screen, "#plan-steps")
        assert (
            "adopt          role AppServerRole — chosen role; already has: core (inline)" in steps
        )
        assert "only what the chosen role does not grant yet" in steps
        assert "create         role" not in steps
        await pilot.press("y")
        pane = app.query_one(ActivityPane)
        await wait_until(
            pilot, lambda: pane.progress is not None and pane.progress.result is not None
        )
        assert pane.progress.result.ok
        await _settle(app, pilot)
    arn = next(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"])
    document = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
    assert "ssmmessages" not in json.dumps(
        document
    ) and "s3:GetEncryptionConfiguration" in json.dumps(document)
    assert [
        p["PolicyArn"]
        for p in iam.list_attached_role_policies(RoleName="AppServerRole")["AttachedPolicies"]
    ] == [arn]


async def test_progress_pane_takes_a_thousand_instances_through_the_forwarder(xdg_state):
    from ssm_tui.ui.widgets.progress_pane import EventForwarder

    app = make_app(AppConfig(), connect=False, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        pane = ProgressPane("Apply: big fleet", ["attach to 1000 instance(s)"], 1000)
        activity = await _show_activity(app, pilot)
        await activity.query_one("#activity-live").mount(pane)
        forward = EventForwarder(pane.post_message)

        def fan_out() -> None:  # as the attacher would, from a worker thread
            for n in range(1000):
                forward(InstanceResult(f"i-{n:017d}", "associate", "ok", "associated", 1))
                forward(FanOutProgress(total=1000, done=n + 1, failed=0, elapsed=(n + 1) / 50))
            forward.flush()

        worker = threading.Thread(target=fan_out)
        worker.start()
        await wait_until(pilot, lambda: pane.query_one(DataTable).row_count == 1000, timeout=60)
        worker.join()
        await wait_until(pilot, lambda: pane.query_one(ProgressBar).progress == 1000)
        assert "1000 done" in static_text(pane, "#progress-stats") and "50.0/s" in static_text(
            pane, "#progress-stats"
        )
