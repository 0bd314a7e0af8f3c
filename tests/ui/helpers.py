"""Small pilot helpers shared by the UI tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Static


async def wait_until(pilot: Pilot, condition: Callable[[], bool], *, timeout: float = 30.0) -> None:
    """Let the app run until `condition()` holds; fail the test (not hang) after `timeout` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {condition}")
        await pilot.pause(0.05)


def static_text(app, selector: str) -> str:
    """The plain text a Static currently shows."""
    widget = app.query_one(selector, Static)
    return str(widget.render())


def lint_settled(app) -> bool:
    view = app.policy_view
    return view.preview.text is not None and view.linted_text == view.preview.text


async def tabs_mounted(pilot: Pilot) -> None:
    """The Roles, Policy and Activity tabs mount just after the first frame; wait for them."""
    app = pilot.app
    await wait_until(pilot, lambda: all(
        app.query(f"#{view}") and app.query_one(f"#{view}").is_mounted
        for view in ("roles-view", "policy-view", "activity-pane")
    ))
    await wait_until(pilot, lambda: app.policy_view.preview.text is not None)
