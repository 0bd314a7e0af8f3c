"""A virtualised instances table: renders only the rows on screen (Textual's Line API).

Why not `DataTable`: clearing and re-adding 10,000 rows on each filter keystroke costs 2.3–2.6 s
(FACTS.md). Here a filter just hands over a new list of `Instance` objects; painting costs the
same ~40 visible lines whatever the fleet size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ssm_tui.aws.models import UNKNOWN, Instance

MARK = "●"


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Instance], str]
    max_width: int


COLUMNS: tuple[Column, ...] = (
    Column("ID", lambda i: i.instance_id, 21),
    Column("Name", lambda i: i.name or "—", 28),
    Column("State", lambda i: i.state, 13),
    Column("Type", lambda i: i.instance_type, 12),
    Column("Instance profile", lambda i: i.profile_name or "—", 32),
    Column("SSM", lambda i: i.ssm.ping_status, 14),
)
STATE_COLUMN, SSM_COLUMN = 2, 5


def search_key(instance: Instance) -> str:
    """What `/` matches against: every column, lower-cased, computed once per listing."""
    return " ".join(column.value(instance) for column in COLUMNS).lower()


class InstanceTable(ScrollView, can_focus=True):
    """Instances, one per line, with a cursor and marks for bulk actions."""

    HELP_GROUP = "Instances table"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "instance-table--header",
        "instance-table--cursor",
        "instance-table--marked",
        "instance-table--good",
        "instance-table--warn",
        "instance-table--muted",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="instances.cursor_up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="instances.cursor_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="instances.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="instances.page_down"),
        Binding("home", "first", "First row", show=False, id="instances.first"),
        Binding("end", "last", "Last row", show=False, id="instances.last"),
        Binding("space", "toggle_mark", "Mark", id="instances.mark"),
        Binding("enter", "open", "Details", id="instances.details"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row in the currently shown (filtered) rows."""

    class Selected(Message):
        """Enter or a click on the highlighted row: show this instance's details."""

        def __init__(self, table: InstanceTable, instance: Instance) -> None:
            super().__init__()
            self.table = table
            self.instance = instance

        @property
        def control(self) -> InstanceTable:
            return self.table

    class MarksChanged(Message):
        """The set of marked instances changed; `count` is how many are marked."""

        def __init__(self, table: InstanceTable, count: int) -> None:
            super().__init__()
            self.table = table
            self.count = count

        @property
        def control(self) -> InstanceTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: Sequence[Instance] = ()
        self._widths: list[int] = [len(c.title) for c in COLUMNS]
        self.marked: set[str] = set()

    # ----- data -------------------------------------------------------------------------------
    @property
    def rows(self) -> Sequence[Instance]:
        return self._rows

    @property
    def current(self) -> Instance | None:
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row]
        return None

    def size_columns(self, instances: Sequence[Instance]) -> None:
        """Fit column widths to the whole listing once, so they do not jump while filtering."""
        widths = [len(c.title) for c in COLUMNS]
        for index, column in enumerate(COLUMNS):
            longest = max((len(column.value(i)) for i in instances), default=0)
            widths[index] = min(column.max_width, max(widths[index], longest))
        self._widths = widths

    def set_rows(self, rows: Sequence[Instance]) -> None:
        """Show `rows` (already filtered). Keeps the cursor on the same instance when possible."""
        current = self.current
        self._rows = rows
        total_width = 2 + sum(w + 2 for w in self._widths)
        self.virtual_size = Size(total_width, len(rows) + 1)
        index = 0
        if current is not None and rows:
            # Cheap in the common cases: same position, or the list was narrowed around it.
            if self.cursor_row < len(rows) and rows[self.cursor_row] is current:
                index = self.cursor_row
            else:
                index = next((n for n, r in enumerate(rows) if r is current), 0)
        self.cursor_row = min(index, max(len(rows) - 1, 0))
        self.refresh()

    def toggle_mark(self, instance: Instance) -> None:
        self.marked.symmetric_difference_update({instance.instance_id})
        self.post_message(self.MarksChanged(self, len(self.marked)))
        self.refresh()

    # ----- actions ----------------------------------------------------------------------------
    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor(self, delta: int) -> None:
        if self._rows:
            self.cursor_row = max(0, min(len(self._rows) - 1, self.cursor_row + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self._visible_rows())

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = max(len(self._rows) - 1, 0)

    def action_toggle_mark(self) -> None:
        if (instance := self.current) is not None:
            self.toggle_mark(instance)
            self.action_cursor(1)

    def action_open(self) -> None:
        if (instance := self.current) is not None:
            self.post_message(self.Selected(self, instance))

    def watch_cursor_row(self, row: int) -> None:
        visible = self._visible_rows()
        top = round(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        row = round(self.scroll_y) + offset.y - 1
        if not 0 <= row < len(self._rows):
            return
        event.stop()
        if offset.x + round(self.scroll_x) < 2:  # the mark column
            self.cursor_row = row
            self.toggle_mark(self._rows[row])
        elif row == self.cursor_row or event.chain >= 2:
            self.cursor_row = row
            self.action_open()
        else:
            self.cursor_row = row

    # ----- rendering --------------------------------------------------------------------------
    def _cells(self, values: Sequence[str]) -> list[str]:
        cells = []
        for value, width in zip(values, self._widths):
            if cell_len(value) > width:
                value = set_cell_size(value, width - 1) + "…"
            cells.append(set_cell_size(value, width))
        return cells

    def _header_strip(self, base: Style) -> Strip:
        style = base + self.get_component_rich_style("instance-table--header")
        segments = [Segment("  ", style)]
        for cell in self._cells([c.title for c in COLUMNS]):
            segments += [Segment(cell, style), Segment("  ", style)]
        return Strip(segments)

    def _value_style(self, column: int, value: str) -> str | None:
        if column == STATE_COLUMN:
            return "instance-table--good" if value == "running" else "instance-table--warn"
        if column == SSM_COLUMN:
            if value == "Online":
                return "instance-table--good"
            return "instance-table--muted" if value == UNKNOWN else "instance-table--warn"
        if value == "—":
            return "instance-table--muted"
        return None

    def _row_strip(self, index: int, base: Style) -> Strip:
        instance = self._rows[index]
        is_marked = instance.instance_id in self.marked
        row_style = base
        if is_marked:
            row_style += self.get_component_rich_style("instance-table--marked")
        if index == self.cursor_row and self.has_focus:
            row_style += self.get_component_rich_style("instance-table--cursor")
        elif index == self.cursor_row:
            row_style += self.get_component_rich_style("instance-table--cursor", partial=True) + Style(dim=False)
        values = [c.value(instance) for c in COLUMNS]
        segments = [Segment(f"{MARK} " if is_marked else "  ", row_style)]
        for column, (value, cell) in enumerate(zip(values, self._cells(values))):
            component = self._value_style(column, value)
            style = row_style
            if component and index != self.cursor_row:
                style = row_style + self.get_component_rich_style(component, partial=True)
            segments.append(Segment(cell, style))
            segments.append(Segment("  ", row_style))
        return Strip(segments)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            header_style = base + self.get_component_rich_style("instance-table--header")
            return self._header_strip(base).crop_extend(scroll_x, scroll_x + width, header_style)
        else:
            index = scroll_y + y - 1
            if index >= len(self._rows):
                return Strip.blank(width, base)
            strip = self._row_strip(index, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)
