"""One modal for every failure a worker reports: readable, copyable, dismissable."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, TextArea


class ErrorModal(ModalScreen[None]):
    """Shows `title` and `detail`; the detail is a read-only TextArea so it can be selected and copied."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="error.close"),
        Binding("c", "copy", "Copy error", id="error.copy"),
    ]

    def __init__(self, title: str, detail: str) -> None:
        super().__init__()
        self._title = title
        self._detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog", classes="dialog"):
            yield Label(self._title, id="error-title", classes="dialog-title", markup=False)
            yield TextArea(self._detail, read_only=True, id="error-detail", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Copy", id="error-copy")
                yield Button("Close", variant="primary", id="error-close")

    @on(Button.Pressed, "#error-copy")
    def action_copy(self) -> None:
        self.app.copy_to_clipboard(f"{self._title}\n{self._detail}")
        self.notify("Error copied (OSC 52 clipboard)")

    @on(Button.Pressed, "#error-close")
    def _close(self) -> None:
        self.dismiss(None)
