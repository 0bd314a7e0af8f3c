"""Child process for P5: start an app headless, print the wall-clock time of its first paint, exit.

`python -m bench.first_paint textual` runs a minimal Textual app; `... ssm-tui ENDPOINT` runs
ssm-tui's real app against ENDPOINT (its inventory keeps loading in the background). Both are
measured the same way: the first refresh after mount.
"""

from __future__ import annotations

import sys
import time


async def _report_first_paint(pilot) -> None:
    await pilot.pause()  # returns once the first frame has been composed and refreshed
    print(f"FIRST_PAINT {time.time():.6f}", flush=True)
    pilot.app.exit()


def _minimal_textual_app():
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Minimal(App):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

    return Minimal()


def _ssm_tui_app(endpoint_url: str):
    from ssm_tui.config import AppConfig
    from ssm_tui.ui.app import make_app

    return make_app(AppConfig(endpoint_url=endpoint_url, region="us-east-1"))


def main() -> None:
    which = sys.argv[1]
    app = _minimal_textual_app() if which == "textual" else _ssm_tui_app(sys.argv[2])
    app.run(headless=True, size=(120, 40), auto_pilot=_report_first_paint)
    if which != "textual":
        import os

        os._exit(0)  # do not wait for background inventory threads


if __name__ == "__main__":
    main()
