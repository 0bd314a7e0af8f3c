"""Syntax-highlighted JSON that blends into the widget it is shown in, in dark and light themes."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.widget import Widget


def json_syntax(text: str, host: Widget, *, word_wrap: bool = False) -> Syntax:
    """A `Syntax` whose background is `host`'s own (pygments themes otherwise paint their own)."""
    dark = host.app.current_theme.dark if host.app.current_theme else True
    background = host.background_colors[1]
    return Syntax(text, "json", theme="monokai" if dark else "default",
                  background_color=background.hex if background.a else "default", word_wrap=word_wrap)
