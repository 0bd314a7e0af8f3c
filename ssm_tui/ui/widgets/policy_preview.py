"""The live JSON preview: highlighted JSON `Content` (see json_syntax.py) in a `Static`.

Not a TextArea: tree-sitter 0.26.1 segfaults building a JSON TextArea (FACTS.md); and not
`rich.syntax.Syntax` either: pygments costs ~5 ms per render pass, our regex well under 1 ms. When the options are invalid the last valid document stays
on screen, marked stale, so the user never sees a policy that does not match a valid state.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from ssm_tui.policy.validation import MAX_MANAGED_POLICY_SIZE
from ssm_tui.ui.widgets.json_syntax import json_content

HEIGHT_STEP = 24  # lines reserved at a time for the document
WIDTH_STEP = 32  # columns, only when the document is wider than the pane


class PolicyPreview(Vertical):
    """Size line, stale marker and the highlighted document."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text: str | None = None
        self.size_chars = 0
        self.stale = False
        self._shape: tuple[int, int | None] | None = None
        self._status = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="policy-preview-status")
        with VerticalScroll(id="policy-preview-scroll"):
            yield Static("", id="policy-preview")

    def show(self, text: str, size: int) -> None:
        """Render a freshly built document (`size`: IAM's non-whitespace character count)."""
        if text == self.text and not self.stale:
            return  # e.g. a name changed: same document, nothing to repaint
        self.text = text
        self.size_chars = size
        if self.stale:
            self.stale = False
            self.remove_class("-stale")
        target = self.query_one("#policy-preview", Static)
        self._reserve_space(target, text)
        target.update(json_content(text), layout=False)
        self._show_status(size)

    def _reserve_space(self, target: Static, text: str) -> None:
        """Size the preview in steps, so most keystrokes repaint it without a layout pass.

        Any change of a widget's size reflows the whole screen (~40 ms with the form's hundred
        widgets); a policy grows or shrinks by a statement or a few characters at a time.
        """
        lines = text.count("\n") + 1
        widest = max(map(len, text.splitlines()), default=0)
        height = -(-lines // HEIGHT_STEP) * HEIGHT_STEP
        available = self.query_one("#policy-preview-scroll").scrollable_content_region.width
        width = None if widest <= available else -(-widest // WIDTH_STEP) * WIDTH_STEP
        if (height, width) != self._shape:
            self._shape = (height, width)
            target.styles.height = height
            target.styles.width = width if width is not None else "1fr"

    def _set_status(self, markup: str) -> None:
        if markup != self._status:
            self._status = markup
            self.query_one("#policy-preview-status", Static).update(markup, layout=False)

    def _show_status(self, size: int) -> None:
        over = size > MAX_MANAGED_POLICY_SIZE
        size_text = f"{size:,} / {MAX_MANAGED_POLICY_SIZE:,} characters"
        size_markup = f"[$error]{size_text} — over IAM's limit[/]" if over else f"[$success]{size_text}[/]"
        self._size_markup = size_markup
        self._set_status(f"[b]Policy[/b] · {size_markup}")

    def mark_stale(self, reason: str) -> None:
        """Keep the last valid document but say plainly that it no longer matches the form."""
        if not self.stale:
            self.stale = True
            self.add_class("-stale")
        size_markup = getattr(self, "_size_markup", "")
        self._set_status(f"[b]Policy[/b] · {size_markup} · [reverse $warning] STALE [/] last valid policy — {reason}")
