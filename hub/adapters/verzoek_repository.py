"""The agency requests of every instrument, in one table (``verzoek``). Never commits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import VerzoekRow
from hub.domain.selectie import Pagina
from hub.domain.verzoek import (
    ONBEANTWOORD,
    MisluktAflevering,
    Verzoek,
    VerzoekSoort,
    VerzoekStatus,
    VorderingUitkomst,
    is_laat,
)


@dataclasses.dataclass(frozen=True, slots=True)
class VerzoekSleutel:
    """What the answer handler needs to route an answer: which instrument owns the request."""

    instructie_id: str
    soort: VerzoekSoort
    instrument_id: str
    casus_id: str
    uitvoerder: str


_VERZOEK = tuple(getattr(VerzoekRow, c.key) for c in VerzoekRow.__table__.columns)
"""Every column of a request. Its rows are read as rows, never as ORM objects: a request stored
with :data:`_BIJWERKEN` (which leaves the session's objects as they were) is never read back
stale from the session's identity map."""

_BIJGEWERKT = (
    "status",
    "referentie",
    "redencode",
    "reden",
    "vorderingen",
    "beantwoord_op",
    "verwerkt_op",
    "pogingen",
    "geescaleerd_op",
    "aflevering_redencode",
    "aflevering_toelichting",
    "aflevering_definitief",
    "aflevering_sinds",
)
"""The columns that change once a request is stored: its answer, delivery and escalation."""

_BIJWERKEN = (
    update(VerzoekRow)
    .where(VerzoekRow.instructie_id == bindparam("sleutel"))
    .values({k: bindparam(f"nieuw_{k}", type_=VerzoekRow.__table__.c[k].type) for k in _BIJGEWERKT})
    .execution_options(synchronize_session=False)
)
"""Store one request's new state by its key (parameters ``sleutel`` and ``nieuw_<column>``).
Built once, as the statements below: building a statement took longer than running it."""

_PER_SLEUTEL = select(*_VERZOEK).where(VerzoekRow.instructie_id == bindparam("sleutel"))
_PER_SLEUTEL_VOOR_UPDATE = _PER_SLEUTEL.with_for_update()
_VAN_INSTRUMENT = (
    select(*_VERZOEK)
    .where(VerzoekRow.instrument_id == bindparam("instrument_id"))
    .order_by(VerzoekRow.uitvoerder)
)
_SLEUTELS = select(
    VerzoekRow.instructie_id,
    VerzoekRow.soort,
    VerzoekRow.instrument_id,
    VerzoekRow.casus_id,
    VerzoekRow.uitvoerder,
).where(VerzoekRow.instructie_id.in_(bindparam("sleutels", expanding=True)))
_STATUSSEN = select(VerzoekRow.keten_id, VerzoekRow.status).where(
    VerzoekRow.keten_id.in_(bindparam("ketens", expanding=True))
)


class VerzoekRepository:
    def __init__(
        self, session: AsyncSession, *, bij_opslaan: Callable[[Verzoek], None] | None = None
    ) -> None:
        """``bij_opslaan``: told of each request :meth:`save` stores (a batch of answers forgets
        the aggregate that owns it, ``hub.adapters.batch_cache``)."""
        self._session = session
        self._bij_opslaan = bij_opslaan

    def add(self, verzoeken: Iterable[Verzoek]) -> None:
        for verzoek in verzoeken:
            self._session.add(VerzoekRow(**_kolommen(verzoek)))

    async def save(self, verzoek: Verzoek) -> None:
        """Store a stored request's new state (an answer, a delivery given up). One
        ``UPDATE`` by its key: ``merge`` read the row first when this session had not loaded it.
        """
        kolommen = _kolommen(verzoek)
        result = await self._session.execute(
            _BIJWERKEN,
            {"sleutel": verzoek.instructie_id, **{f"nieuw_{k}": kolommen[k] for k in _BIJGEWERKT}},
        )
        if getattr(result, "rowcount", 1) != 1:
            raise LookupError(f"request {verzoek.instructie_id} is not stored")
        if self._bij_opslaan is not None:
            self._bij_opslaan(verzoek)

    async def get(self, instructie_id: str, *, for_update: bool = False) -> Verzoek | None:
        """One request by its instruction's event id."""
        query = _PER_SLEUTEL_VOOR_UPDATE if for_update else _PER_SLEUTEL
        row = (await self._session.execute(query, {"sleutel": instructie_id})).first()
        return None if row is None else _verzoek(row)

    async def sleutel(self, instructie_id: str) -> VerzoekSleutel | None:
        row = await self._session.get(VerzoekRow, instructie_id)
        if row is None:
            return None
        return VerzoekSleutel(
            row.instructie_id,
            VerzoekSoort(row.soort),
            row.instrument_id,
            row.casus_id,
            row.uitvoerder,
        )

    async def sleutels(self, instructie_ids: Iterable[str]) -> dict[str, VerzoekSleutel]:
        """:meth:`sleutel` of many requests in one statement; a request not stored is left out."""
        ids = sorted(set(instructie_ids))
        if not ids:
            return {}
        rows = await self._session.execute(_SLEUTELS, {"sleutels": ids})
        return {
            row.instructie_id: VerzoekSleutel(
                row.instructie_id,
                VerzoekSoort(row.soort),
                row.instrument_id,
                row.casus_id,
                row.uitvoerder,
            )
            for row in rows
        }

    async def van_instrument(self, instrument_id: str) -> list[Verzoek]:
        """Every request of one instrument, by agency."""
        rows = await self._session.execute(_VAN_INSTRUMENT, {"instrument_id": instrument_id})
        return [_verzoek(row) for row in rows]

    async def van_casus(self, casus_id: str, statussen: Sequence[VerzoekStatus]) -> list[Verzoek]:
        """A casus's requests with one of ``statussen``, soonest deadline first."""
        rows = await self._session.execute(
            select(*_VERZOEK)
            .where(
                VerzoekRow.casus_id == casus_id,
                VerzoekRow.status.in_([s.value for s in statussen]),
            )
            .order_by(VerzoekRow.reageer_uiterlijk, VerzoekRow.instructie_id)
        )
        return [_verzoek(row) for row in rows]

    async def van_uitvoerder(
        self, uitvoerder: str, statussen: Sequence[VerzoekStatus], pagina: Pagina
    ) -> tuple[list[Verzoek], int]:
        """One agency's requests with one of ``statussen``, soonest deadline first, one page;
        and how many there are over all pages."""
        waar = (VerzoekRow.uitvoerder == uitvoerder) & VerzoekRow.status.in_(
            [s.value for s in statussen]
        )
        totaal = await self._session.scalar(
            select(func.count()).select_from(VerzoekRow).where(waar)
        )
        rows = await self._session.execute(
            select(*_VERZOEK)
            .where(waar)
            .order_by(VerzoekRow.reageer_uiterlijk, VerzoekRow.instructie_id)
            .offset(pagina.offset)
            .limit(pagina.grootte)
        )
        return [_verzoek(row) for row in rows], int(totaal or 0)

    async def statussen(self, keten_id: str) -> list[VerzoekStatus]:
        """The stored statuses of one chain's requests."""
        return (await self.statussen_van([keten_id])).get(keten_id, [])

    async def statussen_van(self, keten_ids: Iterable[str]) -> dict[str, list[VerzoekStatus]]:
        """:meth:`statussen` of many chains in one statement."""
        ids = sorted(set(keten_ids))
        if not ids:
            return {}
        per_keten: dict[str, list[VerzoekStatus]] = {}
        for keten_id, status in await self._session.execute(_STATUSSEN, {"ketens": ids}):
            per_keten.setdefault(keten_id, []).append(VerzoekStatus(status))
        return per_keten

    async def geescaleerd_per_uitvoerder(self) -> dict[str, int]:
        """Per agency: its requests escalated, late, to its maatwerkfunctionaris and still
        unanswered."""
        rows = await self._session.execute(
            select(VerzoekRow.uitvoerder, func.count())
            .where(
                VerzoekRow.geescaleerd_op.is_not(None),
                VerzoekRow.status.in_([s.value for s in ONBEANTWOORD]),
            )
            .group_by(VerzoekRow.uitvoerder)
        )
        return {uitvoerder: count for uitvoerder, count in rows}

    async def telling_per_uitvoerder(self, now: dt.datetime) -> dict[str, dict[str, int]]:
        """Per agency: requests by status, and ``late`` ones (:func:`is_laat`: unanswered, that is
        pending or undeliverable, past the deadline), of every kind: an unanswered extension is as
        much a pending instruction as an unanswered order."""
        counts: dict[str, dict[str, int]] = {}

        def of(uitvoerder: str) -> dict[str, int]:
            return counts.setdefault(uitvoerder, {**{s.value: 0 for s in VerzoekStatus}, "late": 0})

        by_status = await self._session.execute(
            select(VerzoekRow.uitvoerder, VerzoekRow.status, func.count()).group_by(
                VerzoekRow.uitvoerder, VerzoekRow.status
            )
        )
        for uitvoerder, status, count in by_status:
            of(uitvoerder)[status] += count
        unanswered = await self._session.execute(
            select(VerzoekRow.uitvoerder, VerzoekRow.status, VerzoekRow.reageer_uiterlijk).where(
                VerzoekRow.status.in_([s.value for s in ONBEANTWOORD]),
                VerzoekRow.reageer_uiterlijk < now,
            )
        )
        for uitvoerder, status, deadline in unanswered:
            if is_laat(VerzoekStatus(status), deadline, now):
                of(uitvoerder)["late"] += 1
        return counts


def _kolommen(verzoek: Verzoek) -> dict[str, Any]:
    return dict(
        instructie_id=verzoek.instructie_id,
        soort=verzoek.soort.value,
        keten_id=verzoek.keten_id,
        instrument_id=verzoek.instrument_id,
        casus_id=verzoek.casus_id,
        uitvoerder=verzoek.uitvoerder,
        reageer_uiterlijk=verzoek.reageer_uiterlijk,
        vorderingen_in_scope=_lijst(verzoek.vorderingen_in_scope),
        personen_in_scope=_lijst(verzoek.personen_in_scope),
        status=verzoek.status.value,
        referentie=verzoek.referentie,
        redencode=verzoek.redencode,
        reden=verzoek.reden,
        vorderingen=[dataclasses.asdict(v) for v in verzoek.vorderingen],
        beantwoord_op=verzoek.beantwoord_op,
        verwerkt_op=verzoek.verwerkt_op,
        pogingen=verzoek.pogingen,
        geescaleerd_op=verzoek.geescaleerd_op,
        **_aflevering_kolommen(verzoek.aflevering),
    )


def _aflevering_kolommen(aflevering: MisluktAflevering | None) -> dict[str, Any]:
    if aflevering is None:
        return dict(
            aflevering_redencode=None,
            aflevering_toelichting=None,
            aflevering_definitief=None,
            aflevering_sinds=None,
        )
    return dict(
        aflevering_redencode=aflevering.redencode,
        aflevering_toelichting=aflevering.toelichting,
        aflevering_definitief=aflevering.definitief,
        aflevering_sinds=aflevering.sinds,
    )


def _aflevering(row: Row[Any]) -> MisluktAflevering | None:
    if row.aflevering_redencode is None or row.aflevering_sinds is None:
        return None
    return MisluktAflevering(
        redencode=row.aflevering_redencode,
        toelichting=row.aflevering_toelichting or "",
        definitief=bool(row.aflevering_definitief),
        sinds=row.aflevering_sinds,
    )


def _lijst(waarden: Sequence[str] | None) -> list[str] | None:
    return None if waarden is None else list(waarden)


def _tupel(waarden: Sequence[str] | None) -> tuple[str, ...] | None:
    return None if waarden is None else tuple(waarden)


def _verzoek(row: Row[Any]) -> Verzoek:
    return Verzoek(
        instructie_id=row.instructie_id,
        soort=VerzoekSoort(row.soort),
        keten_id=row.keten_id,
        instrument_id=row.instrument_id,
        casus_id=row.casus_id,
        uitvoerder=row.uitvoerder,
        reageer_uiterlijk=row.reageer_uiterlijk,
        vorderingen_in_scope=_tupel(row.vorderingen_in_scope),
        personen_in_scope=_tupel(row.personen_in_scope),
        status=VerzoekStatus(row.status),
        referentie=row.referentie,
        redencode=row.redencode,
        reden=row.reden,
        vorderingen=tuple(VorderingUitkomst(**v) for v in row.vorderingen or []),
        beantwoord_op=row.beantwoord_op,
        verwerkt_op=row.verwerkt_op,
        pogingen=row.pogingen,
        aflevering=_aflevering(row),
        geescaleerd_op=row.geescaleerd_op,
    )
