"""The chain status of orders and requests answered in a unit of work, written when it commits.

A time-out and an information request each keep their chain's status (``hub.domain.verzoek.
keten_status``) in a column of their own row. Answers to them only name the chain; when the unit
of work commits, the status of every chain named is read from its stored requests (after the
answers were written, so concurrent answers to one chain all count, on SQLite too) and written in
one statement: two statements for any number of chains.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.verzoek_repository import VerzoekRepository
from hub.domain.verzoek import keten_status


class Ketenstatussen:
    def __init__(
        self, session: AsyncSession, verzoeken: VerzoekRepository, update: Update, sleutel: str
    ) -> None:
        """``update``: the ORM's bulk ``UPDATE`` by primary key of the chains' table;
        ``sleutel``: the name of its key column."""
        self._session = session
        self._verzoeken = verzoeken
        self._update = update
        self._sleutel = sleutel
        self._ketens: set[str] = set()

    def add(self, keten_id: str) -> None:
        """A chain answered in this unit of work."""
        self._ketens.add(keten_id)

    def take(self) -> set[str]:
        """The chains whose status is to be written, handed over (a batch of answers writes
        them all when it commits)."""
        ketens, self._ketens = self._ketens, set()
        return ketens

    async def write(self, ketens: Iterable[str] = ()) -> None:
        """Store the status of each chain answered (and of ``ketens``) as its stored requests
        give it."""
        statussen = await self._verzoeken.statussen_van(self.take() | set(ketens))
        if statussen:
            await self._session.execute(
                self._update,
                [
                    {self._sleutel: keten_id, "status": keten_status(s).value}
                    for keten_id, s in sorted(statussen.items())
                ],
            )
