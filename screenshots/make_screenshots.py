"""Regenerate screenshots/*.svg from the app running on the embedded demo backend.

    python screenshots/make_screenshots.py [--size 140x42] [--demo-size 250]

Each screen is reached the way a user would (keys and clicks), headless, at a fixed size.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a clone without installing

from ssm_tui.config import AppConfig
from ssm_tui.ui.app import SsmTuiApp, make_app

ALL_LISTINGS = {"instances", "roles", "kms_keys", "buckets", "log_groups"}


async def _wait(pilot, condition, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {condition}")
        await pilot.pause(0.1)


def _lint_settled(app: SsmTuiApp) -> bool:
    view = app.policy_view
    return view.preview.text is not None and view.linted_text == view.preview.text


async def _shoot(pilot, name: str) -> None:
    await pilot.pause(0.2)
    path = pilot.app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"wrote {Path(path).relative_to(HERE.parent)}")


async def _capture(pilot) -> None:
    app: SsmTuiApp = pilot.app
    await _wait(pilot, lambda: ALL_LISTINGS <= app.loaded_kinds)

    await pilot.press("down", "down", "space", "down", "space")
    await _shoot(pilot, "instances")
    await pilot.press("slash", *"web", "enter", "enter")
    await _shoot(pilot, "instance-detail")
    await pilot.press("escape", "slash", "ctrl+u", "escape")

    await pilot.press("2", "down", "down", "down")
    await _shoot(pilot, "roles")

    await pilot.press("3")
    await _wait(pilot, lambda: _lint_settled(app))  # lint starts once the Policy tab is shown
    await _shoot(pilot, "policy")

    await pilot.click("#kms-enabled")
    await pilot.click("#kms_key_arn")
    await pilot.press(*"alias/session-manager")
    await pilot.click("#s3-enabled")
    keys = app.policy_view.form
    bucket_picker = keys.query_one("#bucket-picker")
    if bucket_picker._options[1:]:  # pick the first bucket the demo account has, like a user would
        bucket_picker.value = bucket_picker._options[1][1]
    await pilot.click("#s3_enforce_encryption")
    await pilot.click("#cloudwatch")
    log_group_picker = keys.query_one("#log-group-picker")
    if log_group_picker._options[1:]:
        log_group_picker.value = log_group_picker._options[1][1]
    await pilot.click("#cloudwatch_enforce_encryption")
    app.policy_view.form.focus()
    await _wait(pilot, lambda: _lint_settled(app))
    await _shoot(pilot, "policy-s3-cloudwatch-kms")

    await pilot.click("#s3_bucket")
    await pilot.press("end", *"_Logs!")
    app.policy_view.form.focus()
    await _shoot(pilot, "policy-validation-error")

    await pilot.press("4")
    await _shoot(pilot, "activity")

    await pilot.press("question_mark")
    await _shoot(pilot, "help")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="140x42", help="terminal WIDTHxHEIGHT (default 140x42)")
    parser.add_argument("--demo-size", type=int, default=250, help="instances in the demo fleet")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    app = make_app(AppConfig(demo=True, demo_size=args.demo_size), cursor_blink=False)

    async def run() -> None:
        async with app.run_test(size=(width, height)) as pilot:
            await _capture(pilot)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
