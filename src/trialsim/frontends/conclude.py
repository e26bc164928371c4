"""Conclusions derived from numbers by rules.

An explorer never stores a typed sentence per state.  It declares a short,
ordered list of ``Rule``s; the first rule whose condition holds for the
state's numbers says the sentence, with the numbers formatted into it.  The
format spec ``P`` prints a probability for a reader ("less than 0.1%",
"3%", "more than 99%") and ``N`` a count with thousands separators.
"""

from __future__ import annotations

import math
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass


def percent(p: float) -> str:
    """A probability as a reader-friendly percentage."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    if p <= 0:
        return "0%"
    if p < 0.001:
        return "less than 0.1%"
    if p < 0.0995:
        return f"{p * 100:.1f}".rstrip("0").rstrip(".") + "%"
    if p >= 1:
        return "100%"
    if p > 0.99:
        return "more than 99%"
    return f"{p * 100:.0f}%"


def share(value: float, spec: str = ".0%") -> str:
    """A share formatted with a ``%`` format spec (".0%", ".1%"), except that
    it never reads 0 % or 100 % unless it is exactly that: near the ends
    more decimals are shown, up to three more ("99.6%", "0.04%").  Used for
    every share the course prints: numbers in the prose (``.pct`` and
    ``.pct1`` of ``trialsim.content.prose``), readouts and conclusions."""
    if not spec.endswith("%"):
        raise ValueError(f"share() takes a percent format spec such as '.0%', not {spec!r}")
    value = float(value)
    text = format(value, spec)
    if math.isnan(value) or not 0 < value < 1:
        return text
    head, _, digits = spec[:-1].rpartition(".")
    decimals = int(digits) if digits.isdigit() else 6
    for extra in range(4):
        text = format(value, f"{head}.{decimals + extra}%")
        if 0 < float(text.rstrip("%").replace(",", "")) < 100:
            return text
    smallest = format(10 ** -(decimals + 5), f".{decimals + 3}%")
    largest = format(1 - 10 ** -(decimals + 5), f".{decimals + 3}%")
    return f"less than {smallest}" if value < 0.5 else f"more than {largest}"


class _Fact:
    """A number that knows the course's extra format specs."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __format__(self, spec: str) -> str:
        if spec == "P":
            return percent(float(self.value))
        if spec == "N":
            return f"{int(self.value):,}"
        if spec.endswith("%"):
            return share(self.value, spec)
        return format(self.value, spec)

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Rule:
    """Say ``say`` (a ``str.format`` template over the facts) when ``when``
    holds; a rule with ``when=None`` always holds and must come last."""

    say: str
    when: Callable[[Mapping], bool] | None = None


class Rules:
    def __init__(self, *rules: Rule):
        if not rules or rules[-1].when is not None:
            raise ValueError("the last rule must have when=None, so every state gets a sentence")
        self.rules = rules
        self.templates = [_numbered(rule.say) for rule in rules]
        # each rule's fields as (fact name, format spec), parsed once
        self.fields = [[(name, spec or "") for _, name, spec, _ in string.Formatter().parse(rule.say)
                        if name is not None] for rule in rules]
        for name, _ in (f for fields in self.fields for f in fields):
            if not name.isidentifier():
                raise ValueError(f"rule field {{{name}}} must be the plain name of a fact")

    def __call__(self, facts: Mapping) -> str:
        index, values = self.parts(facts)
        return self.templates[index].format(*values)

    def parts(self, facts: Mapping) -> tuple[int, list[str]]:
        """The rule that speaks for ``facts`` and its filled-in fields, in
        order: ``templates[index].format(*values)`` is the sentence. The static
        page stores these parts, not each whole sentence."""
        for index, rule in enumerate(self.rules):
            if rule.when is None or rule.when(facts):
                return index, [format(_Fact(facts[name]), spec) for name, spec in self.fields[index]]
        raise AssertionError("unreachable: the last rule always holds")


def _numbered(say: str) -> str:
    """A rule's sentence with its fields numbered: "{0} of {1} ..."."""
    pieces, k = [], 0
    for literal, name, _, _ in string.Formatter().parse(say):
        pieces.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            pieces.append("{%d}" % k)
            k += 1
    return "".join(pieces)

