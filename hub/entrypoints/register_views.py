"""What the register API answers: an entry, a page of entries, a contact."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from hub.domain.register import Contact, Registerfilter, Registratie
from hub.service.invoer import Geheel, Paginanummer
from hub.service.queries import MAX_PER_PAGINA
from schemas.casus import Instrument, Probleemdomein
from schemas.gedeeld import Partijsoort
from schemas.ids import Oin


class MandaatView(BaseModel):
    omschrijving: str
    verleend_door: str
    instrumenten: list[Instrument]
    maximum_bedrag_centen: int | None = Field(description="Ceiling per casus in euro cents.")


class RegistratieView(BaseModel):
    organisatie_oin: str
    organisatie_naam: str
    organisatiesoort: Partijsoort
    team: str
    email: str
    telefoon: str
    mandaat: MandaatView
    domeinen: list[Probleemdomein]
    geregistreerd_op: dt.datetime
    gewijzigd_op: dt.datetime

    @classmethod
    def of(cls, r: Registratie) -> RegistratieView:
        g, m = r.gegevens, r.gegevens.mandaat
        return cls(
            organisatie_oin=r.organisatie_oin,
            organisatie_naam=g.organisatie_naam,
            organisatiesoort=g.organisatiesoort,
            team=g.team,
            email=g.email,
            telefoon=g.telefoon,
            mandaat=MandaatView(
                omschrijving=m.omschrijving,
                verleend_door=m.verleend_door,
                instrumenten=[Instrument(i) for i in m.instrumenten],
                maximum_bedrag_centen=m.maximum_bedrag_centen,
            ),
            domeinen=[Probleemdomein(d) for d in g.domeinen],
            geregistreerd_op=r.geregistreerd_op,
            gewijzigd_op=r.gewijzigd_op,
        )


class RegisterPagina(BaseModel):
    totaal: int = Field(description="How many entries pass the filters, over all pages.")
    pagina: int
    per_pagina: int
    items: list[RegistratieView]


class ContactView(BaseModel):
    """An organisation's registered contact, as other views show it (a team, not a person)."""

    organisatie_oin: str
    organisatie_naam: str
    team: str
    email: str
    telefoon: str

    @classmethod
    def of(cls, c: Contact) -> ContactView:
        return cls(
            organisatie_oin=c.organisatie_oin,
            organisatie_naam=c.organisatie_naam,
            team=c.team,
            email=c.email,
            telefoon=c.telefoon,
        )


class ZoekInRegister(BaseModel):
    """Search the register: each given criterion narrows it; repeat one for any of several."""

    organisatie: list[Oin] = Field(default_factory=list, description="Any of these OINs.")
    soort: list[Partijsoort] = Field(default_factory=list, description="Any of these kinds.")
    domein: list[Probleemdomein] = Field(
        default_factory=list, description="Helps with at least one of these domains."
    )
    naam: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="Part of the organisation's or the team's name, any case."
    )
    pagina: Paginanummer = 1
    per_pagina: Geheel = Field(default=20, ge=1, le=MAX_PER_PAGINA)

    def filter(self) -> Registerfilter:
        return Registerfilter(
            organisaties=tuple(self.organisatie),
            soorten=tuple(self.soort),
            domeinen=tuple(d.value for d in self.domein),
            naam=self.naam,
        )
