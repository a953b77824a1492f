"""Register entries for tests: the contact an organisation enters, and entering it."""

from __future__ import annotations

from typing import Any

from hub.domain.register import Gegevens, Mandaat, Registratie
from hub.service.unit_of_work import UnitOfWork
from schemas.gedeeld import Partijsoort


def gegevens(
    naam: str = "Gemeente Voorbeeld",
    soort: Partijsoort = Partijsoort.GEMEENTE,
    *,
    team: str | None = None,
    domeinen: tuple[str, ...] = ("schulden", "wonen"),
    maximum_bedrag_centen: int | None = None,
    **velden: Any,
) -> Gegevens:
    """A complete entry; each field can be given."""
    slug = naam.lower().replace(" ", "-")
    return Gegevens(
        organisatie_naam=naam,
        organisatiesoort=soort,
        team=team or f"Team maatwerk {naam}",
        email=velden.pop("email", f"maatwerk@{slug}.example"),
        telefoon=velden.pop("telefoon", "+31 20 555 0100"),
        mandaat=velden.pop(
            "mandaat",
            Mandaat(
                omschrijving="Afwijken van beleidsregels tot het maximum",
                verleend_door="college van burgemeester en wethouders",
                instrumenten=("time-out", "overbrugging"),
                maximum_bedrag_centen=maximum_bedrag_centen,
            ),
        ),
        domeinen=domeinen,
        **velden,
    )


async def ingeschreven(uow: UnitOfWork, oin: str, **kw: Any) -> Registratie:
    """Enter ``oin`` in the register (by the organisation itself) and commit."""
    async with uow:
        registratie = Registratie.schrijf_in(
            oin, gegevens(**kw), door=f"urn:nld:oin:{oin}", op=uow.clock()
        )
        await uow.register.add(registratie)
        await uow.commit()
    return registratie
