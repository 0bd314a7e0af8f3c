"""Header badges and the palette's reconnect commands."""

from __future__ import annotations

from ssm_tui.config import AppConfig
from ssm_tui.ui.app import make_app
from ssm_tui.ui.screens.prompt_modal import PromptModal

from .helpers import static_text, wait_until


async def test_read_only_and_demo_badges_are_shown():
    app = make_app(AppConfig(read_only=True, demo=True), connect=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "READ-ONLY" in static_text(app, "#badge-read-only")
        assert "DEMO" in static_text(app, "#badge-demo")


async def test_no_badges_against_real_aws():
    app = make_app(AppConfig(), connect=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert not app.query(".badge")


async def test_switch_region_from_the_palette_reconnects(moto_config):
    app = make_app(moto_config, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_until(pilot, lambda: app.metrics.instances_populated_at is not None)
        assert "us-east-1" in static_text(app, "#header-region")
        await pilot.press("ctrl+p", *"switch region")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptModal)
                         and app.screen.query("#prompt-input") and app.screen.query_one("#prompt-input").has_focus)
        await pilot.press("ctrl+a", "ctrl+k", *"eu-west-3", "enter")  # home, delete to end: clear the line
        await wait_until(pilot, lambda: app.context is not None and app.context.region == "eu-west-3")
        await wait_until(pilot, lambda: "eu-west-3" in static_text(app, "#header-region"))
        # The seeded fleet lives in us-east-1: the other region's listing is empty, not an error.
        await wait_until(pilot, lambda: "0 instances" in static_text(app, "#instances-status"))
