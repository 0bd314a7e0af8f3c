"""`ssm-tui` with no subcommand: run the app in the terminal and return its exit code."""

from __future__ import annotations

from ssm_tui.config import AppConfig


def run_tui(config: AppConfig) -> int:
    from ssm_tui.ui.app import make_app

    app = make_app(config)
    try:
        result = app.run()
    finally:
        app._stop_demo()  # also stopped on unmount; this covers a crash before mount
    return result if isinstance(result, int) else (app.return_code or 0)
