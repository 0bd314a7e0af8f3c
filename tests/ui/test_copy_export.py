"""Copy (`c`) and export (`e`): what lands on the clipboard or on disk, and what the user is told."""

from __future__ import annotations

import json

import pyperclip
import pytest
from textual.widgets import Input

from ssm_tui.ui.screens.export_modal import ExportModal

from .fixed_data import fixed_app, populate
from .helpers import tabs_mounted


def _toasts(app) -> str:
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def test_copy_falls_back_to_osc52_when_pyperclip_has_no_clipboard(monkeypatch):
    def no_clipboard(text: str) -> None:
        raise pyperclip.PyperclipException("could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", no_clipboard)
    app = fixed_app()
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        await pilot.press("3", "c")
        await pilot.pause()
        assert json.loads(app.clipboard)["Version"] == "2012-10-17"  # what OSC 52 sent
        assert app.clipboard == app.policy_view.preview.text
        assert "OSC 52" in _toasts(app)


async def test_copy_uses_the_system_clipboard_when_there_is_one(monkeypatch):
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = fixed_app()
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        await pilot.press("c")  # works from any tab
        await pilot.pause()
        assert copied == [app.policy_view.preview.text], [n.message for n in app._notifications]
        assert app.clipboard == ""  # no OSC 52 needed
        assert "system clipboard" in _toasts(app)


async def test_copy_refuses_a_stale_policy(monkeypatch):
    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    app = fixed_app()
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        await pilot.press("3")
        await pilot.click("#s3-enabled")  # S3 on without a bucket: an error
        app.policy_view.focus()
        await pilot.press("c")
        await pilot.pause()
        assert copied == [] and app.clipboard == ""
        assert "Nothing copied" in _toasts(app)


@pytest.mark.parametrize("fmt, name, check", [
    ("json", "policy.json", lambda text: json.loads(text)["Version"] == "2012-10-17"),
    ("terraform", "main.tf", lambda text: "aws_iam_instance_profile" in text),
])
async def test_export_writes_the_file_the_user_names(tmp_path, fmt, name, check):
    app = fixed_app()
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        app.screen.query_one("#export-format").value = fmt
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = str(tmp_path / name)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportModal)
        assert check((tmp_path / name).read_text())
        assert f"Wrote {tmp_path / name}" in _toasts(app)


async def test_export_to_a_missing_folder_says_so_and_writes_nothing(tmp_path):
    app = fixed_app()
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        await pilot.press("e")
        await pilot.pause()
        target = tmp_path / "no-such-folder" / "policy.json"
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.click("#export-write")
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)  # still open, so the user can fix the path
        assert "does not exist" in str(app.screen.query_one("#export-problem").render())
        assert not target.parent.exists()
        assert list(tmp_path.iterdir()) == []
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportModal)


async def test_palette_runs_export(tmp_path):
    app = fixed_app()
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        populate(app)
        await tabs_mounted(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"export policy")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ExportModal)
