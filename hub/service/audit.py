"""Verifying the audit trail: read it once, in order, and name the first entry that breaks the
chain (``hub.domain.auditketen``).

The trail is read in slices of :data:`SLICE` entries, each in a short read-only unit of work, so a
large trail is never held in memory or behind one long transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.auditketen import Breuk, Controle
from hub.service.unit_of_work import UnitOfWork

SLICE = 1000


@dataclass(frozen=True, slots=True)
class Verificatie:
    """The outcome: how many entries held, the head verified against, and the first break."""

    aantal: int
    head_sequence: int | None
    head_hash: str | None
    breuk: Breuk | None

    @property
    def intact(self) -> bool:
        return self.breuk is None


async def verifieer_audit(uow: UnitOfWork, *, slice_size: int = SLICE) -> Verificatie:
    """Check every entry, then the chain head against the last one.

    The head is read after the entries: a transaction writes its entries and the head together,
    so the head may be ahead of what was read (entries appended meanwhile: those are read too)
    but never legitimately behind it."""
    controle = Controle()
    laatste: int | None = None
    while True:
        while True:
            async with uow:
                schakels = await uow.audit.page(laatste, slice_size)
            for schakel in schakels:
                if controle.volgende(schakel) is not None:
                    return Verificatie(controle.aantal, None, None, controle.breuk)
                laatste = schakel.sequence
            if len(schakels) < slice_size:
                break
        async with uow:
            head_sequence, head_hash = await uow.audit.head()
        if head_sequence > controle.aantal and await _meer(uow, laatste):
            continue  # appended after the last slice was read: check those too
        controle.einde(head_sequence, head_hash)
        return Verificatie(controle.aantal, head_sequence, head_hash, controle.breuk)


async def _meer(uow: UnitOfWork, laatste: int | None) -> bool:
    async with uow:
        return bool(await uow.audit.page(laatste, 1))
