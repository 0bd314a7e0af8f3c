"""The Instances tab: filter box, status line, virtualised table and a detail pane.

Filtering happens on the dataclasses in Python (a substring test against a key computed once
per listing), then the table is handed the narrowed list: no widget is rebuilt per keystroke.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from ssm_tui.aws.models import Instance, Listing, Role
from ssm_tui.ui.widgets.instance_detail import InstanceDetail, roles_by_profile_name
from ssm_tui.ui.widgets.instance_table import InstanceTable, search_key
from ssm_tui.ui.widgets.quiet_loading import QuietLoadingMixin


class InstancesView(QuietLoadingMixin, Vertical):
    """Everything on the Instances tab. `show_instances()` is public for the benchmark."""

    LOADING_WHAT = "instances"

    HELP_GROUP = "Instances"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter", id="instances.filter"),
        Binding("escape", "back", "Back", show=False, id="instances.back"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._instances: Sequence[Instance] = ()
        self._keys: list[str] = []
        # filter text -> matching (instance, key) pairs, for the current listing only
        self._matches: dict[str, list[tuple[Instance, str]]] = {}
        self._roles: tuple[Role, ...] | None = None
        self._error: str | None = None
        self._loaded_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ filter on any column (id, name, state, type, profile, SSM)", id="instances-filter")
        yield Static("loading instances…", id="instances-status")
        with Horizontal(id="instances-body"):
            yield InstanceTable(id="instances-table")
            yield InstanceDetail(id="instance-detail", classes="hidden")

    @property
    def table(self) -> InstanceTable:
        return self.query_one(InstanceTable)

    @property
    def filter_text(self) -> str:
        return self.query_one("#instances-filter", Input).value

    # ----- data in ----------------------------------------------------------------------------
    def show_listing(self, listing: Listing[Instance], loaded_at: datetime | None = None) -> None:
        """A fresh listing from the inventory (or its error: shown here, other tabs unaffected)."""
        self._error = listing.error
        self._loaded_at = loaded_at
        self.show_instances(listing.items)

    def show_instances(self, instances: Sequence[Instance]) -> None:
        """Replace every row. Column widths are sized once here, never per keystroke."""
        self.loading = False
        self._instances = instances
        self._keys = [search_key(i) for i in instances]
        self._matches = {"": list(zip(instances, self._keys))}
        ids = {i.instance_id for i in instances}
        self.table.marked &= ids
        self.table.size_columns(instances)
        self._apply_filter(self.filter_text)
        metrics = getattr(self.app, "metrics", None)
        if metrics is not None:
            self.call_after_refresh(self._record_populated, metrics)

    @staticmethod
    def _record_populated(metrics) -> None:
        metrics.instances_populated_at = time.perf_counter()

    def show_error(self, text: str) -> None:
        """Say why there are no (fresh) rows; rows already shown stay."""
        self._error = text
        self._update_status()

    def set_roles(self, roles: tuple[Role, ...] | None) -> None:
        """Roles let the detail pane say whether an attached profile's role is sufficient."""
        self._roles = roles

    def marked_instances(self) -> list[Instance]:
        """The instances marked with `space`, in listing order (for bulk actions)."""
        marked = self.table.marked
        return [i for i in self._instances if i.instance_id in marked]

    # ----- filtering --------------------------------------------------------------------------
    def _apply_filter(self, text: str) -> None:
        needle = text.lower()
        self.table.set_rows([instance for instance, _ in self._matching(needle)])
        self._update_status()

    def _matching(self, needle: str) -> list[tuple[Instance, str]]:
        """Rows whose key holds every term. Typing narrows from the longest cached prefix (its
        matches are a superset); backspace is a cache hit. Keeps keystrokes cheap at 10,000 rows."""
        if (cached := self._matches.get(needle)) is not None:
            return cached
        base = max((k for k in self._matches if needle.startswith(k)), key=len, default="")
        terms = needle.split()
        matches = [(i, key) for i, key in self._matches[base] if all(t in key for t in terms)]
        if len(self._matches) > 256:  # a long session of typing: start over from the full listing
            self._matches = {"": self._matches[""]}
        self._matches[needle] = matches
        return matches

    @on(Input.Changed, "#instances-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._apply_filter(event.value)
        metrics = getattr(self.app, "metrics", None)
        if metrics is not None and metrics.last_input_at is not None:
            started = metrics.last_input_at
            self.call_after_refresh(
                lambda: metrics.filter_latencies_ms.append((time.perf_counter() - started) * 1000.0)
            )

    @on(Input.Submitted, "#instances-filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    @on(InstanceTable.MarksChanged)
    def _marks_changed(self) -> None:
        self._update_status()

    def _update_status(self) -> None:
        shown, total = len(self.table.rows), len(self._instances)
        parts = [f"{shown:,} of {total:,} instances" if shown != total else f"{total:,} instances"]
        if marked := len(self.table.marked):
            parts.append(f"[b]{marked:,} marked[/b]")
        if self._loaded_at is not None:
            parts.append(f"loaded {self._loaded_at:%H:%M:%S}")
        text = " · ".join(parts)
        if self._error:
            text = f"[$error]{self._error}[/] · " + text
        # The status line is one row high (instances.tcss): repaint it, skip a whole-screen layout.
        self.query_one("#instances-status", Static).update(text, layout=False)

    # ----- detail pane ------------------------------------------------------------------------
    @on(InstanceTable.Selected)
    def _open_detail(self, event: InstanceTable.Selected) -> None:
        detail = self.query_one(InstanceDetail)
        roles = roles_by_profile_name(self._roles) if self._roles is not None else None
        detail.show(event.instance, roles)
        detail.remove_class("hidden")

    def action_focus_filter(self) -> None:
        self.query_one("#instances-filter", Input).focus()

    def action_back(self) -> None:
        filter_input = self.query_one("#instances-filter", Input)
        detail = self.query_one(InstanceDetail)
        if filter_input.has_focus:
            self.table.focus()
        elif not detail.has_class("hidden"):
            detail.add_class("hidden")
            self.table.focus()
