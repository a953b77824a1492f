"""What an agency asks the hub about its own requests. Every question is scoped to one agency by
the caller (never by a parameter it chooses), so no agency sees another's requests."""

from __future__ import annotations

from dataclasses import dataclass

from hub.domain.verzoek import Verzoek
from hub.service.queries import ZoekVerzoeken
from hub.service.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class VerzoekLijst:
    items: list[Verzoek]
    totaal: int
    pagina: int
    per_pagina: int


async def zoek_verzoeken(uitvoerder: str, vraag: ZoekVerzoeken, uow: UnitOfWork) -> VerzoekLijst:
    """One page of ``uitvoerder``'s requests that pass the filter."""
    async with uow:
        items, totaal = await uow.verzoeken.van_uitvoerder(
            uitvoerder, vraag.status, vraag.als_pagina()
        )
    return VerzoekLijst(
        items=items, totaal=totaal, pagina=vraag.pagina, per_pagina=vraag.per_pagina
    )
