"""Instances tab against the moto server: what an operator sees when filtering and marking."""

from __future__ import annotations

from ssm_tui.aws.faults import FaultInjector
from ssm_tui.aws.session import AwsContext
from ssm_tui.ui.app import make_app
from ssm_tui.ui.widgets.instance_table import InstanceTable
from ssm_tui.ui.widgets.quiet_loading import QuietLoadingIndicator

from .conftest import FLEET_SIZE
from .helpers import static_text, wait_until


async def test_filter_narrows_the_table_as_you_type(moto_config):
    app = make_app(moto_config, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: app.metrics.instances_populated_at is not None)
        table = app.query_one(InstanceTable)
        assert len(table.rows) == FLEET_SIZE
        assert f"{FLEET_SIZE} instances" in static_text(app, "#instances-status")

        stopped = sum(1 for row in table.rows if row.state == "stopped")
        assert 0 < stopped < FLEET_SIZE

        await pilot.press("slash", *"stopped")
        assert len(table.rows) == stopped
        assert all(row.state == "stopped" for row in table.rows)
        assert f"{stopped} of {FLEET_SIZE} instances" in static_text(app, "#instances-status")

        target = table.rows[0]
        await pilot.press(*(["backspace"] * len("stopped")), *target.instance_id[-6:])
        assert [row.instance_id for row in table.rows] == [target.instance_id]

        await pilot.press("escape")  # leaves the filter; the narrowed list stays
        assert app.focused is table
        await pilot.press("backspace")  # ignored by the table: the filter text is kept
        assert len(table.rows) == 1


async def test_space_marks_rows_and_shows_the_count(moto_config):
    app = make_app(moto_config, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: app.metrics.instances_populated_at is not None)
        await pilot.press("space", "space")
        marked = app.instances_view.marked_instances()
        assert len(marked) == 2
        assert "2 marked" in static_text(app, "#instances-status")
        await pilot.press("up", "space")  # unmark the second
        assert len(app.instances_view.marked_instances()) == 1


async def test_enter_opens_details_with_what_session_manager_lacks(moto_config):
    app = make_app(moto_config, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: app.metrics.instances_populated_at is not None)
        await wait_until(pilot, lambda: app.roles_view.roles != ())
        table = app.query_one(InstanceTable)
        unprofiled = next(i for i, row in enumerate(table.rows) if row.association is None)
        table.cursor_row = unprofiled
        await pilot.press("enter")
        detail = static_text(app, "#instance-detail-body")
        assert table.rows[unprofiled].instance_id in detail
        assert "no instance profile" in detail
        await pilot.press("escape")
        assert not app.query_one("#instance-detail").display or app.query_one("#instance-detail").has_class("hidden")


async def test_refresh_reloads_with_a_loading_indicator(moto_config):
    context = AwsContext.from_config(moto_config)
    app = make_app(moto_config, context=context, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: app.metrics.instances_populated_at is not None)
        first = app.metrics.instances_populated_at
        # Slow the next listing down so the indicator is observable, not a race.
        faults = FaultInjector(context.client("ec2"))
        faults.delay("DescribeInstances", 1.0)
        app.instances_view.table.focus()
        await pilot.press("r")
        await wait_until(pilot, lambda: app.instances_view.loading)
        cover = app.instances_view._cover_widget  # Textual keeps the loading overlay outside the DOM
        assert isinstance(cover, QuietLoadingIndicator) and "loading instances" in str(cover.render())
        await wait_until(pilot, lambda: app.metrics.instances_populated_at != first)
        faults.remove()
        assert not app.instances_view.loading
        assert len(app.query_one(InstanceTable).rows) == FLEET_SIZE


async def test_typing_and_erasing_a_filter_always_shows_exactly_the_matching_rows():
    """The filter narrows from cached results while typing; every step must still be exact."""
    from ssm_tui.config import AppConfig
    from ssm_tui.ui.widgets.instance_table import search_key

    from .fixed_data import fixed_instances

    instances = fixed_instances()
    app = make_app(AppConfig(region="us-east-1"), connect=False, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        app.instances_view.show_instances(instances)
        await pilot.press("slash")
        typed = ""
        for key in [*"web 0", *["backspace"] * 5, *"api", *["backspace"] * 3, *"db", "backspace", *"b 2"]:
            await pilot.press("space" if key == " " else key)
            typed = typed[:-1] if key == "backspace" else typed + key
            terms = typed.lower().split()
            expected = [i.instance_id for i in instances if all(t in search_key(i) for t in terms)]
            assert [r.instance_id for r in app.query_one(InstanceTable).rows] == expected, typed


async def test_the_instances_table_has_focus_from_the_start_so_keys_act_at_once():
    from ssm_tui.config import AppConfig

    from .fixed_data import fixed_instances

    app = make_app(AppConfig(region="us-east-1"), connect=False, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        app.instances_view.show_instances(fixed_instances())
        await pilot.pause()
        assert app.focused is app.query_one(InstanceTable)
        await pilot.press("space")
        assert "1 marked" in static_text(app, "#instances-status")
