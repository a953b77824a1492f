"""The dashboard's series: what went through the hub per minute over a window that ends now.

Everything comes from the store, so every hub behind a load balancer draws the same charts and a
restart loses nothing:

- messages per minute per instrument and per agency: what the hub wrote to publish (its outbox,
  kept for days) and the answers it processed (``verzoek.verwerkt_op``); the instrument is the
  event type's family (``nl.maatwerk.<instrument>.…``), the agency the owner of the topic;
- order -> answer latency per agency: from the moment the request was written to the outbox (the
  loket's order, in the same transaction) to the moment the hub processed the answer, p50 and p95
  of the answers of each minute, and over the whole window;
- consumer lag per group over time: the samples the lag monitor writes once a minute
  (``hub.adapters.lag_samples``), of the hub's own groups and the connectors of the agencies
  configured on this hub only;
- dead letters per minute per reason code.

The rows are read and counted here rather than grouped in SQL: the minute of a timestamp is
spelled differently on SQLite and PostgreSQL, and a window is at most a day of rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hub.adapters.consumer_lag import configured_connectors
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas.organisaties import Uitvoerder
from schemas.topics import catalogue

STAP = dt.timedelta(minutes=1)
VENSTER_STANDAARD = 60
VENSTER_MAX = 24 * 60
"""The longest window in minutes: a day (the lag samples are kept for two)."""

ZONDER_REDEN = "onbekend"
"""The reason code shown for a dead letter whose headers named none."""

_INSTRUMENT_VAN_SOORT = {
    "verlenging": "opschorting",
    "opheffing": "opschorting",
    "uitnodiging": "escalatie",
    "terugbetaling": "overbrugging",
}
"""A request's kind -> the instrument it belongs to (the others are named after it)."""


@dataclass(frozen=True, slots=True)
class Latentie:
    p50: float
    p95: float
    aantal: int


@dataclass(frozen=True, slots=True)
class Reeksen:
    """Per series one value per minute of ``minuten`` (the start of each minute, oldest first;
    the last is the minute now running). None: nothing to measure in that minute."""

    van: dt.datetime
    tot: dt.datetime
    minuten: list[dt.datetime]
    per_instrument: dict[str, list[int]]
    per_uitvoerder: dict[str, list[int]]
    latentie_p50: dict[str, list[float | None]]
    latentie_p95: dict[str, list[float | None]]
    latentie_venster: dict[str, Latentie]
    achterstand: dict[str, list[int | None]]
    dead_letters: dict[str, list[int]]


