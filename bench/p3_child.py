"""Child process for P3, so its peak RSS is the app's alone: 10,000 rows fed from dataclasses.

Prints one JSON line: first paint (show_instances → table refreshed), filter keystroke
latencies measured inside the app, and this process's peak RSS.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

FILTER_TEXT = "web-0001"  # typed one key at a time, then erased: 16 keystrokes per round


async def _measure(rows: int, rounds: int) -> dict[str, object]:
    from bench.fleet import make_instances
    from ssm_tui.config import AppConfig
    from ssm_tui.ui.app import make_app

    instances = make_instances(rows)
    app = make_app(AppConfig(region="us-east-1"), connect=False, cursor_blink=False)
    first_paint_ms: list[float] = []
    async with app.run_test(headless=True, size=(160, 50)) as pilot:
        view = app.instances_view
        for _ in range(rounds):
            app.metrics.instances_populated_at = None
            started = time.perf_counter()
            view.show_instances(instances)
            while app.metrics.instances_populated_at is None:
                await pilot.pause(0.001)
            first_paint_ms.append((app.metrics.instances_populated_at - started) * 1000)
        await pilot.press("slash")
        for _ in range(rounds):
            view.show_instances(instances)  # a fresh listing: no filter results cached from the last round
            await pilot.pause()
            for char in FILTER_TEXT:
                await pilot.press(char)
            for _ in FILTER_TEXT:
                await pilot.press("backspace")
        await pilot.pause()
        filter_ms = list(app.metrics.filter_latencies_ms)
    return {"first_paint_ms": first_paint_ms, "filter_ms": filter_ms, "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This program's peak RSS. VmHWM belongs to the address space, which exec replaces; ru_maxrss
    would also count the parent's pages copied at fork (the benchmark's parent holds an emulator)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_measure(int(sys.argv[1]), int(sys.argv[2])))))
