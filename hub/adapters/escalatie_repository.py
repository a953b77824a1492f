"""Escalations to the LET: the escalation row (dossier, invitations, meeting, decision as JSON),
its actions and its knelpunten; the knelpunten asked about and counted in SQL. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import EscalatieActiepuntRow, EscalatieRow, KnelpuntPartijRow, KnelpuntRow
from hub.domain.escalatie import (
    GEEN_REGELING,
    Actiepunt,
    Besluit,
    Contactpunt,
    Document,
    Dossier,
    Escalatie,
    EscalatieStatus,
    Instrumentstand,
    Knelpunt,
    KnelpuntFilter,
    Knelpuntregel,
    Knelpunttelling,
    Overleg,
    Uitnodiging,
    maanden_van,
)
from hub.domain.model import Aggregaat
from hub.domain.selectie import Pagina
from schemas.casus import Urgentie
from schemas.escalatie import Knelpuntcategorie, Uitkomst
from schemas.gedeeld import Partij, Regel


def _partij(p: Partij) -> dict[str, Any]:
    return p.model_dump(mode="json")


def _dossier_kolom(d: Dossier) -> dict[str, Any]:
    return {
        "samenvatting": d.samenvatting,
        "vraag": d.vraag,
        "geprobeerd": d.geprobeerd,
        "betrokken_partijen": [_partij(p) for p in d.betrokken_partijen],
        "lopende_instrumenten": [
            {"soort": i.soort, "id": i.id, "status": i.status, "omschrijving": i.omschrijving}
            for i in d.lopende_instrumenten
        ],
        "documenten": [{"kenmerk": doc.kenmerk, "titel": doc.titel} for doc in d.documenten],
    }


def _dossier(d: dict[str, Any]) -> Dossier:
    return Dossier(
        samenvatting=d["samenvatting"],
        vraag=d["vraag"],
        geprobeerd=d["geprobeerd"],
        betrokken_partijen=tuple(Partij.model_validate(p) for p in d["betrokken_partijen"]),
        lopende_instrumenten=tuple(Instrumentstand(**i) for i in d["lopende_instrumenten"]),
        documenten=tuple(Document(**doc) for doc in d["documenten"]),
    )


def _uitnodiging_kolom(u: Uitnodiging) -> dict[str, Any]:
    contact = u.contact
    return {
        "partij": _partij(u.partij),
        "functie": u.functie,
        "contact": None
        if contact is None
        else {"team": contact.team, "email": contact.email, "telefoon": contact.telefoon},
    }


def _uitnodiging(u: dict[str, Any]) -> Uitnodiging:
    return Uitnodiging(
        partij=Partij.model_validate(u["partij"]),
        functie=u["functie"],
        contact=None if u["contact"] is None else Contactpunt(**u["contact"]),
    )


def _overleg_kolom(o: Overleg | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        "overleg_id": o.overleg_id,
        "aanvang": o.aanvang.isoformat(),
        "duur_minuten": o.duur_minuten,
        "locatie": o.locatie,
        "agenda": list(o.agenda),
        "gepland_op": o.gepland_op.isoformat(),
        "gepland_door": o.gepland_door,
    }


def _overleg(o: dict[str, Any] | None) -> Overleg | None:
    if o is None:
        return None
    return Overleg(
        overleg_id=o["overleg_id"],
        aanvang=dt.datetime.fromisoformat(o["aanvang"]),
        duur_minuten=o["duur_minuten"],
        locatie=o["locatie"],
        agenda=tuple(o["agenda"]),
        gepland_op=dt.datetime.fromisoformat(o["gepland_op"]),
        gepland_door=o["gepland_door"],
    )


def _besluit_kolom(b: Besluit | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {
        "uitkomst": b.uitkomst.value,
        "besluit": b.besluit,
        "verantwoordelijke": None if b.verantwoordelijke is None else _partij(b.verantwoordelijke),
        "vastgesteld_op": b.vastgesteld_op.isoformat(),
        "vastgesteld_door": b.vastgesteld_door,
    }


def _besluit(b: dict[str, Any] | None) -> Besluit | None:
    if b is None:
        return None
    v = b["verantwoordelijke"]
    return Besluit(
        uitkomst=Uitkomst(b["uitkomst"]),
        besluit=b["besluit"],
        verantwoordelijke=None if v is None else Partij.model_validate(v),
        vastgesteld_op=dt.datetime.fromisoformat(b["vastgesteld_op"]),
        vastgesteld_door=b["vastgesteld_door"],
    )


def _knelpunt(row: KnelpuntRow) -> Knelpunt:
    return Knelpunt(
        knelpunt_id=row.knelpunt_id,
        categorie=Knelpuntcategorie(row.categorie),
        regel=None if row.regel is None else Regel.model_validate(row.regel),
        omschrijving=row.omschrijving,
        betrokken_partijen=tuple(Partij.model_validate(p) for p in row.betrokken_partijen),
        voorstel=row.voorstel,
        geregistreerd_op=row.geregistreerd_op,
    )


def _actiepunt(row: EscalatieActiepuntRow) -> Actiepunt:
    return Actiepunt(
        nummer=row.nummer,
        omschrijving=row.omschrijving,
        verantwoordelijke=Partij.model_validate(row.verantwoordelijke),
        uiterlijk=row.uiterlijk,
        afgerond_op=row.afgerond_op,
        toelichting=row.toelichting,
    )


def _gefilterd(query: Select[Any], f: KnelpuntFilter) -> Select[Any]:
    if f.categorieen:
        query = query.where(KnelpuntRow.categorie.in_([c.value for c in f.categorieen]))
    if f.regeling is not None:
        query = query.where(func.lower(KnelpuntRow.regeling) == f.regeling.lower())
    if f.oin is not None:
        query = query.where(
            KnelpuntRow.knelpunt_id.in_(
                select(KnelpuntPartijRow.knelpunt_id).where(KnelpuntPartijRow.oin == f.oin)
            )
        )
    if f.vanaf_maand is not None:
        query = query.where(KnelpuntRow.maand >= f.vanaf_maand)
    if f.tot_en_met_maand is not None:
        query = query.where(KnelpuntRow.maand <= f.tot_en_met_maand)
    return query


class EscalatieRepository:
    def __init__(self, session: AsyncSession, zie: Callable[[Aggregaat], None]) -> None:
        """``zie``: tells the unit of work about each aggregate added or loaded."""
        self._session = session
        self._zie = zie

    async def add(self, e: Escalatie) -> None:
        self._session.add(
            EscalatieRow(
                escalatie_id=e.escalatie_id,
                casus_id=e.casus_id,
                status=e.status.value,
                urgentie=e.urgentie.value,
                aangemeld_door=e.aangemeld_door,
                aangemeld_op=e.aangemeld_op,
                dossier=_dossier_kolom(e.dossier),
                uitnodigingen=[_uitnodiging_kolom(u) for u in e.uitnodigingen],
                overleg=_overleg_kolom(e.overleg),
                besluit=_besluit_kolom(e.besluit),
            )
        )
        await self._session.flush()
        await self._bewaar_delen(e)
        self._zie(e)

    async def get(self, escalatie_id: str, *, for_update: bool = False) -> Escalatie | None:
        query = select(EscalatieRow).where(EscalatieRow.escalatie_id == escalatie_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        if row is None:
            return None
        escalatie = await self._van_rij(row)
        self._zie(escalatie)
        return escalatie

    async def _van_rij(self, row: EscalatieRow) -> Escalatie:
        acties = await self._session.scalars(
            select(EscalatieActiepuntRow)
            .where(EscalatieActiepuntRow.escalatie_id == row.escalatie_id)
            .order_by(EscalatieActiepuntRow.nummer)
        )
        knelpunten = await self._session.scalars(
            select(KnelpuntRow)
            .where(KnelpuntRow.escalatie_id == row.escalatie_id)
            .order_by(KnelpuntRow.geregistreerd_op, KnelpuntRow.knelpunt_id)
        )
        return Escalatie(
            escalatie_id=row.escalatie_id,
            casus_id=row.casus_id,
            aangemeld_door=row.aangemeld_door,
            aangemeld_op=row.aangemeld_op,
            urgentie=Urgentie(row.urgentie),
            dossier=_dossier(row.dossier),
            uitnodigingen=tuple(_uitnodiging(u) for u in row.uitnodigingen),
            status=EscalatieStatus(row.status),
            overleg=_overleg(row.overleg),
            besluit=_besluit(row.besluit),
            actiepunten=[_actiepunt(a) for a in acties],
            knelpunten=[_knelpunt(k) for k in knelpunten],
        )

    async def save(self, e: Escalatie) -> None:
        """Store a step: status, meeting and decision; actions and knelpunten that are new or
        changed (an action's number and a knelpunt's id are their keys)."""
        await self._session.execute(
            update(EscalatieRow)
            .where(EscalatieRow.escalatie_id == e.escalatie_id)
            .values(
                status=e.status.value,
                overleg=_overleg_kolom(e.overleg),
                besluit=_besluit_kolom(e.besluit),
            )
        )
        await self._bewaar_delen(e)

    async def _bewaar_delen(self, e: Escalatie) -> None:
        acties = {
            a.nummer: a
            for a in await self._session.scalars(
                select(EscalatieActiepuntRow).where(
                    EscalatieActiepuntRow.escalatie_id == e.escalatie_id
                )
            )
        }
        for a in e.actiepunten:
            row = acties.get(a.nummer)
            if row is None:
                self._session.add(
                    EscalatieActiepuntRow(
                        escalatie_id=e.escalatie_id,
                        nummer=a.nummer,
                        omschrijving=a.omschrijving,
                        verantwoordelijke=_partij(a.verantwoordelijke),
                        verantwoordelijke_oin=a.verantwoordelijke.oin,
                        uiterlijk=a.uiterlijk,
                        afgerond_op=a.afgerond_op,
                        toelichting=a.toelichting,
                    )
                )
            else:
                row.afgerond_op, row.toelichting = a.afgerond_op, a.toelichting
        bestaand = set(
            await self._session.scalars(
                select(KnelpuntRow.knelpunt_id).where(KnelpuntRow.escalatie_id == e.escalatie_id)
            )
        )
        for k in e.knelpunten:
            if k.knelpunt_id in bestaand:
                continue
            self._session.add(
                KnelpuntRow(
                    knelpunt_id=k.knelpunt_id,
                    escalatie_id=e.escalatie_id,
                    casus_id=e.casus_id,
                    categorie=k.categorie.value,
                    regeling=k.regel.regeling if k.regel is not None else None,
                    regel=None
                    if k.regel is None
                    else k.regel.model_dump(mode="json", exclude_none=True),
                    omschrijving=k.omschrijving,
                    betrokken_partijen=[_partij(p) for p in k.betrokken_partijen],
                    voorstel=k.voorstel,
                    geregistreerd_op=k.geregistreerd_op,
                    maand=k.maand,
                )
            )
            await self._session.flush()
            for p in k.betrokken_partijen:
                self._session.add(KnelpuntPartijRow(knelpunt_id=k.knelpunt_id, oin=p.oin))
        await self._session.flush()

    async def van_casus(self, casus_id: str) -> list[str]:
        rows = await self._session.scalars(
            select(EscalatieRow.escalatie_id)
            .where(EscalatieRow.casus_id == casus_id)
            .order_by(EscalatieRow.aangemeld_op, EscalatieRow.escalatie_id)
        )
        return list(rows)

    async def zoek(
        self, statussen: Sequence[EscalatieStatus], pagina: Pagina
    ) -> tuple[list[Escalatie], int]:
        query = select(EscalatieRow)
        if statussen:
            query = query.where(EscalatieRow.status.in_([s.value for s in statussen]))
        totaal = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.scalars(
            query.order_by(EscalatieRow.aangemeld_op.desc(), EscalatieRow.escalatie_id)
            .offset(pagina.offset)
            .limit(pagina.grootte)
        )
        return [await self._van_rij(r) for r in rows], int(totaal or 0)

    async def knelpunten(
        self, filter: KnelpuntFilter, pagina: Pagina
    ) -> tuple[list[Knelpuntregel], int]:
        query = _gefilterd(select(KnelpuntRow), filter)
        totaal = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await self._session.scalars(
            query.order_by(KnelpuntRow.geregistreerd_op.desc(), KnelpuntRow.knelpunt_id)
            .offset(pagina.offset)
            .limit(pagina.grootte)
        )
        return [Knelpuntregel(r.escalatie_id, r.casus_id, _knelpunt(r)) for r in rows], int(
            totaal or 0
        )

    async def tel_knelpunten(self, filter: KnelpuntFilter) -> Knelpunttelling:
        async def per(kolom: Any) -> dict[str, int]:
            query = _gefilterd(select(kolom, func.count()).select_from(KnelpuntRow), filter)
            rows = await self._session.execute(query.group_by(kolom))
            return {(k if k is not None else GEEN_REGELING): int(n) for k, n in rows}

        categorie = await per(KnelpuntRow.categorie)
        regeling = await per(KnelpuntRow.regeling)
        maand = await per(KnelpuntRow.maand)
        return Knelpunttelling(
            totaal=sum(categorie.values()),
            per_categorie={c.value: categorie.get(c.value, 0) for c in Knelpuntcategorie},
            per_regeling=dict(sorted(regeling.items(), key=lambda kv: (-kv[1], kv[0]))),
            per_maand={m: maand.get(m, 0) for m in maanden_van(min(maand), max(maand))}
            if maand
            else {},
        )

    async def tel_achterstallig(self, vandaag: dt.date) -> int:
        totaal = await self._session.scalar(
            select(func.count())
            .select_from(EscalatieActiepuntRow)
            .where(EscalatieActiepuntRow.afgerond_op.is_(None))
            .where(EscalatieActiepuntRow.uiterlijk < vandaag)
        )
        return int(totaal or 0)
