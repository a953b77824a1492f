"""Consumer lag over time: one sample per consumer group per minute, in the store.

The lag monitor (``hub.adapters.consumer_lag``) measures every few seconds; the gauge of
``/metrics`` holds only the latest measurement. For the dashboard's chart of lag over time each
hub process writes, once a minute, each group's total lag (over its partitions) into
``consumer_lag_sample``. A table rather than a ring buffer in the process: the chart survives a
restart, and with two hubs behind a load balancer every request sees the same series (the first
hub to write a group's minute wins; the other's insert is a no-op). Samples older than
:data:`RETENTION` are deleted with each write, so the table stays small (a few groups x 2,880
minutes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.adapters.consumer_lag import Lag
from hub.adapters.orm import LagSampleRow

log = structlog.get_logger(__name__)

RETENTION = dt.timedelta(days=2)
"""How long a sample is kept: longer than the dashboard's longest window (24 h)."""


def minute_of(at: dt.datetime) -> dt.datetime:
    return at.replace(second=0, microsecond=0)


def totals(lags: Iterable[Lag]) -> dict[str, int]:
    """Each group's lag over all its partitions."""
    per_group: dict[str, int] = {}
    for lag in lags:
        per_group[lag.group] = per_group.get(lag.group, 0) + lag.lag
    return per_group


class LagSamples:
    """Writes the lag of the groups once per minute; :meth:`record` is called every round."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._written: dt.datetime | None = None

    async def record(self, at: dt.datetime, lags: Sequence[Lag]) -> bool:
        """Write this minute's sample (the first measurement of the minute); False when this
        minute was written already, by this process or another hub."""
        minute = minute_of(at)
        if minute == self._written or not lags:
            return False
        self._written = minute
        rows = [
            LagSampleRow(groep=group, minuut=minute, achterstand=total)
            for group, total in sorted(totals(lags).items())
        ]
        async with self._sessions() as session:
            await session.execute(
                delete(LagSampleRow).where(LagSampleRow.minuut < minute - RETENTION)
            )
            session.add_all(rows)
            try:
                await session.commit()
            except IntegrityError:  # another hub wrote this minute first
                await session.rollback()
                return False
        return True


async def samples_since(session: AsyncSession, since: dt.datetime) -> list[LagSampleRow]:
    """The samples from ``since`` on, oldest first."""
    rows = await session.scalars(
        select(LagSampleRow)
        .where(LagSampleRow.minuut >= since)
        .order_by(LagSampleRow.minuut, LagSampleRow.groep)
    )
    return list(rows)
