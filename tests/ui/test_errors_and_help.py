"""Errors never kill the app; help and the palette know every binding."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import socket

from textual.binding import Binding
from textual.widgets import TextArea

import ssm_tui.ui
from ssm_tui.aws.faults import FaultInjector
from ssm_tui.aws.session import AwsContext
from ssm_tui.config import AppConfig
from ssm_tui.ui.app import SsmTuiApp, make_app
from ssm_tui.ui.screens.error_modal import ErrorModal
from ssm_tui.ui.screens.help_screen import HelpScreen
from ssm_tui.ui.widgets.instance_table import InstanceTable

from .conftest import FLEET_SIZE
from .fixed_data import fixed_app, populate
from .helpers import static_text, tabs_mounted, wait_until


async def test_access_denied_on_roles_keeps_instances_working(moto_config):
    context = AwsContext.from_config(moto_config)
    faults = FaultInjector(context.client("iam"))
    for operation in ("GetAccountAuthorizationDetails", "ListRoles"):
        faults.fail(operation, "AccessDenied", f"User is not authorized to perform: iam:{operation}", status=403)
    app = make_app(moto_config, context=context, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: app.metrics.instances_populated_at is not None)
        await wait_until(pilot, lambda: "not permitted" in static_text(app, "#roles-status"))
        assert not isinstance(app.screen, ErrorModal)  # a denied listing is not a crash
        assert len(app.query_one(InstanceTable).rows) == FLEET_SIZE
        await pilot.press("slash", *"running")
        assert 0 < len(app.query_one(InstanceTable).rows) <= FLEET_SIZE
        await pilot.press("escape", "2")
        assert "not permitted" in static_text(app, "#roles-status")
        await pilot.press("1", "enter")  # details still open, saying roles are unknown
        assert "roles not listed" in static_text(app, "#instance-detail-body")
    faults.remove()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_unreachable_endpoint_shows_a_copyable_error_and_the_app_keeps_running():
    config = AppConfig(endpoint_url=f"http://127.0.0.1:{_closed_port()}", region="us-east-1")
    app = make_app(config, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ErrorModal) and app.screen.query("#error-detail"),
                         timeout=60)
        detail = app.screen.query_one("#error-detail", TextArea).text
        assert "127.0.0.1" in detail
        await pilot.press("c")
        assert "127.0.0.1" in app.clipboard
        await pilot.press("escape")
        assert not isinstance(app.screen, ErrorModal)
        assert "not connected" in static_text(app, "#instances-status")
        await pilot.press("3")  # the builder works offline
        assert app.policy_view.preview.text


def _all_binding_classes() -> list[type]:
    classes = []
    for module_info in pkgutil.walk_packages(ssm_tui.ui.__path__, "ssm_tui.ui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and "BINDINGS" in cls.__dict__:
                classes.append(cls)
    return classes


def test_every_binding_has_an_id():
    classes = _all_binding_classes()
    assert SsmTuiApp in classes and InstanceTable in classes
    for cls in classes:
        for binding in cls.__dict__["BINDINGS"]:
            assert isinstance(binding, Binding) and binding.id, f"{cls.__name__}: {binding}"


async def test_help_lists_every_binding_on_screen():
    app = fixed_app()
    async with app.run_test(size=(140, 50)) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = "\n".join(str(cell) for group in app.screen._groups for cell in group[1])
        ids = {b.id for _, bindings in app.screen._groups for b in bindings}
        expected = {b.id for b in SsmTuiApp.BINDINGS} | {b.id for b in InstanceTable.BINDINGS}
        assert expected <= ids, help_text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_number_keys_switch_tabs():
    app = fixed_app()
    async with app.run_test(size=(140, 40)) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        for key, tab in (("2", "roles"), ("3", "policy"), ("4", "activity"), ("1", "instances")):
            await pilot.press(key)
            assert app.query_one("#tabs").active == tab
