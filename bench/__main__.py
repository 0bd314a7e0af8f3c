"""`python -m bench [--quick]`: run P1–P5 side by side, print a table, write bench/results.json.

Every figure is a median over repeated runs taken in this one process run; ratios compare
samples taken interleaved, because these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

RESULTS_PATH = Path(__file__).with_name("results.json")

# key -> (target description, predicate on the value)
TARGETS = {
    "p1_app_vs_floor": ("≤ 1.1× floor", lambda v: v <= 1.1),
    "p1_app_vs_cli": ("< 1.0× CLI", lambda v: v < 1.0),
    "p2_p95_ms": ("≤ 16 ms", lambda v: v <= 16),
    "p3_first_paint_ms": ("≤ 100 ms", lambda v: v <= 100),
    "p3_filter_p95_ms": ("≤ 50 ms", lambda v: v <= 50),
    "p3_peak_rss_mb": ("≤ 250 MB", lambda v: v <= 250),
    "p4_fraction_of_limit": ("≥ 0.90", lambda v: v >= 0.90),
    "p4_failures": ("= 0", lambda v: v == 0),
    "p5_vs_textual": ("≤ 1.3×", lambda v: v <= 1.3),
}


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats: everything in ~3 minutes")
    parser.add_argument("--only", nargs="*", choices=["p1", "p2", "p3", "p4", "p5"], help="run a subset")
    parser.add_argument("--instances", type=int, default=1000, help="P1/P4 fleet size (default 1000)")
    return parser.parse_args(argv)


def _print_table(results: dict[str, object]) -> None:
    print(f"\n{'figure':<28} {'value':>12}  {'target':<14} met")
    print("-" * 62)
    for key, value in results.items():
        if key.startswith("_"):
            continue
        target, check = TARGETS.get(key, ("", None))
        met = "" if check is None or not isinstance(value, (int, float)) else ("yes" if check(value) else "NO")
        print(f"{key:<28} {value!s:>12}  {target:<14} {met}")


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    chosen = set(args.only or ["p1", "p2", "p3", "p4", "p5"])
    repeats = 3 if args.quick else 7
    results: dict[str, object] = {}
    started = time.perf_counter()

    from bench.emulator import seeded_emulator

    if chosen & {"p1", "p5"}:
        with seeded_emulator(args.instances) as endpoint_url:
            if "p1" in chosen:
                from bench import p1_list_to_screen

                print("P1 list-to-screen …", file=sys.stderr)
                results.update(p1_list_to_screen.run(endpoint_url, repeats=repeats))
            if "p5" in chosen:
                from bench import p5_cold_start

                print("P5 cold start …", file=sys.stderr)
                results.update(p5_cold_start.run(endpoint_url, repeats=repeats + 2))
    if "p2" in chosen:
        from bench import p2_preview_latency

        print("P2 preview latency …", file=sys.stderr)
        results.update(p2_preview_latency.run(events=200))
    if "p3" in chosen:
        from bench import p3_big_fleet

        print("P3 big fleet …", file=sys.stderr)
        results.update(p3_big_fleet.run(rows=10_000, repeats=repeats))
    if "p4" in chosen:
        from bench import p4_bulk_attach

        print("P4 bulk attach …", file=sys.stderr)
        results.update(p4_bulk_attach.run(instance_count=args.instances, quick=args.quick))

    results["_meta"] = {
        "quick": args.quick,
        "repeats": repeats,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seconds": round(time.perf_counter() - started, 1),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    previous = json.loads(RESULTS_PATH.read_text()) if RESULTS_PATH.exists() and args.only else {}
    RESULTS_PATH.write_text(json.dumps({**previous, **results}, indent=2) + "\n")
    _print_table(results)
    print(f"\nwrote {RESULTS_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