def percentiel(waarden: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0..100) of a non-empty list: a value that occurred."""
    ordered = sorted(waarden)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def instrument_van(event_type: str) -> str:
    """``nl.maatwerk.opschorting.instructie.v1`` -> ``opschorting``."""
    parts = event_type.split(".")
    return parts[2] if len(parts) > 3 and parts[:2] == ["nl", "maatwerk"] else event_type


class _Rooster:
    """The window's minutes and which minute a moment falls in."""

    def __init__(self, tot: dt.datetime, venster: int) -> None:
        self.eerste = tot.replace(second=0, microsecond=0) - (venster - 1) * STAP
        self.minuten = [self.eerste + i * STAP for i in range(venster)]

    def index(self, at: dt.datetime) -> int | None:
        i = int((at - self.eerste) // STAP)
        return i if 0 <= i < len(self.minuten) else None

    def tel(
        self, items: Iterable[tuple[dt.datetime, str]], vast: Iterable[str] = ()
    ) -> dict[str, list[int]]:
        """Per key a count per minute; the keys of ``vast`` always (zeros when quiet)."""
        reeksen: dict[str, list[int]] = {key: [0] * len(self.minuten) for key in vast}
        for at, key in items:
            i = self.index(at)
            if i is not None:
                reeksen.setdefault(key, [0] * len(self.minuten))[i] += 1
        return dict(sorted(reeksen.items()))


async def reeksen(uow: UnitOfWork, deps: Deps, venster: int = VENSTER_STANDAARD) -> Reeksen:
    """The series of the last ``venster`` minutes (1 to :data:`VENSTER_MAX`)."""
    if not 1 <= venster <= VENSTER_MAX:
        raise ValueError(f"venster: {venster} is not between 1 and {VENSTER_MAX} minutes")
    tot = deps.clock()
    rooster = _Rooster(tot, venster)
    async with uow:
        uitgaand = await uow.overview.uitgaand_sinds(rooster.eerste)
        antwoorden = await uow.overview.antwoorden_sinds(rooster.eerste)
        dead = await uow.overview.dead_letters_sinds(rooster.eerste)
        lag = await uow.overview.lag_sinds(rooster.eerste)
    eigenaar = {t.name: t.eigenaar for t in catalogue()}
    aangesloten = [u.value for u in Uitvoerder if deps.keys.is_connected(u.value)]
    per_instrument = rooster.tel(
        [(m.at, instrument_van(m.event_type)) for m in uitgaand]
        + [(a.verwerkt_op, _INSTRUMENT_VAN_SOORT.get(a.soort, a.soort)) for a in antwoorden]
    )
    per_uitvoerder = rooster.tel(
        [(m.at, code) for m in uitgaand if (code := eigenaar.get(m.topic)) is not None]
        + [(a.verwerkt_op, a.uitvoerder) for a in antwoorden],
        vast=aangesloten,
    )
    duur = [
        (a.verwerkt_op, a.uitvoerder, (a.verwerkt_op - a.opgedragen_op).total_seconds())
        for a in antwoorden
        if a.opgedragen_op is not None
    ]
    p50, p95, over_venster = _latenties(rooster, duur)
    gemeten = configured_connectors(deps.keys.is_connected)
    achterstand: dict[str, list[int | None]] = {}
    for sample in lag:
        i = rooster.index(sample.minuut)
        if i is not None and gemeten(sample.groep):
            achterstand.setdefault(sample.groep, [None] * venster)[i] = sample.achterstand
    return Reeksen(
        van=rooster.eerste,
        tot=tot,
        minuten=rooster.minuten,
        per_instrument=per_instrument,
        per_uitvoerder=per_uitvoerder,
        latentie_p50=p50,
        latentie_p95=p95,
        latentie_venster=over_venster,
        achterstand=dict(sorted(achterstand.items())),
        dead_letters=rooster.tel([(at, code or ZONDER_REDEN) for at, code in dead]),
    )


def _latenties(
    rooster: _Rooster, duur: Sequence[tuple[dt.datetime, str, float]]
) -> tuple[dict[str, list[float | None]], dict[str, list[float | None]], dict[str, Latentie]]:
    """p50 and p95 per agency per minute (the answers processed in it), and over the window."""
    per_minuut: dict[str, dict[int, list[float]]] = {}
    per_uitvoerder: dict[str, list[float]] = {}
    for at, uitvoerder, seconden in duur:
        i = rooster.index(at)
        if i is None:
            continue
        per_minuut.setdefault(uitvoerder, {}).setdefault(i, []).append(max(seconden, 0.0))
        per_uitvoerder.setdefault(uitvoerder, []).append(max(seconden, 0.0))
    p50: dict[str, list[float | None]] = {}
    p95: dict[str, list[float | None]] = {}
    for uitvoerder, minuten in sorted(per_minuut.items()):
        p50[uitvoerder] = [None] * len(rooster.minuten)
        p95[uitvoerder] = [None] * len(rooster.minuten)
        for i, waarden in minuten.items():
            p50[uitvoerder][i] = round(percentiel(waarden, 50), 3)
            p95[uitvoerder][i] = round(percentiel(waarden, 95), 3)
    over_venster = {
        u: Latentie(round(percentiel(w, 50), 3), round(percentiel(w, 95), 3), len(w))
        for u, w in sorted(per_uitvoerder.items())
    }
    return p50, p95, over_venster
