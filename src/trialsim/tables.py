"""Tables of precomputed simulations, stored with their seed.

Some explorers show rates from simulated trials that need tens of thousands
of trials to be precise (see ``trialsim.stats.montecarlo``): far more than a live
control change can afford in 50 ms. Their settings are finite, so each
setting is simulated once by a command and stored:

    ./course tables            # build every table that is missing or stale
    ./course tables --check 5  # regenerate 5 entries per table and compare

A ``Table`` names its settings (every combination of its keys), the function
that computes one setting's numbers from a seed, and the file it lives in,
``datasets/tables/<name>.jsonl``: a header line (table, seed, keys, target
half-width, version), then one line per setting with its key, the trials
run, the worst 95 % Monte Carlo half-width and the numbers. Explorers read
entries with ``Table.get``; a missing or stale file fails with the command
that rebuilds it.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import data
from .stats import montecarlo

DIGITS = 6          # significant digits kept for every stored number


def _round(value):
    """A stored number: finite floats to DIGITS significant digits, NaN as None."""
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_round(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            return None
        return float(f"{value:.{DIGITS}g}")
    return value


def _restore(value):
    """A stored number back: lists of numbers as float arrays (None as NaN)."""
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(v is None or isinstance(v, (int, float)) for v in value):
            return np.array([np.nan if v is None else v for v in value], dtype=float)
        return [_restore(v) for v in value]
    if value is None:
        return float("nan")
    return value


class TableError(Exception):
    """A table is missing, stale or lacks a setting."""


@dataclass
class Table:
    """Precomputed simulations of one explorer, one entry per setting.

    ``compute(seed=..., **setting)`` returns a dict of numbers (arrays
    allowed) that includes ``reps`` and ``halfwidth``. ``version`` is raised
    whenever the model changes, which makes the stored table stale."""

    name: str
    keys: Sequence[str]
    values: Sequence[Sequence]
    compute: Callable[..., dict]
    seed: int
    version: int = 1
    description: str = ""
    _entries: dict | None = field(default=None, repr=False)

    # ---- the settings -----------------------------------------------
    def settings(self) -> Iterable[dict]:
        """Every setting as a dict of key to value, one per combination of the
        ``values`` (the last key varies fastest)."""
        import itertools

        for combo in itertools.product(*self.values):
            yield dict(zip(self.keys, combo, strict=True))

    def _key(self, setting: dict) -> str:
        return json.dumps([setting[k] for k in self.keys])

    @property
    def path(self) -> Path:
        """The table's file, ``datasets/tables/<name>.jsonl``."""
        return data.datasets_dir() / "tables" / f"{self.name}.jsonl"

    def header(self) -> dict:
        """The file's first line: the table's name, version, seed, keys, target
        half-width and description."""
        return {"table": self.name, "version": self.version, "seed": self.seed, "keys": list(self.keys),
                "target_halfwidth": montecarlo.TARGET_HALFWIDTH, "description": self.description}

    def entry(self, setting: dict) -> dict:
        """One setting computed now, as it is stored (rounded)."""
        out = self.compute(seed=self.seed, **setting)
        missing = {"reps", "halfwidth"} - set(out)
        if missing:
            raise TableError(f"table {self.name!r}: compute returned no {', '.join(sorted(missing))}")
        return _round(out)

    # ---- reading ----------------------------------------------------
    def load(self) -> dict:
        """The stored entries by setting key, read from the file on first use and kept;
        raises ``TableError`` if the file is missing or stale."""
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict:
        rebuild = f"rebuild it with: ./course tables {self.name}"
        if not self.path.is_file():
            raise TableError(f"table {self.name!r} is missing: expected {self.path}; {rebuild}")
        with self.path.open(encoding="utf-8") as handle:
            head = json.loads(handle.readline())
            want = self.header()
            stale = [k for k in ("table", "version", "seed", "keys", "target_halfwidth") if head.get(k) != want[k]]
            if stale:
                raise TableError(f"table {self.name!r} in {self.path.name} is stale ({', '.join(stale)} changed); "
                                 f"{rebuild}")
            entries = {}
            for line in handle:
                row = json.loads(line)
                entries[json.dumps(row["key"])] = row["values"]
        wanted = {self._key(s) for s in self.settings()}
        if set(entries) != wanted:
            raise TableError(f"table {self.name!r} in {self.path.name} is stale: it holds {len(entries)} settings, "
                             f"{len(set(entries) & wanted)} of the {len(wanted)} wanted; {rebuild}")
        return entries

    def get(self, **setting: Any) -> dict:
        """The stored numbers of one setting (arrays as numpy arrays)."""
        unknown = set(setting) ^ set(self.keys)
        if unknown:
            raise TableError(f"table {self.name!r} is keyed by {', '.join(self.keys)}; got "
                             f"{', '.join(sorted(setting))}")
        entries = self.load()
        key = self._key(setting)
        if key not in entries:
            raise TableError(f"table {self.name!r} has no entry for {setting}; rebuild it with: "
                             f"./course tables {self.name}")
        return _restore(entries[key])

    # ---- writing ----------------------------------------------------
    def build(self, workers: int = 1, progress: TextIO | None = sys.stderr) -> Path:
        """Compute every setting and write the file (in settings order)."""
        settings = list(self.settings())
        started = time.perf_counter()
        rows = []
        if workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(workers) as pool:
                for i, row in enumerate(pool.map(_entry_of, [(self.name, s) for s in settings], chunksize=1)):
                    rows.append(row)
                    _progress(progress, self.name, i + 1, len(settings), started)
        else:
            for i, setting in enumerate(settings):
                rows.append(self.entry(setting))
                _progress(progress, self.name, i + 1, len(settings), started)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(json.dumps(self.header()) + "\n")
            for setting, values in zip(settings, rows, strict=True):
                handle.write(json.dumps({"key": [setting[k] for k in self.keys], "values": values},
                                        separators=(",", ":"), allow_nan=False) + "\n")
        os.replace(tmp, self.path)
        self._entries = None
        return self.path

    def check(self, settings: Iterable[dict]) -> list[str]:
        """Regenerate ``settings`` and list every one that differs from the file."""
        problems = []
        stored = self.load()
        for setting in settings:
            key = self._key(setting)
            fresh = json.loads(json.dumps(self.entry(setting)))
            if stored.get(key) != fresh:
                problems.append(f"{self.name} {setting}: stored {stored.get(key)} but regenerated {fresh}")
        return problems

    def worst_halfwidth(self) -> float:
        """The largest 95 % Monte Carlo half-width stored for any setting."""
        return max(row["halfwidth"] for row in self.load().values())

    def cheapest(self, count: int) -> list[dict]:
        """The ``count`` settings that took the fewest trials to be precise
        (the quickest to regenerate in a test)."""
        stored = self.load()
        ranked = sorted(self.settings(), key=lambda s: (stored[self._key(s)]["reps"], self._key(s)))
        return ranked[:count]


