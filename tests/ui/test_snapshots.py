"""SVG snapshots of each tab and the builder's states, from fixed dataclasses and a fixed clock.

Regenerate after an intended UI change: `python -m pytest tests/ui/test_snapshots.py --snapshot-update`,
then look at the report before committing.
"""

from __future__ import annotations

from .fixed_data import fixed_app, populate
from .helpers import lint_settled, tabs_mounted, wait_until

SIZE = (140, 42)


async def _ready(pilot) -> None:
    populate(pilot.app)
    await tabs_mounted(pilot)
    await pilot.pause()


def test_instances_tab(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("down", "space", "down", "space")

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)


def test_instances_filtered_with_detail(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("slash", *"web", "enter", "enter")

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)


def test_roles_tab(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("2", "down")

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)


def test_policy_tab_default(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("3")
        await wait_until(pilot, lambda: lint_settled(pilot.app))  # lint starts once the tab is shown

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)


async def _turn_everything_on(pilot) -> None:
    await _ready(pilot)
    await pilot.press("3")
    await pilot.click("#kms-enabled")
    await pilot.click("#kms_key_arn")
    await pilot.press(*"alias/session-manager")
    await pilot.click("#s3-enabled")
    await pilot.click("#s3_bucket")
    await pilot.press(*"demo-session-logs")
    await pilot.click("#s3_enforce_encryption")
    await pilot.click("#cloudwatch")
    await pilot.click("#log_group")
    await pilot.press(*"/ssm/session-logs")
    await pilot.click("#cloudwatch_enforce_encryption")
    pilot.app.policy_view.form.focus()  # no blinking cursor, no focus highlight on an input
    await wait_until(pilot, lambda: lint_settled(pilot.app))
    await pilot.pause()


def test_policy_with_s3_cloudwatch_and_kms(snap_compare):
    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=_turn_everything_on)


def test_policy_validation_error(snap_compare):
    async def run_before(pilot):
        await _turn_everything_on(pilot)
        await pilot.click("#s3_bucket")
        await pilot.press("end", *"_Bad!")
        pilot.app.policy_view.form.focus()
        await pilot.pause()

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)


def test_activity_tab(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("4")

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare):
    async def run_before(pilot):
        await _ready(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.pause()  # let the help table's scrollbar settle after its first layout

    assert snap_compare(fixed_app(), terminal_size=SIZE, run_before=run_before)
