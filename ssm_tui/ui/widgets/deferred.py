"""Mount a pane after the first frame, importing its module only then.

The Roles, Policy and Activity tabs start hidden; building them (and importing pygments, the
policy exports, the provisioning widgets) before the first paint would only delay the Instances
tab the user is looking at. Unlike `textual.lazy.Lazy`, the factory defers the *import* too.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message import Message
from textual.widget import Widget


class ViewReady(Message):
    """A deferred view is mounted: the app hands it the state it missed (listings, account)."""

    def __init__(self, view: Widget) -> None:
        super().__init__()
        self.view = view


class Deferred(Widget):
    """Placeholder replaced by `factory()` when the app calls `replace()` (after its first frame)."""

    DEFAULT_CSS = """
    Deferred {
        display: none;
    }
    """

    def __init__(self, factory: Callable[[], Widget]) -> None:
        super().__init__()
        self._factory = factory

    async def replace(self) -> None:
        parent = self.parent
        if parent is None:
            return
        widget = self._factory()
        await parent.mount(widget, after=self)
        await self.remove()
        widget.post_message(ViewReady(widget))  # bubbles up to the app
