"""`?` / F1: every key binding of the app and of the widgets on screen, grouped by where it works.

Built from the live bindings (not a hand-kept list), so a binding added anywhere in `ssm_tui`
shows up here without anyone remembering to document it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


def _group_of(node: DOMNode) -> str:
    return getattr(node, "HELP_GROUP", None) or type(node).__name__


def own_bindings(node: DOMNode) -> list[Binding]:
    """Bindings declared by ssm_tui classes in the node's MRO (not Textual's scroll keys etc.)."""
    bindings: list[Binding] = []
    for cls in reversed(type(node).__mro__):
        if not cls.__module__.startswith("ssm_tui"):
            continue
        for item in cls.__dict__.get("BINDINGS", []):
            bindings.append(item if isinstance(item, Binding) else Binding(*item))
    return bindings


def collect_bindings(screen: Screen) -> list[tuple[str, list[Binding]]]:
    """(group, bindings) for the app and every ssm_tui widget on `screen`, first seen first."""
    groups: dict[str, list[Binding]] = {}
    seen: set[tuple[str, str]] = set()
    nodes: list[DOMNode] = [screen.app, screen, *screen.walk_children(with_self=False)]
    for node in nodes:
        group = _group_of(node)
        for binding in own_bindings(node):
            if (binding.id or binding.action, group) in seen:
                continue
            seen.add((binding.id or binding.action, group))
            groups.setdefault(group, []).append(binding)
    return list(groups.items())


class HelpScreen(ModalScreen[None]):
    """Lists every binding; `escape`, `?` or `q` closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q,f1", "dismiss", "Close help", id="help.close")]

    def __init__(self, groups: list[tuple[str, list[Binding]]]) -> None:
        super().__init__()
        self._groups = groups

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
        table.add_column("key", no_wrap=True, style="bold", min_width=14)
        table.add_column("action")
        table.add_column("id", style="dim", no_wrap=True)
        for group, bindings in self._groups:
            table.add_row("", "", "")
            table.add_row(f"[b u]{escape(group)}[/]", "", "")
            for binding in bindings:
                keys = ", ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in binding.key.split(","))
                table.add_row(escape(keys), escape(binding.description or binding.action), escape(binding.id or ""))
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys  [dim](esc closes · ctrl+p opens the command palette · every key can be remapped by id)[/]",
                        classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(table, id="help-table")
