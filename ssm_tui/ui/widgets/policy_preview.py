"""The live JSON preview: syntax-highlighted with `rich.syntax.Syntax` in a `Static`.

Not a TextArea: tree-sitter 0.26.1 segfaults building a JSON TextArea (FACTS.md), and a Static
re-renders in about a millisecond. When the options are invalid the last valid document stays
on screen, marked stale, so the user never sees a policy that does not match a valid state.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ssm_tui.policy.validation import MAX_MANAGED_POLICY_SIZE
from ssm_tui.ui.widgets.json_syntax import json_syntax


class PolicyPreview(Vertical):
    """Size line, stale marker and the highlighted document."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text: str | None = None
        self.size_chars = 0
        self.stale = False

    def compose(self) -> ComposeResult:
        yield Static("", id="policy-preview-status")
        with VerticalScroll(id="policy-preview-scroll"):
            yield Static("", id="policy-preview")

    def show(self, text: str, size: int) -> None:
        """Render a freshly built document (`size`: IAM's non-whitespace character count)."""
        self.text = text
        self.size_chars = size
        self.stale = False
        self.remove_class("-stale")
        target = self.query_one("#policy-preview", Static)
        target.update(json_syntax(text, target))
        self._show_status(size)

    def _show_status(self, size: int) -> None:
        over = size > MAX_MANAGED_POLICY_SIZE
        size_text = f"{size:,} / {MAX_MANAGED_POLICY_SIZE:,} characters"
        size_markup = f"[$error]{size_text} — over IAM's limit[/]" if over else f"[$success]{size_text}[/]"
        self._size_markup = size_markup
        self.query_one("#policy-preview-status", Static).update(f"[b]Policy[/b] · {size_markup}")

    def mark_stale(self, reason: str) -> None:
        """Keep the last valid document but say plainly that it no longer matches the form."""
        self.stale = True
        self.add_class("-stale")
        size_markup = getattr(self, "_size_markup", "")
        self.query_one("#policy-preview-status", Static).update(
            f"[b]Policy[/b] · [reverse $warning] STALE [/] last valid policy — {reason} · {size_markup}"
        )
