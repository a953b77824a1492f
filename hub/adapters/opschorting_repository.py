"""Time-outs: the order, its changes, and their requests (``verzoek``). Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.batch_cache import Checkout
from hub.adapters.ketenstatus import Ketenstatussen
from hub.adapters.orm import OpschortingRow, VerzoekRow, WijzigingRow
from hub.adapters.verzoek_repository import VerzoekRepository
from hub.domain.model import Aggregaat
from hub.domain.opschorting import Opschorting, Wijziging, WijzigingSoort
from hub.domain.verzoek import (
    ONBEANTWOORD,
    KetenStatus,
    Verzoek,
    VerzoekSoort,
)

TIME_OUT_SOORTEN = (VerzoekSoort.OPSCHORTING, VerzoekSoort.VERLENGING, VerzoekSoort.OPHEFFING)
"""The kinds of request a time-out owns (an information request is another instrument's)."""

_KIND = "opschorting"
"""Its kind in a batch's cache (``hub.adapters.batch_cache``)."""

# Built once (a statement's construction took longer than SQLite took to run it), and read as
# rows rather than ORM objects (a status written by ``_KETENSTATUS`` never leaves a stale object).
_OPSCHORTING = select(
    *(getattr(OpschortingRow, c.key) for c in OpschortingRow.__table__.columns)
).where(OpschortingRow.opschorting_id == bindparam("opschorting_id"))
_OPSCHORTING_VOOR_UPDATE = _OPSCHORTING.with_for_update()
_WIJZIGINGEN = (
    select(*(getattr(WijzigingRow, c.key) for c in WijzigingRow.__table__.columns))
    .where(WijzigingRow.opschorting_id == bindparam("opschorting_id"))
    .order_by(WijzigingRow.gewijzigd_op)
)
_KETENSTATUS = update(OpschortingRow)
"""With one parameter set per time-out (its key and ``status``): the ORM's bulk ``UPDATE`` by
primary key, one statement (executemany) for any number."""


class OpschortingRepository:
    def __init__(
        self,
        session: AsyncSession,
        zie: Callable[[Aggregaat], None],
        *,
        checkout: Checkout | None = None,
    ) -> None:
        """``zie``: tells the unit of work about each aggregate added or loaded, so the events
        it records are handled on commit. ``checkout``: in a batch of answers, the time-outs
        it loaded for update already (``hub.adapters.batch_cache``)."""
        self._session = session
        self._zie = zie
        self._checkout = checkout
        self._verzoeken = VerzoekRepository(session)
        self._ketens = Ketenstatussen(session, self._verzoeken, _KETENSTATUS, "opschorting_id")
        """Time-outs whose chain status :meth:`write` brings up to date."""

    async def add(self, opschorting: Opschorting) -> None:
        self._session.add(
            OpschortingRow(
                opschorting_id=opschorting.opschorting_id,
                casus_id=opschorting.casus_id,
                maatregelen=list(opschorting.maatregelen),
                ingangsdatum=opschorting.ingangsdatum,
                einddatum=opschorting.einddatum,
                grondslag=opschorting.grondslag,
                reden=opschorting.reden,
                opgedragen_op=opschorting.opgedragen_op,
                status=opschorting.status.value,
            )
        )
        await self._session.flush()
        self._verzoeken.add(opschorting.keten)
        self._zie(opschorting)

    async def get(self, opschorting_id: str, *, for_update: bool = False) -> Opschorting | None:
        if for_update and self._checkout is not None:
            kept = self._checkout.take(_KIND, opschorting_id)
            if isinstance(kept, Opschorting):
                self._zie(kept)
                return kept
        parameters = {"opschorting_id": opschorting_id}
        query = _OPSCHORTING_VOOR_UPDATE if for_update else _OPSCHORTING
        row = (await self._session.execute(query, parameters)).first()
        if row is None:
            return None
        verzoeken = await self._verzoeken.van_instrument(opschorting_id)
        wijzigingen = (await self._session.execute(_WIJZIGINGEN, parameters)).all()
        opschorting = Opschorting(
            opschorting_id=row.opschorting_id,
            casus_id=row.casus_id,
            maatregelen=tuple(row.maatregelen),
            ingangsdatum=row.ingangsdatum,
            einddatum=row.einddatum,
            grondslag=row.grondslag,
            reden=row.reden,
            opgedragen_op=row.opgedragen_op,
            keten=[v for v in verzoeken if v.keten_id == opschorting_id],
            wijzigingen=[
                Wijziging(
                    wijziging_id=w.wijziging_id,
                    soort=WijzigingSoort(w.soort),
                    reden=w.reden,
                    gewijzigd_op=w.gewijzigd_op,
                    nieuwe_einddatum=w.nieuwe_einddatum,
                    opheffingsdatum=w.opheffingsdatum,
                    keten=[v for v in verzoeken if v.keten_id == w.wijziging_id],
                )
                for w in wijzigingen
            ],
            opgeheven_per=row.opgeheven_per,
            verlopen_op=row.verlopen_op,
            einde_gewaarschuwd_voor=row.einde_gewaarschuwd_voor,
        )
        if for_update and self._checkout is not None:
            self._checkout.hold(_KIND, opschorting_id, opschorting)
        self._zie(opschorting)
        return opschorting

    async def save(self, opschorting: Opschorting) -> None:
        """Store a change or an expiry: the order's end, lifting and expiry, the deadline
        watcher's marks, and new changes with their requests. Requests already stored change only
        through :meth:`save_antwoord`, but for their escalation mark (set once, never cleared)."""
        await self._session.execute(
            update(OpschortingRow)
            .where(OpschortingRow.opschorting_id == opschorting.opschorting_id)
            .values(
                einddatum=opschorting.einddatum,
                opgeheven_per=opschorting.opgeheven_per,
                verlopen_op=opschorting.verlopen_op,
                einde_gewaarschuwd_voor=opschorting.einde_gewaarschuwd_voor,
            )
        )
        await self._markeer_geescaleerd(opschorting)
        bekend = set(
            await self._session.scalars(
                select(WijzigingRow.wijziging_id).where(
                    WijzigingRow.opschorting_id == opschorting.opschorting_id
                )
            )
        )
        for wijziging in opschorting.wijzigingen:
            if wijziging.wijziging_id in bekend:
                continue
            self._session.add(
                WijzigingRow(
                    wijziging_id=wijziging.wijziging_id,
                    opschorting_id=opschorting.opschorting_id,
                    soort=wijziging.soort.value,
                    reden=wijziging.reden,
                    gewijzigd_op=wijziging.gewijzigd_op,
                    nieuwe_einddatum=wijziging.nieuwe_einddatum,
                    opheffingsdatum=wijziging.opheffingsdatum,
                )
            )
            await self._session.flush()
            self._verzoeken.add(wijziging.keten)

    async def _markeer_geescaleerd(self, opschorting: Opschorting) -> None:
        per_moment: dict[dt.datetime, list[str]] = {}
        for verzoek in opschorting.verzoeken():
            if verzoek.geescaleerd_op is not None:
                per_moment.setdefault(verzoek.geescaleerd_op, []).append(verzoek.instructie_id)
        for moment, ids in per_moment.items():
            await self._session.execute(
                update(VerzoekRow)
                .where(VerzoekRow.instructie_id.in_(ids), VerzoekRow.geescaleerd_op.is_(None))
                .values(geescaleerd_op=moment)
            )

    async def save_antwoord(self, opschorting: Opschorting, verzoek: Verzoek) -> None:
        """Store one answered request; the order's chain status follows when the unit of work
        commits (:meth:`write`)."""
        await self._verzoeken.save(verzoek)
        self._ketens.add(opschorting.opschorting_id)

    def take(self) -> set[str]:
        """The time-outs whose chain status is to be written, handed over (a batch of answers
        writes them all when it commits)."""
        return self._ketens.take()

    async def write(self, ketens: Iterable[str] = ()) -> None:
        """Store the chain status of each of the time-outs answered in this unit of work (and of
        ``ketens``): ``hub.adapters.ketenstatus``."""
        await self._ketens.write(ketens)

    async def lopend_tot_voor(self, dag: dt.date) -> list[str]:
        """Ids of time-outs neither lifted nor expired whose last day lies before ``dag``."""
        rows = await self._session.scalars(
            select(OpschortingRow.opschorting_id).where(
                OpschortingRow.opgeheven_per.is_(None),
                OpschortingRow.verlopen_op.is_(None),
                OpschortingRow.einddatum < dag,
            )
        )
        return list(rows)

    async def met_late_schakels(self, nu: dt.datetime) -> list[str]:
        """Ids of time-outs with a request (of the order or a change) unanswered past its
        deadline at ``nu`` and not escalated yet."""
        rows = await self._session.scalars(
            select(VerzoekRow.instrument_id)
            .where(
                VerzoekRow.soort.in_([s.value for s in TIME_OUT_SOORTEN]),
                VerzoekRow.status.in_([s.value for s in ONBEANTWOORD]),
                VerzoekRow.reageer_uiterlijk < nu,
                VerzoekRow.geescaleerd_op.is_(None),
            )
            .distinct()
            .order_by(VerzoekRow.instrument_id)
        )
        return list(rows)

    async def eindigend_ongewaarschuwd(self, tot: dt.date) -> list[str]:
        """Ids of running time-outs whose last day lies on or before ``tot`` and whose end
        date was not warned of yet."""
        gewaarschuwd = OpschortingRow.einde_gewaarschuwd_voor
        rows = await self._session.scalars(
            select(OpschortingRow.opschorting_id)
            .where(
                OpschortingRow.opgeheven_per.is_(None),
                OpschortingRow.verlopen_op.is_(None),
                OpschortingRow.einddatum <= tot,
                gewaarschuwd.is_(None) | (gewaarschuwd != OpschortingRow.einddatum),
            )
            .order_by(OpschortingRow.einddatum, OpschortingRow.opschorting_id)
        )
        return list(rows)

    async def for_casus(self, casus_id: str) -> list[str]:
        rows = await self._session.scalars(
            select(OpschortingRow.opschorting_id)
            .where(OpschortingRow.casus_id == casus_id)
            .order_by(OpschortingRow.opgedragen_op)
        )
        return list(rows)

    async def per_status(self) -> dict[KetenStatus, int]:
        """Time-out orders by the chain status stored with each (set by the one rule,
        ``hub.domain.verzoek.keten_status``, whenever an answer is recorded)."""
        rows = await self._session.execute(
            select(OpschortingRow.status, func.count()).group_by(OpschortingRow.status)
        )
        counts = dict.fromkeys(KetenStatus, 0)
        for status, count in rows:
            counts[KetenStatus(status)] = count
        return counts
