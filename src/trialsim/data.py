"""Access to the course's data sets in ``datasets/``.

Every file has a schema (the columns it must have): a chapter's table of
facts, ``<word>_summary.csv``, has ``FACT_COLUMNS`` by its name alone, and
every other file is listed in ``SCHEMAS``. A missing file or column fails
with a message that names it, so a broken data set stops the build with a
clear reason instead of a wrong number on a page.

The folder is found, in order: ``$TRIALSIM_DATA``, then ``datasets/`` at the
root of the checkout this package was installed from (``pip install -e .``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

STATUSES = {"P", "R", "P;R", "S", "NC", "illustrative"}

# one fact per row: a key, its value, the FACTS.md status and the citation
FACT_COLUMNS = ["key", "value", "status", "source", "description"]

FACTS_SUFFIX = "_summary"  # datasets/<word>_summary.csv: a chapter's facts, with FACT_COLUMNS

SCHEMAS: dict[str, list[str]] = {
    "als_later_trials": FACT_COLUMNS,
    "marketing_success_rates": FACT_COLUMNS,
    # the capstone's FICTIONAL trial, written for the course (see the data card)
    "capstone_veltra": FACT_COLUMNS,
    # the red flags of the drill, each with the chapter that teaches it
    "marketing_flags": ["flag", "label", "chapter", "explanation"],
    # claims for the drill: clinic and media quotations (one sentence each) and claims written for the course
    "marketing_claims": ["claim", "kind", "text", "context", "cited", "flags"],
    # synthetic patients reproducing the phase II's published shares (see the data card)
    "progressive_ms_synthetic": ["patient", "group", "event"],
    # synthetic lesion counts reproducing MESEMS's published rate ratio and interval (see the data card)
    "mesems_synthetic": ["patient", "group", "week_4", "week_12", "week_24", "total"],
    # illustrative survival times matching only the liver trial's arm sizes, follow-up and late-only difference
    "liver_synthetic": ["patient", "group", "months", "died"],
    # illustrative trials whose pooled risk ratio reproduces the intrathecal safety meta-analysis's
    "meta_safety_synthetic": ["trial", "n_msc", "events_msc", "n_control", "events_control", "risk_of_bias", "doses"],
    # synthetic patients reproducing the published summaries (see the data card)
    "als_hadassah_synthetic": ["patient", "run_in_slope", "post_slope", "change_pct", "responder"],
}


class DataError(Exception):
    """A data set is missing, incomplete or malformed."""


def datasets_dir() -> Path:
    """The folder of the course's data sets: ``$TRIALSIM_DATA`` if set, else
    ``datasets/`` at the root of the checkout; raises ``DataError`` if it is missing."""
    env = os.environ.get("TRIALSIM_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "datasets"
    if not path.is_dir():
        raise DataError(
            f"datasets folder not found at {path}: set TRIALSIM_DATA to the course's "
            "datasets/ folder, or install trialsim from a checkout with `pip install -e .`"
        )
    return path


def schema(name: str) -> list[str]:
    """The columns data set ``name`` must have; raises ``DataError`` for an unknown name."""
    if name in SCHEMAS:
        return SCHEMAS[name]
    if name.endswith(FACTS_SUFFIX):
        return FACT_COLUMNS
    raise DataError(f"unknown data set {name!r}: known data sets are {', '.join(names())}")


def names(folder: Path | None = None) -> list[str]:
    """Every data set with a schema: the files in ``SCHEMAS`` and every ``*_summary.csv`` present."""
    found = {p.stem for p in Path(folder or datasets_dir()).glob(f"*{FACTS_SUFFIX}.csv")}
    return sorted(found | set(SCHEMAS))


def load(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Load ``datasets/<name>.csv`` and check it has its schema's columns."""
    columns = schema(name)
    path = Path(folder or datasets_dir()) / f"{name}.csv"
    if not path.is_file():
        raise DataError(f"data set {name!r} is missing: expected the file {path}")
    frame = pd.read_csv(path)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"data set {name!r} ({path.name}) lacks column(s) {', '.join(missing)}; "
            f"it must have {', '.join(columns)}"
        )
    if "status" in frame.columns:
        bad = sorted(set(frame["status"].astype(str)) - STATUSES)
        if bad:
            raise DataError(
                f"data set {name!r} has unknown status value(s) {', '.join(bad)}: "
                f"allowed {', '.join(sorted(STATUSES))}"
            )
    return frame


def facts(name: str, folder: Path | None = None) -> dict[str, float | int]:
    """A key/value data set as a dict of numbers (whole numbers as int)."""
    frame = load(name, folder)
    if frame["key"].duplicated().any():
        dupes = ", ".join(sorted(frame.loc[frame["key"].duplicated(), "key"]))
        raise DataError(f"data set {name!r} repeats key(s) {dupes}: each key must appear once")
    out: dict[str, float | int] = {}
    for key, value in zip(frame["key"], frame["value"], strict=True):
        try:
            number = float(value)
        except ValueError:
            raise DataError(f"data set {name!r}: value of {key!r} is {value!r}, not a number") from None
        out[key] = int(number) if number.is_integer() else number
    return out
