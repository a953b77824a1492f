"""What every aggregate shares: its transitions record the domain events they cause.

An aggregate (``Casus``, ``Opschorting``, ...) checks its own rules and appends a
:class:`Gebeurtenis` for each thing that happened; the service layer never builds contract
messages itself. When the unit of work commits, it takes the recorded events of every aggregate
it saw and hands each to the message bus (``hub.service.berichten``): the one place that turns a
domain event into contract messages (through the outbox) and an audit entry, in the same
transaction as the state change.

Pure Python: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class Gebeurtenis:
    """Something that happened to an aggregate (past tense), by whom and when."""

    door: str
    """The actor: who caused it (an organisation's URN, ``loket``, or ``hub`` for the hub's own
    deadline watcher). Written into the audit trail."""
    op: dt.datetime
    """When the hub recorded it."""


@dataclass(kw_only=True)
class Aggregaat:
    """Base of the aggregates: a list of the events recorded since it was loaded."""

    gebeurtenissen: list[Gebeurtenis] = field(default_factory=list, repr=False, compare=False)

    def registreer(self, gebeurtenis: Gebeurtenis) -> None:
        self.gebeurtenissen.append(gebeurtenis)

    def neem_gebeurtenissen(self) -> list[Gebeurtenis]:
        """The recorded events, oldest first; the aggregate forgets them."""
        taken, self.gebeurtenissen = self.gebeurtenissen, []
        return taken
