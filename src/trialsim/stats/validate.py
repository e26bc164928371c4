"""Parameter checks shared by every simulator.

Each check raises ``ValueError`` whose message names the parameter, the value
received and what is allowed, so a learner who types a wrong value in a
notebook is told exactly what to change.  Checks accept scalars or numpy
arrays (simulators are vectorised) and return the value as a numpy array or
a Python scalar unchanged in meaning.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike


def _show(value) -> str:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return repr(value)
    return f"array with values from {arr.min().item()!r} to {arr.max().item()!r}"


def number(name: str, value: ArrayLike, low: float, high: float, *, integer: bool = False) -> float | np.ndarray:
    """Check that ``value`` (scalar or array) lies in ``[low, high]``.

    With ``integer=True`` every value must also be a whole number.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name}={value!r} is not a number: allowed {_range(low, high, integer)}"
        ) from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty: give at least one value, {_range(low, high, integer)}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(
            f"{name}={_show(value)} is not a finite number: allowed {_range(low, high, integer)}"
        )
    if integer and not np.all(arr == np.round(arr)):
        raise ValueError(
            f"{name}={_show(value)} is not a whole number: allowed {_range(low, high, integer)}"
        )
    if np.any(arr < low) or np.any(arr > high):
        raise ValueError(
            f"{name}={_show(value)} is out of range: allowed {_range(low, high, integer)}"
        )
    if integer:
        arr = arr.astype(int)
    return arr if arr.ndim else arr.item()


def _range(low, high, integer) -> str:
    kind = "whole numbers" if integer else "values"
    return f"{kind} from {low:g} to {high:g}"


def probability(name: str, value: ArrayLike, low: float = 0.0, high: float = 1.0) -> float | np.ndarray:
    """A probability (or share) within ``[low, high]``, by default 0 to 1."""
    return number(name, value, low, high)


def choice(name: str, value: Any, allowed: Iterable) -> Any:
    """Check that ``value`` is one of ``allowed``."""
    allowed = list(allowed)
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name}={value!r} is not allowed: choose one of {listed}")
    return value


def same_length(**arrays: ArrayLike) -> int:
    """Check that the named 1-D arrays all have the same, non-zero length."""
    lengths = {k: len(np.atleast_1d(v)) for k, v in arrays.items()}
    if len(set(lengths.values())) != 1:
        shown = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        raise ValueError(f"arrays must have the same length: {shown}")
    n = next(iter(lengths.values()))
    if n == 0:
        raise ValueError(f"{', '.join(lengths)} are empty: give at least one value")
    return n


def binary(name: str, value: ArrayLike) -> np.ndarray:
    """Check that every value is 0 or 1 (an event indicator or an arm
    indicator) and return them as an integer array."""
    arr = number(name, value, 0, 1, integer=True)
    return np.atleast_1d(arr)


def at_most(name: str, value: ArrayLike, limit_name: str, limit: ArrayLike) -> ArrayLike:
    """Check that ``value`` is nowhere larger than ``limit`` (element by
    element), e.g. events at most the number of patients."""
    if np.any(np.asarray(value) > np.asarray(limit)):
        raise ValueError(
            f"{name}={_show(value)} is larger than {limit_name}={_show(limit)}: "
            f"{name} must be between 0 and {limit_name}"
        )
    return value


def seed(value: ArrayLike) -> int | np.ndarray:
    """A random seed for numpy's generator: a whole number from 0 to 2**32 - 1."""
    return number("seed", value, 0, 2**32 - 1, integer=True)
