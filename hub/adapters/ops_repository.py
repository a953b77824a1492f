"""Queries for operators: dead letters and the counts of the overview. They never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.lag_samples import samples_since
from hub.adapters.orm import AuditRow, DeadLetterRow, OutboxRow, VerzoekRow
from hub.domain.dead_letter import DeadLetter, RecordedDeadLetter, Replay
from hub.domain.selectie import DeadLetterFilter, Pagina

UNKNOWN_TOPIC = ""
UNKNOWN_NUMBER = -1
"""How an origin the headers do not name is stored (a NULL would escape the unique key)."""


@dataclass(frozen=True, slots=True)
class Uitgaand:
    """A message the hub wrote to publish (its outbox row): when, where to, what."""

    at: dt.datetime
    topic: str
    event_type: str


@dataclass(frozen=True, slots=True)
class Antwoord:
    """An agency's answer the hub processed, and when the request it answers was written to the
    outbox (None: that row is purged, or the request went out another way)."""

    verwerkt_op: dt.datetime
    soort: str
    uitvoerder: str
    opgedragen_op: dt.datetime | None


@dataclass(frozen=True, slots=True)
class LagSample:
    minuut: dt.datetime
    groep: str
    achterstand: int


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    unsent: int
    oldest_unsent_at: dt.datetime | None


class DeadLetterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, letter: DeadLetter, received_at: dt.datetime) -> bool:
        """Store the letter unless it is there already; returns whether it was new."""
        row = DeadLetterRow(
            origin_topic=letter.origin_topic or UNKNOWN_TOPIC,
            origin_partition=_stored(letter.origin_partition),
            origin_offset=_stored(letter.origin_offset),
            dlq_topic=letter.dlq_topic,
            dlq_partition=letter.dlq_partition,
            dlq_offset=letter.dlq_offset,
            reason=letter.reason,
            redencode=letter.redencode,
            consumer=letter.consumer,
            failed_by=letter.failed_by,
            dead_lettered_at=letter.dead_lettered_at,
            key=letter.key,
            event_type=letter.event_type,
            event_id=letter.event_id,
            value_size=letter.value_size,
            value_sha256=letter.value_sha256,
            received_at=received_at,
        )
        existing = await self._session.scalar(
            select(DeadLetterRow.id).where(
                DeadLetterRow.origin_topic == row.origin_topic,
                DeadLetterRow.origin_partition == row.origin_partition,
                DeadLetterRow.origin_offset == row.origin_offset,
                DeadLetterRow.dlq_topic == row.dlq_topic,
                DeadLetterRow.dlq_partition == row.dlq_partition,
                DeadLetterRow.dlq_offset == row.dlq_offset,
                DeadLetterRow.value_sha256 == row.value_sha256,
            )
        )
        if existing is not None:
            return False
        self._session.add(row)
        return True

    async def newest(self, limit: int) -> list[RecordedDeadLetter]:
        rows = await self._session.scalars(
            select(DeadLetterRow)
            .order_by(DeadLetterRow.received_at.desc(), DeadLetterRow.id.desc())
            .limit(limit)
        )
        return [_recorded(row) for row in rows]

    async def count(self, *, since: dt.datetime | None = None) -> int:
        query = select(func.count()).select_from(DeadLetterRow)
        if since is not None:
            query = query.where(DeadLetterRow.received_at >= since)
        return int(await self._session.scalar(query) or 0)

    async def get(self, letter_id: int) -> RecordedDeadLetter | None:
        row = await self._session.get(DeadLetterRow, letter_id)
        return None if row is None else _recorded(row)

    async def search(self, criteria: DeadLetterFilter, page: Pagina) -> list[RecordedDeadLetter]:
        """One page of the letters that pass, newest first (the id breaks ties)."""
        rows = await self._session.scalars(
            select(DeadLetterRow)
            .where(*_conditions(criteria))
            .order_by(DeadLetterRow.received_at.desc(), DeadLetterRow.id.desc())
            .offset(page.offset)
            .limit(page.grootte)
        )
        return [_recorded(row) for row in rows]

    async def count_matching(self, criteria: DeadLetterFilter) -> int:
        query = select(func.count()).select_from(DeadLetterRow).where(*_conditions(criteria))
        return int(await self._session.scalar(query) or 0)

    async def ids_matching(self, criteria: DeadLetterFilter, limit: int) -> list[int]:
        """The ids of the letters that pass, oldest first: the order a replay goes in."""
        ids = await self._session.scalars(
            select(DeadLetterRow.id)
            .where(*_conditions(criteria))
            .order_by(DeadLetterRow.id)
            .limit(limit)
        )
        return list(ids)

    async def mark_replayed(self, letter_id: int, *, at: dt.datetime, by: str) -> None:
        """Record a replay: when, by whom, one more."""
        await self._session.execute(
            update(DeadLetterRow)
            .where(DeadLetterRow.id == letter_id)
            .values(
                replayed_at=at,
                replayed_by=by,
                replay_count=DeadLetterRow.replay_count + 1,
            )
        )


def _any_of(column: Any, values: Iterable[Any]) -> list[ColumnElement[bool]]:
    chosen = list(values)
    return [column.in_(chosen)] if chosen else []


def _conditions(criteria: DeadLetterFilter) -> list[ColumnElement[bool]]:
    row = DeadLetterRow
    conditions = [
        *_any_of(row.id, criteria.ids),
        *_any_of(row.redencode, criteria.redencodes),
        *_any_of(row.origin_topic, criteria.origin_topics),
        *_any_of(row.consumer, criteria.consumers),
        *_any_of(row.event_type, criteria.event_types),
    ]
    if criteria.vanaf is not None:
        conditions.append(row.received_at >= criteria.vanaf)
    if criteria.tot is not None:
        conditions.append(row.received_at < criteria.tot)
    if criteria.replayed is True:
        conditions.append(row.replayed_at.is_not(None))
    elif criteria.replayed is False:
        conditions.append(row.replayed_at.is_(None))
    return conditions


def _stored(number: int | None) -> int:
    return UNKNOWN_NUMBER if number is None else number


def _shown(number: int) -> int | None:
    return None if number == UNKNOWN_NUMBER else number


def _recorded(row: DeadLetterRow) -> RecordedDeadLetter:
    return RecordedDeadLetter(
        id=row.id,
        received_at=row.received_at,
        letter=DeadLetter(
            dlq_topic=row.dlq_topic,
            dlq_partition=row.dlq_partition,
            dlq_offset=row.dlq_offset,
            origin_topic=row.origin_topic or None,
            origin_partition=_shown(row.origin_partition),
            origin_offset=_shown(row.origin_offset),
            reason=row.reason,
            redencode=row.redencode,
            consumer=row.consumer,
            failed_by=row.failed_by,
            dead_lettered_at=row.dead_lettered_at,
            key=row.key,
            event_type=row.event_type,
            event_id=row.event_id,
            value_size=row.value_size,
            value_sha256=row.value_sha256,
        ),
        replay=(
            None
            if row.replayed_at is None
            else Replay(at=row.replayed_at, by=row.replayed_by or "", count=row.replay_count)
        ),
    )


class OverviewQueries:
    """Counts across all casussen, for the overview and the metrics."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def outbox_backlog(self) -> OutboxBacklog:
        row = (
            await self._session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(
                    OutboxRow.sent_at.is_(None),
                    OutboxRow.dead_at.is_(None),  # dead rows are counted apart (hub_outbox_dead)
                )
            )
        ).one()
        return OutboxBacklog(unsent=int(row[0]), oldest_unsent_at=row[1])

    async def recent_audit(self, limit: int) -> list[AuditRow]:
        """The newest audit entries across all casussen, newest first."""
        rows = await self._session.scalars(
            select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        )
        return list(rows)

    async def uitgaand_sinds(self, since: dt.datetime) -> list[Uitgaand]:
        """The messages the hub wrote to its outbox from ``since`` on (the time, not the value:
        the rows are kept for days, ``HUB_OUTBOX_RETENTION_DAYS``)."""
        rows = await self._session.execute(
            select(OutboxRow.created_at, OutboxRow.topic, OutboxRow.event_type).where(
                OutboxRow.created_at >= since
            )
        )
        return [Uitgaand(at, topic, event_type) for at, topic, event_type in rows]

    async def antwoorden_sinds(self, since: dt.datetime) -> list[Antwoord]:
        """The answers processed from ``since`` on, each with when its request was written to
        the outbox: the request's instruction id is the event id of its outbox row."""
        rows = await self._session.execute(
            select(
                VerzoekRow.verwerkt_op,
                VerzoekRow.soort,
                VerzoekRow.uitvoerder,
                OutboxRow.created_at,
            )
            .outerjoin(OutboxRow, OutboxRow.event_id == VerzoekRow.instructie_id)
            .where(VerzoekRow.verwerkt_op >= since)
        )
        return [
            Antwoord(at, soort, uitvoerder, sent)
            for at, soort, uitvoerder, sent in rows
            if at is not None  # the where clause leaves none out; the column may be null
        ]

    async def dead_letters_sinds(self, since: dt.datetime) -> list[tuple[dt.datetime, str | None]]:
        """When each dead letter from ``since`` on was received, and its reason code."""
        rows = await self._session.execute(
            select(DeadLetterRow.received_at, DeadLetterRow.redencode).where(
                DeadLetterRow.received_at >= since
            )
        )
        return [(at, code) for at, code in rows]

    async def lag_sinds(self, since: dt.datetime) -> list[LagSample]:
        """The consumer-lag samples from ``since`` on (``hub.adapters.lag_samples``)."""
        return [
            LagSample(row.minuut, row.groep, row.achterstand)
            for row in await samples_since(self._session, since)
        ]
