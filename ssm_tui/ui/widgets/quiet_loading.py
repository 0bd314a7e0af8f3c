"""A loading indicator that does not animate.

Textual's `LoadingIndicator` repaints 16 times a second. While a listing thread parses thousands
of instances, every repaint takes the GIL from it (and from the in-process demo emulator): the
1,000-instance listing took 25–35 % longer behind the animation (`python -m bench --only p1`).
A still "loading…" overlay tells the user the same thing for free.
"""

from __future__ import annotations

from textual.widgets import Static


class QuietLoadingIndicator(Static):
    DEFAULT_CSS = """
    QuietLoadingIndicator {
        width: 100%;
        height: 100%;
        content-align: center middle;
        color: $text-muted;
        background: $background 60%;
    }
    """

    def __init__(self, what: str) -> None:
        super().__init__(f"⟳ loading {what}…")


class QuietLoadingMixin:
    """Give a container a non-animated `loading` overlay (`self.loading = True`)."""

    LOADING_WHAT = "data"

    def get_loading_widget(self) -> QuietLoadingIndicator:
        return QuietLoadingIndicator(self.LOADING_WHAT)
