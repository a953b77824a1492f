"""Bridgings in the store: the bridging row, its payments, repayment requests, repayments and the
bookings of its ledger (one row per booking). Never commits.

A step is stored by :meth:`OverbruggingRepository.save`: the row is updated only where its
``versie`` is still the one read (else :class:`~hub.domain.overbrugging.GelijktijdigGewijzigd`,
and nothing is written), then the new payments, requests, repayments and bookings are inserted.
So two concurrent steps of one bridging cannot both book on the same balance, on SQLite too
(where ``SELECT ... FOR UPDATE`` is not available). The ledger read back is checked
(:meth:`~hub.domain.grootboek.Grootboek.toets`): books that do not balance fail loudly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import (
    BoekingRow,
    OverbruggingBetalingRow,
    OverbruggingRow,
    TerugbetalingRow,
    TerugbetalingsverzoekRow,
)
from hub.domain.grootboek import TE_VORDEREN, Boeking, Grootboek
from hub.domain.model import Aggregaat
from hub.domain.overbrugging import (
    Afwijzing,
    Betaling,
    Financier,
    GelijktijdigGewijzigd,
    Openstaand,
    Organisatie,
    Overbrugging,
    OverbruggingStatus,
    Terugbetaling,
    Terugbetalingsverzoek,
    Terugvordering,
    Toekenning,
    Verantwoordelijke,
)


def _org(d: dict[str, Any]) -> Organisatie:
    return Organisatie(oin=d["oin"], naam=d["naam"], soort=d["soort"])


def _org_kolom(o: Organisatie) -> dict[str, Any]:
    return {"oin": o.oin, "naam": o.naam, "soort": o.soort}


def _toekenning_kolom(t: Toekenning | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "voorfinancierder": _org_kolom(t.voorfinancierder),
        "maximum_centen": t.maximum_centen,
        "ingangsdatum": t.ingangsdatum.isoformat(),
        "toelichting": t.toelichting,
    }


def _toekenning(d: dict[str, Any] | None) -> Toekenning | None:
    if d is None:
        return None
    return Toekenning(
        voorfinancierder=_org(d["voorfinancierder"]),
        maximum_centen=int(d["maximum_centen"]),
        ingangsdatum=dt.date.fromisoformat(d["ingangsdatum"]),
        toelichting=d["toelichting"],
    )


def _verantwoordelijke_kolom(v: Verantwoordelijke | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "organisatie": _org_kolom(v.organisatie),
        "kader": v.kader,
        "motivering": v.motivering,
        "escalatie_id": v.escalatie_id,
        "aangewezen_op": v.aangewezen_op.isoformat(),
    }


def _verantwoordelijke(d: dict[str, Any] | None) -> Verantwoordelijke | None:
    if d is None:
        return None
    return Verantwoordelijke(
        organisatie=_org(d["organisatie"]),
        kader=d["kader"],
        motivering=d["motivering"],
        escalatie_id=d["escalatie_id"],
        aangewezen_op=dt.datetime.fromisoformat(d["aangewezen_op"]),
    )


def _kolommen(o: Overbrugging) -> dict[str, Any]:
    """The row's changeable columns."""
    v = o.verantwoordelijke
    return {
        "status": o.status.value,
        "besloten_op": o.besloten_op,
        "toekenning": _toekenning_kolom(o.toekenning),
        "afwijzing": None
        if o.afwijzing is None
        else {"redencode": o.afwijzing.redencode, "reden": o.afwijzing.reden},
        "verantwoordelijke_oin": None if v is None else v.organisatie.oin,
        "verantwoordelijke": _verantwoordelijke_kolom(v),
    }


def _verzoek(r: TerugbetalingsverzoekRow) -> Terugbetalingsverzoek:
    return Terugbetalingsverzoek(
        verzoek_id=r.verzoek_id,
        betaler=_org(r.betaler),
        centen=r.centen,
        uiterlijk=r.uiterlijk,
        betalingskenmerk=r.betalingskenmerk,
        gevraagd_op=r.gevraagd_op,
    )