def _progress(stream, name, done, total, started):
    if stream is None:
        return
    spent = time.perf_counter() - started
    left = spent / done * (total - done)
    stream.write(f"\r{name}: {done}/{total} settings, {spent:.0f} s so far, about {left:.0f} s left   ")
    if done == total:
        stream.write("\n")
    stream.flush()


def _entry_of(job):
    name, setting = job
    return get(name).entry(setting)


def all_tables() -> list[Table]:
    """Every table of the course: the ``TABLES`` of each explorer module in ``MODULES``."""
    from importlib import import_module

    from .explorers import MODULES

    found = []
    for module in MODULES:
        found.extend(getattr(import_module(module), "TABLES", []))
    return found


def get(name: str) -> Table:
    """The table named ``name``; raises ``TableError``, listing the tables, if there is none."""
    for table in all_tables():
        if table.name == name:
            return table
    raise TableError(f"no table named {name!r}: the tables are {', '.join(t.name for t in all_tables())}")


def main(argv: list[str] | None = None) -> int:
    """Build the tables named in ``argv`` (by default every missing or stale one), or with
    ``--check N`` regenerate N settings of each and compare; return 1 if any differ, else 0."""
    parser = argparse.ArgumentParser(prog="./course tables", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="tables to build (default: every missing or stale one)")
    parser.add_argument("--all", action="store_true", help="rebuild even tables that are up to date")
    parser.add_argument("--check", type=int, metavar="N",
                        help="regenerate the N quickest settings of each table and compare with the files")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    tables = [get(n) for n in args.names] if args.names else all_tables()
    if args.check is not None:
        problems = []
        for table in tables:
            problems += table.check(table.cheapest(args.check))
        for line in problems:
            print(line, file=sys.stderr)
        print(f"checked {args.check} settings of {len(tables)} tables: "
              f"{'all match' if not problems else f'{len(problems)} differ'}")
        return 1 if problems else 0
    for table in tables:
        if not (args.all or args.names):
            try:
                table.load()
                print(f"{table.name}: up to date ({table.path})")
                continue
            except TableError:
                pass
        path = table.build(workers=args.workers)
        print(f"{table.name}: wrote {path} (worst half-width {table.worst_halfwidth():.4f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
