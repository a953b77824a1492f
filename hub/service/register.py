"""The Landelijk Maatwerkregister: an organisation enters, changes and removes its
maatwerkfunctionaris; anyone connected searches it.

Who may change an entry is proven, never taken from a body: an organisation changes only the entry
of its own OIN (its certificate's), an operator any. Each change is an event of the entry, turned
into its message on ``maatwerk.register.v1`` through the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from hub.domain.register import Gegevens, Mandaat, Registerfilter, RegisterFout, Registratie
from hub.domain.selectie import Pagina
from hub.service.errors import Conflict, NietGevonden, Verboden
from hub.service.invoer import Uniek
from hub.service.unit_of_work import UnitOfWork
from hub.service.vrije_tekst import VrijeTekst
from schemas.casus import Instrument, Probleemdomein
from schemas.gedeeld import Partijsoort
from schemas.register import EMAIL_PATTERN, TELEFOON_PATTERN


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class MandaatInvoer(_Command):
    omschrijving: VrijeTekst = Field(min_length=1, max_length=2000)
    verleend_door: VrijeTekst = Field(
        min_length=1, max_length=200, description="e.g. 'college van burgemeester en wethouders'"
    )
    instrumenten: Annotated[list[Instrument], Uniek] = Field(default=[], max_length=len(Instrument))
    maximum_bedrag_centen: int | None = Field(
        default=None, ge=0, strict=True, description="Ceiling per casus in euro cents, if any."
    )


class Inschrijving(_Command):
    """An organisation's maatwerkfunctionaris: a team with a central address, not a person."""

    organisatie_naam: VrijeTekst = Field(min_length=1, max_length=200)
    organisatiesoort: Partijsoort
    team: VrijeTekst = Field(min_length=1, max_length=200)
    email: str = Field(pattern=EMAIL_PATTERN, max_length=320)
    telefoon: str = Field(pattern=TELEFOON_PATTERN, max_length=40)
    mandaat: MandaatInvoer
    domeinen: Annotated[list[Probleemdomein], Uniek] = Field(
        min_length=1, max_length=len(Probleemdomein)
    )

    def gegevens(self) -> Gegevens:
        m = self.mandaat
        return Gegevens(
            organisatie_naam=self.organisatie_naam,
            organisatiesoort=self.organisatiesoort,
            team=self.team,
            email=self.email,
            telefoon=self.telefoon,
            mandaat=Mandaat(
                omschrijving=m.omschrijving,
                verleend_door=m.verleend_door,
                instrumenten=tuple(i.value for i in m.instrumenten),
                maximum_bedrag_centen=m.maximum_bedrag_centen,
            ),
            domeinen=tuple(d.value for d in self.domeinen),
        )


@dataclass(frozen=True, slots=True)
class Wijziger:
    """Who changes the register: the proven caller's OIN, and whether it operates the hub."""

    oin: str
    operator: bool

    @property
    def door(self) -> str:
        return f"urn:nld:oin:{self.oin}"

    def mag(self, oin: str) -> None:
        if not self.operator and oin != self.oin:
            raise Verboden(
                f"organisation {self.oin} may change only its own entry, not {oin}", field="oin"
            )


async def schrijf_in(
    oin: str, invoer: Inschrijving, uow: UnitOfWork, wijziger: Wijziger
) -> tuple[Registratie, bool]:
    """Enter or replace the organisation's entry (``PUT``: retrying it changes nothing). Returns
    the entry and whether it is new."""
    wijziger.mag(oin)
    gegevens = invoer.gegevens()
    async with uow:
        registratie = await uow.register.get(oin, met_verwijderd=True)
        nieuw = registratie is None or registratie.verwijderd
        if registratie is None:
            registratie = Registratie.schrijf_in(oin, gegevens, door=wijziger.door, op=uow.clock())
            await uow.register.add(registratie)
        else:
            if registratie.verwijderd:
                registratie.schrijf_opnieuw_in(gegevens, door=wijziger.door, op=uow.clock())
            else:
                registratie.wijzig(gegevens, door=wijziger.door, op=uow.clock())
            await uow.register.save(registratie)
        await uow.commit()
    return registratie, nieuw


async def verwijder(
    oin: str, reden: str | None, uow: UnitOfWork, wijziger: Wijziger
) -> Registratie:
    wijziger.mag(oin)
    async with uow:
        registratie = await uow.register.get(oin, met_verwijderd=True)
        if registratie is None:
            raise NietGevonden(f"organisation {oin} has no entry in the register", field="oin")
        try:
            registratie.verwijder(reden, door=wijziger.door, op=uow.clock())
        except RegisterFout as exc:
            raise Conflict(exc.message, field="oin") from exc
        await uow.register.save(registratie)
        await uow.commit()
    return registratie


async def lees(oin: str, uow: UnitOfWork) -> Registratie:
    async with uow:
        registratie = await uow.register.get(oin)
    if registratie is None:
        raise NietGevonden(f"organisation {oin} has no entry in the register", field="oin")
    return registratie


async def zoek(
    filters: Registerfilter, pagina: Pagina, uow: UnitOfWork
) -> tuple[list[Registratie], int]:
    async with uow:
        return await uow.register.zoek(filters, pagina)
