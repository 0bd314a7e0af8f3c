"""P2: Policy tab, 200 toggles and keystrokes; key event → preview showing the new document.

Latency is recorded inside the app (event timestamp → after the preview's refresh), because a
pilot round trip adds hundreds of milliseconds of harness waiting (FACTS.md).
"""

from __future__ import annotations

import asyncio

from bench.stats import median, percentile

BUCKET = "session-logs-bench"


async def _measure(events: int) -> list[float]:
    from textual.widgets import Input, Switch

    from ssm_tui.config import AppConfig
    from ssm_tui.ui.app import make_app

    app = make_app(AppConfig(region="us-east-1"), connect=False, cursor_blink=False)
    async with app.run_test(headless=True, size=(160, 50)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        switches = [s for s in app.policy_view.query(Switch) if s.id]
        bucket_input = app.policy_view.query_one("#s3_bucket", Input)
        sent = 0
        while sent < events:
            # a toggle, then a word typed and erased in the bucket field
            switch = switches[sent % len(switches)]
            await pilot.click(switch)  # a mouse toggle goes through the same input timestamp
            sent += 1
            bucket_input.focus()
            for char in BUCKET[: min(len(BUCKET), events - sent)]:
                await pilot.press(char)
                sent += 1
            for _ in range(len(bucket_input.value)):
                if sent >= events:
                    break
                await pilot.press("backspace")
                sent += 1
        await pilot.pause()
        return list(app.metrics.preview_latencies_ms)


def run(*, events: int) -> dict[str, float]:
    latencies = asyncio.run(_measure(events))
    if not latencies:
        raise RuntimeError("the app recorded no preview latencies")
    return {
        "p2_events": len(latencies),
        "p2_median_ms": round(median(latencies), 2),
        "p2_p95_ms": round(percentile(latencies, 95), 2),
    }
