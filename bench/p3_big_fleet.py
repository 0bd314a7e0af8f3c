"""P3: 10,000 instances in the Instances table: first paint, filter keystroke p95, peak RSS."""

from __future__ import annotations

import json
import subprocess
import sys

from bench.emulator import BENCH_ENV
from bench.stats import median, percentile


def run(*, rows: int, repeats: int) -> dict[str, float]:
    import os

    proc = subprocess.run(
        [sys.executable, "-m", "bench.p3_child", str(rows), str(repeats)],
        capture_output=True, text=True, timeout=600, env={**os.environ, **BENCH_ENV}, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"P3 child failed: {proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "p3_rows": rows,
        "p3_first_paint_ms": round(median(data["first_paint_ms"]), 1),
        "p3_filter_keystrokes": len(data["filter_ms"]),
        "p3_filter_p95_ms": round(percentile(data["filter_ms"], 95), 1),
        "p3_peak_rss_mb": round(data["peak_rss_mb"], 1),
    }