class OverbruggingRepository:
    def __init__(
        self,
        session: AsyncSession,
        zie: Callable[[Aggregaat], None],
        clock: Callable[[], dt.datetime],
    ) -> None:
        """``zie``: tells the unit of work about each aggregate added or loaded; ``clock``: when
        a booking is written."""
        self._session = session
        self._zie = zie
        self._clock = clock

    async def add(self, overbrugging: Overbrugging) -> None:
        o = overbrugging
        self._session.add(
            OverbruggingRow(
                overbrugging_id=o.overbrugging_id,
                casus_id=o.casus_id,
                urgent=o.urgent,
                aangevraagd_op=o.aangevraagd_op,
                zorgvoorziening=o.zorgvoorziening,
                mogelijke_financiers=[
                    {**_org_kolom(f.organisatie), "kader": f.kader} for f in o.mogelijke_financiers
                ],
                geraamd_centen=o.geraamd_centen,
                aanvrager=_org_kolom(o.aanvrager),
                versie=o.versie,
                **_kolommen(o),
            )
        )
        await self._session.flush()
        await self._nieuw(o, betalingen=0, verzoeken=0, terugbetalingen=0, boekingen=0)
        self._zie(o)

    async def get(self, overbrugging_id: str, *, for_update: bool = False) -> Overbrugging | None:
        query = select(OverbruggingRow).where(OverbruggingRow.overbrugging_id == overbrugging_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        if row is None:
            return None
        o = await self._laad(row)
        self._zie(o)
        return o

    async def _laad(self, row: OverbruggingRow) -> Overbrugging:
        oid = row.overbrugging_id
        betalingen = await self._session.scalars(
            select(OverbruggingBetalingRow)
            .where(OverbruggingBetalingRow.overbrugging_id == oid)
            .order_by(OverbruggingBetalingRow.volgnummer)
        )
        verzoeken = await self._session.scalars(
            select(TerugbetalingsverzoekRow)
            .where(TerugbetalingsverzoekRow.overbrugging_id == oid)
            .order_by(TerugbetalingsverzoekRow.volgnummer)
        )
        terug = await self._session.scalars(
            select(TerugbetalingRow)
            .where(TerugbetalingRow.overbrugging_id == oid)
            .order_by(TerugbetalingRow.volgnummer)
        )
        boekingen = await self._session.scalars(
            select(BoekingRow)
            .where(BoekingRow.overbrugging_id == oid)
            .order_by(BoekingRow.volgnummer)
        )
        verantwoordelijke = _verantwoordelijke(row.verantwoordelijke)
        grootboek = Grootboek(
            tuple(Boeking(b.debet, b.credit, b.centen, b.referentie) for b in boekingen),
            None if verantwoordelijke is None else verantwoordelijke.organisatie.oin,
        )
        grootboek.toets()
        return Overbrugging(
            overbrugging_id=oid,
            casus_id=row.casus_id,
            zorgvoorziening=row.zorgvoorziening,
            mogelijke_financiers=tuple(
                Financier(_org(f), f["kader"]) for f in row.mogelijke_financiers
            ),
            geraamd_centen=row.geraamd_centen,
            aanvrager=_org(row.aanvrager),
            urgent=row.urgent,
            aangevraagd_op=row.aangevraagd_op,
            status=OverbruggingStatus(row.status),
            besloten_op=row.besloten_op,
            toekenning=_toekenning(row.toekenning),
            afwijzing=None if row.afwijzing is None else Afwijzing(**row.afwijzing),
            verantwoordelijke=verantwoordelijke,
            betalingen=[
                Betaling(
                    b.betaling_id,
                    b.centen,
                    b.ontvanger,
                    b.betaaldatum,
                    b.betalingskenmerk,
                    b.geboekt_op,
                )
                for b in betalingen
            ],
            verzoeken=[_verzoek(v) for v in verzoeken],
            terugbetalingen=[
                Terugbetaling(
                    t.terugbetaling_id, t.verzoek_id, t.centen, t.ontvangstdatum, t.geboekt_op
                )
                for t in terug
            ],
            grootboek=grootboek,
            versie=row.versie,
        )

    async def save(self, overbrugging: Overbrugging) -> None:
        o = overbrugging
        result = cast(
            CursorResult[Any],
            await self._session.execute(
                update(OverbruggingRow)
                .where(
                    OverbruggingRow.overbrugging_id == o.overbrugging_id,
                    OverbruggingRow.versie == o.versie,
                )
                .values(versie=o.versie + 1, **_kolommen(o))
            ),
        )
        if result.rowcount != 1:
            raise GelijktijdigGewijzigd(o.overbrugging_id)
        tellingen = {}
        for naam, kolom, tabel in (
            ("betalingen", OverbruggingBetalingRow.betaling_id, OverbruggingBetalingRow),
            ("verzoeken", TerugbetalingsverzoekRow.verzoek_id, TerugbetalingsverzoekRow),
            ("terugbetalingen", TerugbetalingRow.terugbetaling_id, TerugbetalingRow),
            ("boekingen", BoekingRow.id, BoekingRow),
        ):
            tellingen[naam] = int(
                await self._session.scalar(
                    select(func.count(kolom)).where(tabel.overbrugging_id == o.overbrugging_id)
                )
                or 0
            )
        o.versie += 1
        await self._nieuw(o, **tellingen)

    async def _nieuw(
        self,
        o: Overbrugging,
        *,
        betalingen: int,
        verzoeken: int,
        terugbetalingen: int,
        boekingen: int,
    ) -> None:
        """Insert what the bridging has beyond the first ``n`` stored of each kind (a step only
        appends: a payment, a request, a repayment and their bookings are never changed)."""
        oid = o.overbrugging_id
        self._session.add_all(
            OverbruggingBetalingRow(
                betaling_id=b.betaling_id,
                overbrugging_id=oid,
                volgnummer=n,
                centen=b.centen,
                ontvanger=b.ontvanger,
                betaaldatum=b.betaaldatum,
                betalingskenmerk=b.betalingskenmerk,
                geboekt_op=b.geboekt_op,
            )
            for n, b in enumerate(o.betalingen[betalingen:], start=betalingen + 1)
        )
        self._session.add_all(
            TerugbetalingsverzoekRow(
                verzoek_id=v.verzoek_id,
                overbrugging_id=oid,
                volgnummer=n,
                betaler_oin=v.betaler.oin,
                betaler=_org_kolom(v.betaler),
                centen=v.centen,
                uiterlijk=v.uiterlijk,
                betalingskenmerk=v.betalingskenmerk,
                gevraagd_op=v.gevraagd_op,
            )
            for n, v in enumerate(o.verzoeken[verzoeken:], start=verzoeken + 1)
        )
        await self._session.flush()  # the requests before the repayments that name them
        self._session.add_all(
            TerugbetalingRow(
                terugbetaling_id=t.terugbetaling_id,
                verzoek_id=t.verzoek_id,
                overbrugging_id=oid,
                volgnummer=n,
                centen=t.centen,
                ontvangstdatum=t.ontvangstdatum,
                geboekt_op=t.geboekt_op,
            )
            for n, t in enumerate(o.terugbetalingen[terugbetalingen:], start=terugbetalingen + 1)
        )
        nu = self._clock()
        self._session.add_all(
            BoekingRow(
                overbrugging_id=oid,
                volgnummer=n,
                debet=b.debet,
                credit=b.credit,
                centen=b.centen,
                referentie=b.referentie,
                geboekt_op=nu,
            )
            for n, b in enumerate(o.grootboek.boekingen[boekingen:], start=boekingen + 1)
        )
        await self._session.flush()

    async def van_casus(self, casus_id: str) -> list[str]:
        rows = await self._session.scalars(
            select(OverbruggingRow.overbrugging_id)
            .where(OverbruggingRow.casus_id == casus_id)
            .order_by(OverbruggingRow.aangevraagd_op, OverbruggingRow.overbrugging_id)
        )
        return list(rows)

    async def onbeslist(self) -> list[Overbrugging]:
        rows = await self._session.scalars(
            select(OverbruggingRow)
            .where(OverbruggingRow.status == OverbruggingStatus.AANGEVRAAGD.value)
            .order_by(OverbruggingRow.aangevraagd_op, OverbruggingRow.overbrugging_id)
        )
        return [await self._laad(row) for row in rows.all()]

    async def openstaand(self) -> list[Openstaand]:
        """Summed from the bookings: per ``te-vorderen:<OIN>`` account, debit minus credit."""
        debet = select(BoekingRow.debet.label("rekening"), BoekingRow.centen.label("centen")).where(
            BoekingRow.debet.startswith(TE_VORDEREN)
        )
        credit = select(
            BoekingRow.credit.label("rekening"), (-BoekingRow.centen).label("centen")
        ).where(BoekingRow.credit.startswith(TE_VORDEREN))
        posten = debet.union_all(credit).subquery()
        saldi = dict(
            (r, int(s))
            for r, s in await self._session.execute(
                select(posten.c.rekening, func.sum(posten.c.centen)).group_by(posten.c.rekening)
            )
        )
        rows = await self._session.execute(
            select(
                OverbruggingRow.verantwoordelijke_oin,
                OverbruggingRow.verantwoordelijke,
                OverbruggingRow.overbrugging_id,
            )
            .where(OverbruggingRow.verantwoordelijke_oin.is_not(None))
            .order_by(OverbruggingRow.verantwoordelijke_oin)
        )
        per: dict[str, Openstaand] = {}
        for oin, kolom, _ in rows:
            vorig = per.get(oin)
            org = _org(kolom["organisatie"])
            per[oin] = Openstaand(
                org,
                saldi.get(f"{TE_VORDEREN}{oin}", 0),
                1 if vorig is None else vorig.overbruggingen + 1,
            )
        return [per[oin] for oin in sorted(per)]

    async def aan(self, betaler_oin: str) -> list[Terugvordering]:
        return await self._verzoeken(TerugbetalingsverzoekRow.betaler_oin == betaler_oin)

    async def achterstallig(self, vandaag: dt.date) -> list[Terugvordering]:
        return await self._verzoeken(TerugbetalingsverzoekRow.uiterlijk < vandaag, alleen_open=True)

    async def _verzoeken(
        self, voorwaarde: ColumnElement[bool], *, alleen_open: bool = False
    ) -> list[Terugvordering]:
        """Repayment requests that meet ``voorwaarde``, each with what is still open on it (the
        request minus its repayments, summed in SQL), by last day."""
        betaald = (
            select(TerugbetalingRow.verzoek_id, func.sum(TerugbetalingRow.centen).label("centen"))
            .group_by(TerugbetalingRow.verzoek_id)
            .subquery()
        )
        open_ = TerugbetalingsverzoekRow.centen - func.coalesce(betaald.c.centen, 0)
        rows = await self._session.execute(
            select(TerugbetalingsverzoekRow, OverbruggingRow.casus_id, open_)
            .join(
                OverbruggingRow,
                OverbruggingRow.overbrugging_id == TerugbetalingsverzoekRow.overbrugging_id,
            )
            .outerjoin(betaald, betaald.c.verzoek_id == TerugbetalingsverzoekRow.verzoek_id)
            .where(voorwaarde, open_ > 0 if alleen_open else true())
            .order_by(TerugbetalingsverzoekRow.uiterlijk, TerugbetalingsverzoekRow.verzoek_id)
        )
        return [
            Terugvordering(v.overbrugging_id, casus_id, _verzoek(v), int(centen))
            for v, casus_id, centen in rows
        ]
