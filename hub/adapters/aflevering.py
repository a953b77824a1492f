"""The store of HTTPS delivery: subscriptions, and one feed row per message per subscription.

The feed is written with the outbox, in the same transaction (:func:`schrijf_feed`, called by
the unit of work on commit): a message addressed to a party gets a row for each of that party's
live subscriptions that asked for its type. Not derived from the outbox: an outbox row is purged
a week after Kafka took it and knows no addressee (a repayment request names its party inside
the data, on a topic many read), while a party may pull days later, acknowledges at its own
pace and needs its own attempt count, next attempt and dead mark per message. The row's ``seq``
is the pull cursor (monotonic, one sequence for all subscriptions: a party sees gaps, never a
step back).

Like every repository these never commit; the unit of work (or the push worker's own session)
does.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Integer,
    Select,
    bindparam,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.adapters.orm import AbonnementRow, AfleveringRow, UtcDateTime
from hub.domain.aflevering import geadresseerden
from schemas import CloudEvent

PUSH = "https-push"
PULL = "http-pull"


async def schrijf_feed(
    session: AsyncSession,
    berichten: Sequence[tuple[CloudEvent[Any], str]],
    now: dt.datetime,
    *,
    oin_van: Callable[[str], str | None],
) -> int:
    """Add a feed row for every live subscription a message is addressed to; returns how many."""
    adressen = {
        event.id: geadresseerden(event.type, event.data, topic, oin_van)
        for event, topic in berichten
    }
    oins = set().union(*adressen.values()) if adressen else set()
    if not oins:
        return 0
    abonnementen = (
        await session.scalars(
            select(AbonnementRow).where(
                AbonnementRow.oin.in_(oins), AbonnementRow.beeindigd_op.is_(None)
            )
        )
    ).all()
    count = 0
    for event, _topic in berichten:
        for abonnement in abonnementen:
            if abonnement.oin in adressen[event.id] and event.type in abonnement.types:
                session.add(
                    AfleveringRow(
                        abonnement_id=abonnement.abonnement_id,
                        event_id=event.id,
                        event_type=event.type,
                        key=event.subject or event.id,
                        value=event.to_bytes(),
                        created_at=now,
                        execute_after=now,
                        attempts=0,
                    )
                )
                count += 1
    return count


class AbonnementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def add(self, row: AbonnementRow) -> None:
        self._session.add(row)

    def _los(self, rows: Sequence[Any]) -> None:
        """Detach what is read, so it stays readable after the unit of work rolled back (which
        expires what its session holds)."""
        for row in rows:
            if row is not None and row in self._session:
                self._session.expunge(row)

    async def get(self, abonnement_id: str) -> AbonnementRow | None:
        row = await self._session.get(AbonnementRow, abonnement_id, populate_existing=True)
        self._los([row])
        return row

    async def van(self, oin: str) -> list[AbonnementRow]:
        query = (
            select(AbonnementRow)
            .where(AbonnementRow.oin == oin)
            .order_by(AbonnementRow.aangemaakt_op, AbonnementRow.abonnement_id)
        )
        found = list((await self._session.scalars(query)).all())
        self._los(found)
        return found

    async def alle(self) -> list[AbonnementRow]:
        query = select(AbonnementRow).order_by(AbonnementRow.aangemaakt_op)
        found = list((await self._session.scalars(query)).all())
        self._los(found)
        return found

    async def beeindig(self, abonnement_id: str, now: dt.datetime, reden: str) -> bool:
        """End a live subscription; False when it ended already."""
        result = cast(
            CursorResult[Any],
            await self._session.execute(
                update(AbonnementRow)
                .where(
                    AbonnementRow.abonnement_id == abonnement_id,
                    AbonnementRow.beeindigd_op.is_(None),
                )
                .values(beeindigd_op=now, reden=reden[:200])
            ),
        )
        return result.rowcount == 1

    async def feed(self, abonnement_id: str, after: int, limit: int) -> list[AfleveringRow]:
        """The messages of a subscription after a cursor, in order."""
        query = (
            select(AfleveringRow)
            .where(AfleveringRow.abonnement_id == abonnement_id, AfleveringRow.seq > after)
            .order_by(AfleveringRow.seq)
            .limit(limit)
        )
        found = list((await self._session.scalars(query)).all())
        self._los(found)
        return found

    async def bevestig(self, abonnement_id: str, cursor: int, now: dt.datetime) -> int:
        """Record that the party processed everything up to ``cursor`` (never backwards);
        returns the acknowledged position."""
        await self._session.execute(
            update(AfleveringRow)
            .where(
                AfleveringRow.abonnement_id == abonnement_id,
                AfleveringRow.seq <= cursor,
                AfleveringRow.afgeleverd_op.is_(None),
            )
            .values(afgeleverd_op=now)
        )
        await self._session.execute(
            update(AbonnementRow)
            .where(
                AbonnementRow.abonnement_id == abonnement_id,
                AbonnementRow.bevestigd_tot < cursor,
            )
            .values(bevestigd_tot=cursor)
        )
        query = select(AbonnementRow.bevestigd_tot).where(
            AbonnementRow.abonnement_id == abonnement_id
        )
        return int(await self._session.scalar(query) or 0)

    async def hoogste(self, abonnement_id: str) -> int:
        """The last feed position of a subscription (0: none yet)."""
        query = select(func.max(AfleveringRow.seq)).where(
            AfleveringRow.abonnement_id == abonnement_id
        )
        return int(await self._session.scalar(query) or 0)

    async def dood(self, limit: int) -> list[tuple[AfleveringRow, AbonnementRow]]:
        """Dead-lettered deliveries, newest first, with their subscription (for operators)."""
        query = (
            select(AfleveringRow, AbonnementRow)
            .join(AbonnementRow)
            .where(AfleveringRow.dead_at.is_not(None))
            .order_by(AfleveringRow.seq.desc())
            .limit(limit)
        )
        found = [(a, b) for a, b in (await self._session.execute(query)).all()]
        self._los([r for pair in found for r in pair])
        return found

    async def tel_dood(self) -> int:
        query = select(func.count()).select_from(AfleveringRow)
        return int(await self._session.scalar(query.where(AfleveringRow.dead_at.is_not(None))) or 0)

    async def purge(self, before: dt.datetime) -> int:
        """Remove feed rows older than the retention (delivered, dead or never fetched: a
        party that did not pull within the retention has lost them; the period is its promise)."""
        result = cast(
            CursorResult[Any],
            await self._session.execute(
                delete(AfleveringRow).where(AfleveringRow.created_at < before)
            ),
        )
        return int(result.rowcount or 0)


@functools.cache
def te_bezorgen() -> Select[AfleveringRow, AbonnementRow]:
    """Push rows whose time has come (parameter ``now``), in order, at most ``limit``, of live
    push subscriptions not paused by their receiver (429), except those behind
    an earlier row of their subscription and casus that is neither delivered nor dead: per
    casus the order holds, other casussen go on.

    Built once, like the outbox relay's question (``hub.adapters.outbox.due_rows``): the push
    worker asks after every commit that writes outbox rows and every ``webhook_poll_seconds``,
    and building the statement (an aliased subquery) took more Python than the answer."""
    now = bindparam("now", type_=UtcDateTime())
    eerder = aliased(AfleveringRow)
    blocked = exists().where(
        eerder.abonnement_id == AfleveringRow.abonnement_id,
        eerder.key == AfleveringRow.key,
        eerder.seq < AfleveringRow.seq,
        eerder.afgeleverd_op.is_(None),
        eerder.dead_at.is_(None),
    )
    return (
        select(AfleveringRow, AbonnementRow)
        .join(AbonnementRow)
        .where(
            AbonnementRow.protocol == PUSH,
            AbonnementRow.beeindigd_op.is_(None),
            or_(AbonnementRow.wacht_tot.is_(None), AbonnementRow.wacht_tot <= now),
            AfleveringRow.afgeleverd_op.is_(None),
            AfleveringRow.dead_at.is_(None),
            AfleveringRow.execute_after <= now,
            ~blocked,
        )
        .order_by(AfleveringRow.seq)
        .limit(bindparam("limit", type_=Integer()))
    )
