"""Measure the demo's seeding and listing times: `python -m ssm_tui.aws.demo.measure 250 1000`.

Each run is a fresh process (cold imports, cold emulator), as a user's `ssm-tui --demo` is;
the medians of `--runs` runs are printed. Figures, not assertions: speed targets belong to
the benchmark, not to unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def one_run(size: int) -> dict[str, float]:
    """Start the demo with `size` instances, list twice; return the timings in seconds."""
    from ssm_tui.aws import inventory
    from ssm_tui.aws.demo.backend import DemoBackend
    from ssm_tui.aws.session import AwsContext
    from ssm_tui.config import AppConfig

    started = time.perf_counter()
    with DemoBackend(size) as demo:
        demo_start = time.perf_counter() - started
        ctx = AwsContext.from_config(demo.config_for(AppConfig()))
        timings = {"seed": demo.seed_seconds or 0.0, "demo_start": demo_start}
        for label in ("list_first", "list_again"):
            began = time.perf_counter()
            listing = inventory.list_instances(ctx)
            timings[label] = time.perf_counter() - began
            assert len(listing.items) == size, listing.error
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one_run(args.sizes[0])))
        return 0
    for size in args.sizes:
        runs = []
        for _ in range(args.runs):
            child = [sys.executable, "-m", "ssm_tui.aws.demo.measure", "--one", str(size)]
            out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        print(
            f"{size} instances (median of {args.runs}, load {os.getloadavg()[0]:.1f}): "
            f"seed {medians['seed']:.2f} s, demo start incl. emulator {medians['demo_start']:.2f} s, "
            f"first listing {medians['list_first']:.2f} s, next listing {medians['list_again']:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
