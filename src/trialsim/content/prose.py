"""Numbers in a chapter's prose, the same in the book and in JupyterLab.

A chapter computes its numbers in code cells and writes them into its prose
with MyST inline expressions, which both the book (myst-nb, executing the
chapter inline) and JupyterLab (the jupyterlab-myst extension, on Run All)
evaluate in the chapter's kernel::

    glue("share_improved", k / n)          # in a code cell

    {eval}`n_enrolled` patients, {eval}`share_improved.pct` of them   # in the prose

``glue`` (named after myst-nb's, which it replaces) makes the value a
variable of the chapter that prints as itself and knows the course's
formats, as attributes, so that the prose needs no format specification:

=========  =========================================  ==============
attribute  format                                     0.0123 / 12345
=========  =========================================  ==============
(none)     as Python prints the number                0.0123
``pct``    a share, no decimals (never 0 % or 100 %    1%
           unless it is exactly that: more decimals
           near the ends, as ``conclude.share``)
``pct1``   a share with one decimal                   1.2%
``f0`` …   fixed decimals: ``f0``, ``f1``, ``f2``,    0.01
``f3``     ``f3``
``comma``  thousands separated (``comma0``: and no     12,345
           decimals)
``g2``     two significant digits                     0.012
=========  =========================================  ==============

A number stays a number: arithmetic on it gives a plain float or int.
"""

from __future__ import annotations

import inspect
from typing import Any

from ..frontends.conclude import share

FORMATS = {"pct": ".0%", "pct1": ".1%", "f0": ".0f", "f1": ".1f", "f2": ".2f", "f3": ".3f", "comma": ",",
           "comma0": ",.0f", "g2": ".2g"}


class Shown(str):
    """Text that prints as itself (no quotes), for the prose."""

    def __repr__(self) -> str:
        return str(self)


def formatted(value: float, spec: str) -> Shown:
    """``value`` in the format ``spec``, shares through the course's ``share``."""
    return Shown(share(value, spec) if spec.endswith("%") else format(value, spec))


class _Formats:
    """The attributes of ``FORMATS`` for a number."""

    def __getattr__(self, name: str) -> Shown:
        if name in FORMATS:
            return formatted(self, FORMATS[name])
        raise AttributeError(f"{type(self).__name__} has no format {name!r}: the formats are "
                             f"{', '.join(FORMATS)}")


class Number(_Formats, float):
    """A float for the prose: prints as Python prints it, formats as attributes."""

    def __repr__(self) -> str:
        return float.__repr__(self)


class Count(_Formats, int):
    """An int for the prose: prints as Python prints it, formats as attributes."""

    def __repr__(self) -> str:
        return int.__repr__(self)


def number(value: Any) -> Number | Count | Shown:
    """``value`` ready for the prose: a ``Count`` for a whole number stored as an
    int, a ``Number`` for any other number, ``Shown`` text for a string."""
    if isinstance(value, str):
        return Shown(value)
    if isinstance(value, bool):
        raise TypeError(f"{value!r} is a truth value, not a number: give the prose a word instead")
    if float(value).is_integer() and not isinstance(value, float) and int(value) == value:
        return Count(int(value))
    return Number(float(value))


def glue(name: str, value: Any, display: bool = False) -> None:
    """Make ``value`` the chapter's variable ``name`` for its prose
    (``{eval}`name``` and ``{eval}`name.pct``` and the other formats).
    ``display`` is accepted for myst-nb's signature and ignored."""
    if not name.isidentifier():
        raise ValueError(f"{name!r} cannot be used in the prose: use letters, digits and _ only")
    caller = inspect.currentframe().f_back
    caller.f_globals[name] = number(value)
