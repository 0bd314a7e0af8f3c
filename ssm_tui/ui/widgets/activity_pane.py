"""Placeholder for the Activity tab; the provisioning work replaces it with runs and progress."""

from __future__ import annotations

from textual.widgets import Static


class ActivityPane(Static):
    """Past runs and live progress will live here."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("No runs yet.", id=id)
