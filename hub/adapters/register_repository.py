"""The Landelijk Maatwerkregister in the store: entries to rows and back, and its search.

An entry is ``register_inschrijving`` (one row per OIN, a removed one keeps its row) and
``register_domein`` (a row per domain, so the search filters on a plain index). The repository
never commits; the unit of work does.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Select, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import RegisterDomeinRow, RegistratieRow
from hub.domain.model import Aggregaat
from hub.domain.register import Contact, Gegevens, Mandaat, Registerfilter, Registratie
from hub.domain.selectie import Pagina
from schemas.gedeeld import Partijsoort


class RegisterRepository:
    def __init__(self, session: AsyncSession, zie: Callable[[Aggregaat], None]) -> None:
        self._session = session
        self._zie = zie

    async def get(self, oin: str, *, met_verwijderd: bool = False) -> Registratie | None:
        """The organisation's entry; None when it has none (or, unless ``met_verwijderd``, when
        it removed it)."""
        row = await self._session.get(RegistratieRow, oin)
        if row is None or (row.verwijderd_op is not None and not met_verwijderd):
            return None
        [registratie] = await self._assemble([row])
        self._zie(registratie)
        return registratie

    async def add(self, registratie: Registratie) -> None:
        self._session.add(_row(registratie))
        await self._session.flush()
        self._add_domeinen(registratie)
        self._zie(registratie)

    async def save(self, registratie: Registratie) -> None:
        await self._session.merge(_row(registratie))
        await self._session.execute(
            delete(RegisterDomeinRow).where(
                RegisterDomeinRow.organisatie_oin == registratie.organisatie_oin
            )
        )
        self._add_domeinen(registratie)

    async def contacten(self, oins: Iterable[str]) -> dict[str, Contact]:
        """The registered contact of each of these organisations that has one."""
        wanted = sorted(set(oins))
        if not wanted:
            return {}
        rows = await self._session.scalars(
            select(RegistratieRow).where(
                RegistratieRow.organisatie_oin.in_(wanted), RegistratieRow.verwijderd_op.is_(None)
            )
        )
        return {
            row.organisatie_oin: Contact(
                organisatie_oin=row.organisatie_oin,
                organisatie_naam=row.organisatie_naam,
                team=row.team,
                email=row.email,
                telefoon=row.telefoon,
            )
            for row in rows
        }

    async def zoek(
        self, filters: Registerfilter, pagina: Pagina
    ) -> tuple[builtins.list[Registratie], int]:
        """One page of the current entries that pass ``filters``, by organisation name, and how
        many pass in all."""
        query = _gefilterd(filters)
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = (
            await self._session.scalars(
                query.order_by(RegistratieRow.organisatie_naam, RegistratieRow.organisatie_oin)
                .offset(pagina.offset)
                .limit(pagina.grootte)
            )
        ).all()
        return await self._assemble(rows), total or 0

    def _add_domeinen(self, registratie: Registratie) -> None:
        for positie, domein in enumerate(registratie.gegevens.domeinen):
            self._session.add(
                RegisterDomeinRow(
                    organisatie_oin=registratie.organisatie_oin, domein=domein, positie=positie
                )
            )

    async def _assemble(self, rows: Sequence[RegistratieRow]) -> builtins.list[Registratie]:
        oins = [row.organisatie_oin for row in rows]
        domeinen: dict[str, builtins.list[str]] = {}
        if oins:
            # Columns, not rows: no domain row enters the session, so ``save`` can replace them.
            for oin, domein in await self._session.execute(
                select(RegisterDomeinRow.organisatie_oin, RegisterDomeinRow.domein)
                .where(RegisterDomeinRow.organisatie_oin.in_(oins))
                .order_by(RegisterDomeinRow.positie)
            ):
                domeinen.setdefault(oin, []).append(domein)
        return [_registratie(row, tuple(domeinen.get(row.organisatie_oin, ()))) for row in rows]


def _row(registratie: Registratie) -> RegistratieRow:
    g = registratie.gegevens
    return RegistratieRow(
        organisatie_oin=registratie.organisatie_oin,
        organisatie_naam=g.organisatie_naam,
        organisatiesoort=g.organisatiesoort.value,
        team=g.team,
        email=g.email,
        telefoon=g.telefoon,
        mandaat=_mandaat_json(g.mandaat),
        geregistreerd_op=registratie.geregistreerd_op,
        gewijzigd_op=registratie.gewijzigd_op,
        verwijderd_op=registratie.verwijderd_op,
    )


def _mandaat_json(mandaat: Mandaat) -> dict[str, Any]:
    return {
        "omschrijving": mandaat.omschrijving,
        "verleend_door": mandaat.verleend_door,
        "instrumenten": list(mandaat.instrumenten),
        "maximum_bedrag_centen": mandaat.maximum_bedrag_centen,
    }


def _registratie(row: RegistratieRow, domeinen: tuple[str, ...]) -> Registratie:
    m = row.mandaat
    return Registratie(
        organisatie_oin=row.organisatie_oin,
        gegevens=Gegevens(
            organisatie_naam=row.organisatie_naam,
            organisatiesoort=Partijsoort(row.organisatiesoort),
            team=row.team,
            email=row.email,
            telefoon=row.telefoon,
            mandaat=Mandaat(
                omschrijving=m["omschrijving"],
                verleend_door=m["verleend_door"],
                instrumenten=tuple(m.get("instrumenten") or ()),
                maximum_bedrag_centen=m.get("maximum_bedrag_centen"),
            ),
            domeinen=domeinen,
        ),
        geregistreerd_op=row.geregistreerd_op,
        gewijzigd_op=row.gewijzigd_op,
        verwijderd_op=row.verwijderd_op,
    )


def _gefilterd(filters: Registerfilter) -> Select[RegistratieRow]:
    query = select(RegistratieRow).where(RegistratieRow.verwijderd_op.is_(None))
    if filters.organisaties:
        query = query.where(RegistratieRow.organisatie_oin.in_(filters.organisaties))
    if filters.soorten:
        query = query.where(RegistratieRow.organisatiesoort.in_([s.value for s in filters.soorten]))
    if filters.domeinen:
        query = query.where(
            exists().where(
                RegisterDomeinRow.organisatie_oin == RegistratieRow.organisatie_oin,
                RegisterDomeinRow.domein.in_(filters.domeinen),
            )
        )
    if filters.naam:
        patroon = f"%{_escape_like(filters.naam.lower())}%"
        query = query.where(
            or_(
                func.lower(RegistratieRow.organisatie_naam).like(patroon, escape="\\"),
                func.lower(RegistratieRow.team).like(patroon, escape="\\"),
            )
        )
    return query


def _escape_like(text: str) -> str:
    """A name searched for literally: ``%`` and ``_`` are not wildcards here."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
