"""Export the policy (JSON / Terraform / CloudFormation / CLI script) to a file the user names.

A bad path (missing folder, a directory, no permission) is reported in the dialog and nothing
is written: the file is written to a temporary name first and renamed into place.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ssm_tui.policy.exports import EXPORT_FILE_NAMES, ExportFormat, render_export
from ssm_tui.policy.options import ResourceNames, SessionManagerOptions
from ssm_tui.policy.validation import InvalidOptionsError

FORMAT_LABELS = {
    ExportFormat.JSON: "Policy JSON",
    ExportFormat.TERRAFORM: "Terraform (policy, role, instance profile)",
    ExportFormat.CLOUDFORMATION: "CloudFormation template",
    ExportFormat.CLI: "AWS CLI script",
}


class ExportError(Exception):
    """Why an export could not be written; the message is shown as is."""


def write_export(fmt: ExportFormat, options: SessionManagerOptions, names: ResourceNames, path_text: str,
                 *, cwd: Path | None = None) -> Path:
    """Render and write atomically; ExportError (nothing written) on any problem."""
    if not path_text.strip():
        raise ExportError("give a file name")
    path = Path(path_text.strip()).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    if path.is_dir():
        raise ExportError(f"{path} is a folder: add a file name, e.g. {path / EXPORT_FILE_NAMES[fmt]}")
    if not path.parent.is_dir():
        raise ExportError(f"the folder {path.parent} does not exist")
    try:
        text = render_export(fmt, options, names)
    except InvalidOptionsError as error:
        raise ExportError(f"the options have errors: {error}") from None
    try:
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise ExportError(f"cannot write in {path.parent}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        if fmt is ExportFormat.CLI:
            os.chmod(temp_name, 0o755)
        else:
            os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    return path


class ExportModal(ModalScreen[Path | None]):
    """Asks for the format and the file; dismisses with the written path (None: cancelled)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, options: SessionManagerOptions, names: ResourceNames) -> None:
        super().__init__()
        self._options = options
        self._names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label("Export the policy", classes="dialog-title")
            yield Label("Format", classes="field-label")
            yield Select([(label, fmt.value) for fmt, label in FORMAT_LABELS.items()],
                         value=ExportFormat.JSON.value, allow_blank=False, id="export-format")
            yield Label("File", classes="field-label")
            yield Input(value=EXPORT_FILE_NAMES[ExportFormat.JSON], id="export-path")
            yield Static("", id="export-problem", classes="field-problem -error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="export-cancel")
                yield Button("Export", variant="primary", id="export-write")

    def on_mount(self) -> None:
        self.query_one("#export-problem").display = False
        self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        path_input = self.query_one("#export-path", Input)
        if path_input.value in EXPORT_FILE_NAMES.values():  # only replace a name we suggested
            path_input.value = EXPORT_FILE_NAMES[ExportFormat(str(event.value))]

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-write")
    def _write(self) -> None:
        fmt = ExportFormat(str(self.query_one("#export-format", Select).value))
        problem = self.query_one("#export-problem", Static)
        try:
            path = write_export(fmt, self._options, self._names, self.query_one("#export-path", Input).value)
        except ExportError as error:
            problem.update(f"✗ {escape(str(error))}")
            problem.display = True
            return
        self.dismiss(path)

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
