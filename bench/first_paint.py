"""Child process for P5: start an app headless, print the wall-clock time of its first paint, exit.

`python -m bench.first_paint textual` runs a minimal Textual app; `... ssm-tui ENDPOINT` runs
ssm-tui's real app against ENDPOINT (its connection and inventory start in the background right
after the first frame). Both are measured the same way: a callback scheduled from `on_mount`
with `call_after_refresh`, i.e. once the first frame has been rendered.
"""

from __future__ import annotations

import os
import sys
import time


def _report_first_paint() -> None:
    print(f"FIRST_PAINT {time.time():.6f}", flush=True)
    os._exit(0)  # do not wait for background threads (inventory, emulator connections)


def _minimal_textual_app():
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, Static

    class Minimal(App):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(_report_first_paint)

    return Minimal()


def _ssm_tui_app(endpoint_url: str):
    from ssm_tui.config import AppConfig
    from ssm_tui.ui.app import make_app

    return make_app(AppConfig(endpoint_url=endpoint_url, region="us-east-1"), on_first_paint=_report_first_paint)


def main() -> None:
    which = sys.argv[1]
    app = _minimal_textual_app() if which == "textual" else _ssm_tui_app(sys.argv[2])
    app.run(headless=True, size=(120, 40))


if __name__ == "__main__":
    main()
