"""P5: process start to first paint of ssm-tui vs a minimal Textual app, measured the same way."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.emulator import BENCH_ENV
from bench.stats import median


def _time_to_first_paint(args: list[str]) -> float:
    started = time.time()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.first_paint", *args],
        capture_output=True, text=True, timeout=120, check=False, env={**os.environ, **BENCH_ENV},
    )
    for line in proc.stdout.splitlines():
        if line.startswith("FIRST_PAINT "):
            return (float(line.split()[1]) - started) * 1000
    raise RuntimeError(f"no first paint from {args}: {proc.stderr[-2000:]}")


def run(endpoint_url: str, *, repeats: int) -> dict[str, float]:
    textual_ms: list[float] = []
    app_ms: list[float] = []
    for _ in range(repeats):  # interleaved, so both see the same machine load
        textual_ms.append(_time_to_first_paint(["textual"]))
        app_ms.append(_time_to_first_paint(["ssm-tui", endpoint_url]))
    return {
        "p5_textual_first_paint_ms": round(median(textual_ms), 1),
        "p5_app_first_paint_ms": round(median(app_ms), 1),
        "p5_vs_textual": round(median(app_ms) / median(textual_ms), 3),
    }
