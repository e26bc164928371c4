"""Benchmark: ``python -m trialsim.bench`` (``./course bench``).

Prints JSON ``{"explorers": [{"name", "states", "p50_ms", "p95_ms",
"mc_halfwidth"}], "pages": [{"page", "explorer_bytes"}], "budget_ms"}``: the
live recompute time per control change (simulate, format the readouts, fill
the figure slots, derive the conclusion) over every state of every explorer,
the worst 95 % Monte Carlo half-width of any simulated rate it shows
(``null`` for an explorer computed exactly), and the bytes of precomputed
state data each page embeds.

It exits 1, naming the explorer, when any explorer's p95 is over the 50 ms
budget of a control change.

``--suite`` also runs the README's test command and the quick lane
(``./course test`` and ``./course test --quick``) and adds their wall-clock
seconds as ``"suite": {"full_s", "quick_s"}``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from .explorers import all_explorers
from .frontends.explorer import Explorer

BUDGET_MS = 50.0
ROOT = Path(__file__).resolve().parents[2]


def time_explorer(explorer: Explorer) -> dict:
    """Time every state of ``explorer`` once (the outcomes are kept for its payload)."""
    explorer._cache.pop("outcomes", None)
    explorer._cache.pop("payload", None)
    seconds: list[float] = []
    outcomes = explorer.all_outcomes(timings=seconds)
    times = np.asarray(seconds) * 1000
    widths = [out.numbers.get("mc_halfwidth", 0.0) for out in outcomes]
    return {
        "name": explorer.name,
        "states": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "mc_halfwidth": round(float(max(widths)), 5) if explorer.monte_carlo else None,
    }


def page_bytes(explorers: list[Explorer]) -> list[dict]:
    """The bytes of state data each chapter page embeds, summed over its explorers."""
    sizes: dict[str, int] = defaultdict(int)
    for explorer in explorers:
        sizes[explorer.page] += len(explorer.payload_json().encode())
    return [{"page": page, "explorer_bytes": size} for page, size in sorted(sizes.items())]


def time_command(args: list[str]) -> float:
    """Wall-clock seconds of a command run in the repository (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 1)


def over_budget(report: dict) -> list[str]:
    """One message for each explorer in ``report`` whose p95 recompute time is over
    the 50 ms budget (an empty list when every explorer is within it)."""
    return [f"{e['name']}: p95 {e['p95_ms']:.1f} ms is over the {BUDGET_MS:g} ms budget"
            for e in report["explorers"] if e["p95_ms"] > BUDGET_MS]


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark report as JSON and return the exit status: 1 when an
    explorer is over budget, else 0."""
    parser = argparse.ArgumentParser(prog="./course bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", action="store_true",
                        help="also time the full test suite and the quick lane (several minutes)")
    args = parser.parse_args(argv)
    explorers = all_explorers()
    report: dict = {"explorers": [time_explorer(e) for e in explorers], "pages": page_bytes(explorers),
                    "budget_ms": BUDGET_MS}
    if args.suite:
        report["suite"] = {"quick_s": time_command([str(ROOT / "course"), "test", "--quick", "-q"]),
                           "full_s": time_command([str(ROOT / "course"), "test", "-q"])}
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    problems = over_budget(report)
    for problem in problems:
        print(f"bench: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
