"""What one batch of answers reads once: the aggregates it locked and the households it read,
handed from one of its units of work (a savepoint each) to the next.

A batch of answers is one transaction (``hub.entrypoints.antwoord_stream``), and the agencies
answer an order within moments of each other: a batch mostly holds several answers to one order.
Each answer's unit of work loaded the order again (the order, its requests, its changes: three
statements) although nothing but the batch itself could have changed it: the batch holds the
order's row lock (PostgreSQL, ``FOR UPDATE``) or the store's write lock (SQLite, ``BEGIN
IMMEDIATE``) from the moment it first read it until it commits.

So an aggregate loaded *for update* in the batch is kept, and the next unit of work that asks for
it gets the same object, as the store has it after the savepoints before:

- a unit of work takes the aggregate out of the cache (:meth:`Checkout.take`); when its savepoint
  commits, it gives back what it holds (:meth:`Checkout.give_back`); when it rolls back (a
  rejected answer), what it holds is dropped, changes and all, and the next one reads the store
  again (on PostgreSQL taking the row lock again, which the rolled-back savepoint released);
- a request written by itself, not through its aggregate (a delivery report,
  ``VerzoekRepository.save``), drops the aggregate that owns it (:meth:`Checkout.forget`).

The household of a casus (``huishoudlid``) is written once, when the casus is submitted, and
never by an answer: read once per batch.
"""

from __future__ import annotations

from hub.domain.casus import Lid
from hub.domain.model import Aggregaat

Key = tuple[str, str]
"""(kind of aggregate, its id)."""


class BatchCache:
    """One per batch transaction (``hub.service.sql_unit_of_work.RequestTransaction``)."""

    def __init__(self) -> None:
        self._aggregates: dict[Key, Aggregaat] = {}
        self.leden: dict[str, list[Lid]] = {}
        """Per casus: its household, as ``CasusRepository.leden`` read it."""

    def checkout(self) -> Checkout:
        """What one unit of work takes out and gives back."""
        return Checkout(self)


class Checkout:
    """The aggregates one unit of work of the batch holds."""

    def __init__(self, cache: BatchCache) -> None:
        self.cache = cache
        self._held: dict[Key, Aggregaat] = {}

    def take(self, kind: str, ident: str) -> Aggregaat | None:
        """The aggregate as the batch left it, or None: the caller reads it (and :meth:`hold`)."""
        key = (kind, ident)
        aggregate = self._held.get(key)
        if aggregate is None:
            aggregate = self.cache._aggregates.pop(key, None)
            if aggregate is not None:
                self._held[key] = aggregate
        return aggregate

    def hold(self, kind: str, ident: str, aggregate: Aggregaat) -> None:
        """An aggregate this unit of work read for update."""
        self._held[(kind, ident)] = aggregate

    def forget(self, ident: str) -> None:
        """The aggregate ``ident`` is no longer as the store has it: never hand it on."""
        for store in (self._held, self.cache._aggregates):
            for key in [k for k in store if k[1] == ident]:
                del store[key]

    def give_back(self) -> None:
        """The unit of work's savepoint committed: what it holds is what the store has."""
        self.cache._aggregates.update(self._held)
        self._held = {}

    def drop(self) -> None:
        """The unit of work's savepoint rolled back: what it holds may have changed."""
        self._held = {}
