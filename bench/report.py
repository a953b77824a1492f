"""Each figure beside its raw-Kafka reference, the ratio and the issue's target (met / not met).

Targets (issue 15, for this kind of machine: broker, hub, connectors, back-offices and the load
all on it): P1 records/s through the chain >= 0.25 x raw pass-through; P2 one order at a time p50
<= 3 x and p99 <= 10 x the raw one-in-flight round trip (each against the same percentile of
the round trip); at 70% of the P1 rate p99 < 500 ms; P3 hub < 150 MiB and each connector < 80
MiB resident, growing < 5% over the run at 70%; P5 a backlog drained at >= 500 instructions/s once
the back-office is back (its reference: the simulated back-office's own request rate, not raw
Kafka); P6 two hubs on one PostgreSQL and two connectors per agency: P1 throughput above that of
one hub and one connector per agency on the same PostgreSQL (ratio > 1), no duplicate effect, no
casus reordered (``bench/scaleout.py``). The report never fails a run: it says.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


def pct(values: Sequence[float], q: int) -> float:
    """The ``q``th percentile (inclusive method: never beyond the largest value)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


@dataclass(frozen=True)
class Target:
    text: str
    check: Callable[[float, float | None], bool]
    """(value, ratio to the reference) -> met."""


def ratio_at_least(limit: float) -> Target:
    return Target(f">= {limit:g} x raw", lambda _v, r: r is not None and r >= limit)


def ratio_at_most(limit: float) -> Target:
    return Target(f"<= {limit:g} x raw", lambda _v, r: r is not None and r <= limit)


def at_least(limit: float, unit: str) -> Target:
    return Target(f">= {limit:g} {unit}", lambda v, _r: v >= limit)


def under(limit: float, unit: str) -> Target:
    return Target(f"< {limit:g} {unit}", lambda v, _r: v < limit)


def ratio_above(limit: float, reference: str) -> Target:
    return Target(f"> {limit:g} x {reference}", lambda _v, r: r is not None and r > limit)


NONE = Target("= 0", lambda v, _r: v == 0)
"""A count that must be nothing (duplicates, reorderings)."""


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    reference: float | None = None
    """The raw-Kafka figure it compares with (same unit)."""
    target: Target | None = None

    @property
    def ratio(self) -> float | None:
        return None if not self.reference else self.value / self.reference

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.check(self.value, self.ratio)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "raw": self.reference,
            "ratio": self.ratio,
            "target": None if self.target is None else self.target.text,
            "met": self.met,
        }


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}" if value else "0"
    return f"{text} {unit}".strip()


def table(figures: Sequence[Figure]) -> str:
    rows = [("figure", "hub", "reference", "ratio", "target", "")]
    for f in figures:
        ratio = "-" if f.ratio is None else f"{f.ratio:.3g} x"
        verdict = {None: "", True: "met", False: "NOT MET"}[f.met]
        target = "" if f.target is None else f.target.text
        ref = _number(f.reference, f.unit)
        rows.append((f.name, _number(f.value, f.unit), ref, ratio, target, verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def as_json(figures: Sequence[Figure]) -> dict[str, Any]:
    return {"figures": [f.as_json() for f in figures]}
