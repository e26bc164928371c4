"""Benchmark: ``python -m trialsim.bench``.

Prints JSON ``{"explorers": [{"name", "states", "p50_ms", "p95_ms",
"mc_halfwidth"}], "pages": [{"page", "explorer_bytes"}]}``: the live
recompute time per control change (simulate, format the readouts, fill the
figure slots, derive the conclusion) over every state of every explorer, the
worst 95 % Monte Carlo half-width of any simulated rate it shows (``null``
for an explorer computed exactly), and the bytes of precomputed state data
each page embeds.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict

import numpy as np

from .explorers import all_explorers


def time_explorer(explorer) -> dict:
    times, widths = [], []
    for params in explorer.states():
        start = time.perf_counter()
        out = explorer.outcome(**params)
        times.append((time.perf_counter() - start) * 1000)
        widths.append(out.numbers.get("mc_halfwidth", 0.0))
    return {
        "name": explorer.name,
        "states": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "mc_halfwidth": round(float(max(widths)), 5) if explorer.monte_carlo else None,
    }


def page_bytes(explorers) -> list[dict]:
    sizes: dict[str, int] = defaultdict(int)
    for explorer in explorers:
        sizes[explorer.page] += len(explorer.payload_json().encode())
    return [{"page": page, "explorer_bytes": size} for page, size in sorted(sizes.items())]


def main() -> int:
    explorers = all_explorers()
    report = {"explorers": [time_explorer(e) for e in explorers], "pages": page_bytes(explorers)}
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
