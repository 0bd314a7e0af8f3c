"""Timestamps the app records about itself, so the benchmark measures latency *inside* the app.

A pilot's round trip adds hundreds of milliseconds of harness waiting (FACTS.md), so the figures
that matter (key event -> preview on screen, filter keystroke -> table repainted) are taken here,
all with `time.perf_counter()`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class AppMetrics:
    """Filled by the app as it runs; read by `python -m bench` and never by the UI itself."""

    created_at: float = field(default_factory=time.perf_counter)
    first_paint_at: float | None = None
    connected_at: float | None = None
    inventory_load_started_at: float | None = None
    instances_populated_at: float | None = None
    last_input_at: float | None = None  # the latest key press or mouse click
    preview_latencies_ms: list[float] = field(default_factory=list)
    filter_latencies_ms: list[float] = field(default_factory=list)

    @property
    def last_preview_latency_ms(self) -> float | None:
        return self.preview_latencies_ms[-1] if self.preview_latencies_ms else None

    def since_last_input_ms(self) -> float | None:
        """Milliseconds from the latest input event to now, or None when there was none."""
        if self.last_input_at is None:
            return None
        return (time.perf_counter() - self.last_input_at) * 1000.0
