"""Commands of the escalation to the LET; they double as the API's request bodies, so their
validation errors name the field. Every list is bounded and every free text is
:data:`~hub.service.vrije_tekst.VrijeTekst` (no BSNs). Organisations are named by OIN: the hub
fills in the name and kind it knows, so the loket does not retype them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hub.service.invoer import Dag, Geheel, Moment, zonder_herhaling
from hub.service.vrije_tekst import VrijeTekst
from schemas.escalatie import Knelpuntcategorie, Uitkomst
from schemas.gedeeld import Partijsoort
from schemas.ids import Oin

MAX_ORGANISATIES = 30
MAX_ACTIEPUNTEN = 50
MAX_AGENDA = 30
MAX_DOCUMENTEN = 50


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OrganisatieIn(_Command):
    """An organisation involved in the casus. ``naam`` and ``soort`` only for one the hub does
    not know (the hub's own list of organisations, or the register): else they are read."""

    oin: Oin
    naam: VrijeTekst | None = Field(default=None, min_length=1, max_length=200)
    soort: Partijsoort | None = None
    uitnodigen: bool = Field(
        default=True, description="Invite its administrator to the LET (default yes)."
    )
    functie: VrijeTekst = Field(
        default="bestuurder",
        min_length=1,
        max_length=200,
        description="The administrator's role to invite, e.g. 'wethouder'.",
    )


class DocumentIn(_Command):
    kenmerk: VrijeTekst = Field(min_length=1, max_length=100)
    titel: VrijeTekst = Field(min_length=1, max_length=200)


class MeldEscalatieAan(_Command):
    """Escalate a casus to the LET with its dossier. The casus goes to ``opgeschaald``; the
    instruments running on it are read from the hub."""

    reden: VrijeTekst = Field(
        min_length=1, max_length=2000, description="Why the loket alone could not solve it."
    )
    samenvatting: VrijeTekst = Field(min_length=1, max_length=4000)
    vraag: VrijeTekst = Field(
        min_length=1, max_length=2000, description="What the loket asks the LET to decide."
    )
    geprobeerd: VrijeTekst | None = Field(
        default=None,
        min_length=1,
        max_length=4000,
        description="What was tried; default: what the casus says was tried.",
    )
    organisaties: Annotated[list[OrganisatieIn], zonder_herhaling(lambda o: o.oin)] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ORGANISATIES,
        description="The organisations involved; default: the casus's, all invited.",
    )
    documenten: list[DocumentIn] = Field(default_factory=list, max_length=MAX_DOCUMENTEN)


class PlanOverleg(_Command):
    """Schedule the LET meeting (again, to move it)."""

    aanvang: Moment = Field(description="When it starts (with a time zone); not in the past.")
    duur_minuten: Geheel = Field(default=60, gt=0, le=480)
    locatie: VrijeTekst = Field(min_length=1, max_length=200, description="Where, or 'online'.")
    agenda: list[Annotated[VrijeTekst, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=MAX_AGENDA
    )


class ActiepuntIn(_Command):
    omschrijving: VrijeTekst = Field(min_length=1, max_length=2000)
    verantwoordelijke: Oin = Field(description="OIN of the organisation that will do it.")
    uiterlijk: Dag = Field(description="Last day by which it is done; not before today.")


class StelUitkomstVast(_Command):
    """The outcome of the LET meeting."""

    uitkomst: Uitkomst
    besluit: VrijeTekst = Field(min_length=1, max_length=4000)
    verantwoordelijke: Oin | None = Field(
        default=None,
        description="OIN of the party responsible; required when uitkomst is 'oplossing'.",
    )
    actiepunten: list[ActiepuntIn] = Field(default_factory=list, max_length=MAX_ACTIEPUNTEN)


class RondActiepuntAf(_Command):
    toelichting: VrijeTekst | None = Field(default=None, min_length=1, max_length=2000)


class RegelIn(_Command):
    regeling: VrijeTekst = Field(
        min_length=1, max_length=200, description="The law or regulation, e.g. 'Participatiewet'."
    )
    artikel: VrijeTekst | None = Field(default=None, min_length=1, max_length=200)
    bwb_id: str | None = Field(default=None, pattern=r"^BWB[RV][0-9]{7}$")


class RegistreerKnelpunt(_Command):
    """A systemic bottleneck found in the casus."""

    categorie: Knelpuntcategorie
    regel: RegelIn | None = Field(
        default=None, description="The rule or law involved; required for 'wetgeving'."
    )
    omschrijving: VrijeTekst = Field(min_length=1, max_length=4000)
    betrokken_partijen: Annotated[list[Oin], zonder_herhaling()] = Field(
        default_factory=list,
        max_length=MAX_ORGANISATIES,
        description="OINs of the organisations whose rules or practice are involved.",
    )
    voorstel: VrijeTekst | None = Field(default=None, min_length=1, max_length=4000)
