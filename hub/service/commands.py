"""Commands the loket gives the hub. They double as the API's request bodies, so their validation
errors name the field. Every list has a maximum length and every free text is
:data:`~hub.service.vrije_tekst.VrijeTekst` (no BSNs); date ranges are the domain's rules
(``hub.domain.opschorting``), which know today's date."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints, field_validator

from hub.domain.grootboek import MAX_CENTEN
from hub.service.invoer import Dag, Uniek, zonder_herhaling
from hub.service.vrije_tekst import VrijeTekst
from schemas.casus import (
    Afwijzingsreden,
    Instrument,
    Probleemdomein,
    Sluitingsreden,
    Urgentie,
)
from schemas.gedeeld import Partijsoort
from schemas.ids import Bsn, Oin, Pseudoniem
from schemas.opschorting import Maatregel
from schemas.organisaties import Uitvoerder
from schemas.overbrugging import Afwijzingsgrond, Financieringskader

MAX_VORDERINGEN = 200
"""Claim references per agency in one order: a household with more is one the loket orders for
all claims of (``vorderingen`` omitted). Keeps an instruction well under the 64 KB the NL GOV
CloudEvents profile guarantees."""

MAX_HUISHOUDEN = 20
"""Members of one household."""

Vordering = Annotated[str, StringConstraints(min_length=1, max_length=100)]
"""An agency's own claim reference."""


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class NieuwLid(_Command):
    bsn: Bsn = Field(description="The member's BSN; stored encrypted, never published in clear.")
    rol: VrijeTekst = Field(
        min_length=1, max_length=40, description="aanvrager, partner, kind, overig"
    )


class Contactpersoon(_Command):
    naam: VrijeTekst = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)
    telefoon: str | None = Field(default=None, max_length=40)


class DienCasusIn(_Command):
    """Submit a casus to the loket."""

    indiener_oin: Oin
    maatwerkfunctionaris: Contactpersoon
    huishouden: Annotated[list[NieuwLid], zonder_herhaling(lambda lid: lid.bsn)] = Field(
        min_length=1, max_length=MAX_HUISHOUDEN
    )
    probleemdomeinen: Annotated[list[Probleemdomein], Uniek] = Field(
        min_length=1, max_length=len(Probleemdomein)
    )
    betrokken_organisaties: Annotated[list[Uitvoerder], Uniek] = Field(
        default_factory=list, max_length=len(Uitvoerder)
    )
    geprobeerd: VrijeTekst = Field(min_length=1, max_length=4000)
    urgentie: Urgentie = Urgentie.NORMAAL
    gevraagde_instrumenten: Annotated[list[Instrument], Uniek] = Field(
        min_length=1, max_length=len(Instrument)
    )
    woongemeente: Oin | None = Field(
        default=None,
        description="OIN of the household's municipality of residence: where instruments for "
        "gemeente go (the gemeente connector serves many municipalities and routes by it). "
        "Required before a time-out or information request for gemeente.",
    )


class AccepteerCasus(_Command):
    """Take a casus on: reasonably everything was tried before it came to the loket."""

    toelichting: VrijeTekst | None = Field(
        default=None, max_length=2000, description="The loket's note (no personal identifiers)."
    )


class WijsCasusAf(_Command):
    """Refuse a casus, with the reason and where the submitter can turn instead."""

    redencode: Afwijzingsreden
    reden: VrijeTekst = Field(min_length=1, max_length=2000, description="Why, in words.")
    advies: VrijeTekst | None = Field(
        default=None, max_length=2000, description="Where the submitter can turn instead."
    )


class NeemCasusInBehandeling(_Command):
    """A team of the loket starts working on the casus (also when the LET hands it back)."""

    behandelteam: VrijeTekst = Field(min_length=1, max_length=200)


class SchaalCasusOp(_Command):
    """Escalate the casus to the Landelijk Escalatie Team. The hub assigns the escalation id."""

    reden: VrijeTekst = Field(
        min_length=1, max_length=2000, description="Why the loket alone could not solve it."
    )


class LosCasusOp(_Command):
    """Record that the household's situation was solved."""

    oplossing: VrijeTekst = Field(
        min_length=1, max_length=4000, description="The solution (no personal identifiers)."
    )
    ingezette_instrumenten: Annotated[list[Instrument], Uniek] = Field(
        default_factory=list, max_length=len(Instrument)
    )


class SluitCasus(_Command):
    """Close the casus; no further messages follow for it."""

    redencode: Sluitingsreden
    toelichting: VrijeTekst | None = Field(
        default=None, max_length=2000, description="Note on the closing (no personal identifiers)."
    )


class ScopeIn(_Command):
    uitvoerder: Uitvoerder
    vorderingen: Annotated[list[Vordering], Uniek] | None = Field(
        default=None,
        max_length=MAX_VORDERINGEN,
        description="The agency's own claim references; omit for all claims of the household.",
    )
    personen: Annotated[list[Pseudoniem], Uniek] | None = Field(
        default=None,
        max_length=MAX_HUISHOUDEN,
        description=(
            "The household members (pseudonyms) the agency gets, e.g. those who hold the claims "
            "in scope; omit for the whole household."
        ),
    )


class DraagOpschortingOp(_Command):
    """Order a time-out on a casus for one or more agencies."""

    uitvoerders: list[ScopeIn] = Field(min_length=1, max_length=len(Uitvoerder))
    maatregelen: Annotated[list[Maatregel], Uniek] = Field(
        default_factory=lambda: list(Maatregel), min_length=1, max_length=len(Maatregel)
    )
    ingangsdatum: Dag
    einddatum: Dag = Field(description="The last day; not before ingangsdatum.")
    grondslag: VrijeTekst = Field(min_length=1, max_length=500)
    reden: VrijeTekst = Field(min_length=1, max_length=2000)

    @field_validator("uitvoerders")
    @classmethod
    def _uniek(cls, uitvoerders: list[ScopeIn]) -> list[ScopeIn]:
        codes = [s.uitvoerder for s in uitvoerders]
        if len(set(codes)) != len(codes):
            raise ValueError("each agency may appear only once")
        return uitvoerders


class VerlengOpschorting(_Command):
    """Extend a running time-out."""

    einddatum: Dag = Field(description="The new last day; after the current one.")
    reden: VrijeTekst = Field(min_length=1, max_length=2000, description="Why more time is needed.")


class HefOpschortingOp(_Command):
    """Lift a running time-out before its end."""

    opheffingsdatum: Dag | None = Field(
        default=None, description="First day collection may resume; default today."
    )
    reden: VrijeTekst = Field(
        min_length=1, max_length=2000, description="Why the time-out is lifted."
    )


# ------------------------------------------------------------------------------ afwijking


class RegelIn(_Command):
    """The rule deviated from, as precisely as known."""

    regeling: VrijeTekst = Field(
        min_length=1, max_length=200, description="The law or regulation, e.g. 'Awb'."
    )
    artikel: VrijeTekst | None = Field(
        default=None, max_length=200, description="e.g. 'artikel 4:94, eerste lid'."
    )
    bwb_id: str | None = Field(
        default=None,
        pattern=r"^BWB[RV][0-9]{7}$",
        description="The regulation's id in the Basiswettenbestand (wetten.overheid.nl).",
    )
    omschrijving: VrijeTekst | None = Field(
        default=None, max_length=2000, description="What the rule prescribes, in words."
    )


class PartijIn(_Command):
    oin: Oin
    naam: VrijeTekst = Field(min_length=1, max_length=200)
    soort: Partijsoort


class BesluitnemerIn(_Command):
    """Who decided: the organisation and the role that holds the mandate."""

    partij: PartijIn
    functie: VrijeTekst = Field(
        min_length=1, max_length=200, description="e.g. 'maatwerkfunctionaris'."
    )


class PeriodeIn(_Command):
    ingangsdatum: Dag
    einddatum: Dag = Field(description="The last day; not before ingangsdatum.")


class LegAfwijkingVast(_Command):
    """Record an organisation's decision to deviate from a rule for this household."""

    regel: RegelIn
    afwijking: VrijeTekst = Field(
        min_length=1, max_length=4000, description="What is done instead of what the rule says."
    )
    motivering: VrijeTekst = Field(
        min_length=1, max_length=4000, description="Why deviating serves the household better."
    )
    besloten_door: BesluitnemerIn
    mandaat: VrijeTekst = Field(
        min_length=1,
        max_length=2000,
        description="The mandate the decision was taken under (decree, article).",
    )
    betrokkenen: Annotated[list[Pseudoniem], Uniek] = Field(
        default_factory=list,
        max_length=MAX_HUISHOUDEN,
        description="Household members it applies to (pseudonyms); empty: the household.",
    )
    geldigheid: PeriodeIn | None = Field(
        default=None, description="When the deviation applies; omit for this casus, once."
    )
    besluitdatum: Dag = Field(description="The day of the decision; not in the future.")
    knelpunt_id: uuid.UUID | None = Field(
        default=None, description="The LET's knelpunt this deviation points to (its UUID)."
    )


# --- Overbrugging (the bridging procedure) ---------------------------------------------------

Centen = Annotated[StrictInt, Field(gt=0, le=MAX_CENTEN)]
"""An amount in whole euro cents: an integer (a float, or a number in a string, is refused),
more than zero."""


class FinancierIn(PartijIn):
    kader: Financieringskader = Field(description="The law under which it might pay.")


class VraagOverbruggingAan(_Command):
    """The loket records a request to bridge: the care is agreed, who pays is not."""

    zorgvoorziening: VrijeTekst = Field(
        min_length=1, max_length=2000, description="The care needed (no personal identifiers)."
    )
    mogelijke_financiers: Annotated[list[FinancierIn], zonder_herhaling(lambda f: f.oin)] = Field(
        min_length=1, max_length=10
    )
    geraamd_bedrag_centen: Centen = Field(description="Estimated cost until a decision.")
    aanvrager: PartijIn = Field(description="The organisation asking for bridging.")
    urgent: bool | None = Field(
        default=None,
        description="Whether the household cannot wait; default: the casus's urgency is hoog or "
        "acuut.",
    )


class KenOverbruggingToe(_Command):
    maximum_bedrag_centen: Centen = Field(description="The most that may be pre-financed.")
    ingangsdatum: Dag | None = Field(default=None, description="First day; default today.")
    toelichting: VrijeTekst | None = Field(default=None, max_length=2000)


class WijsOverbruggingAf(_Command):
    redencode: Afwijzingsgrond
    reden: VrijeTekst = Field(min_length=1, max_length=2000)


class BoekVoorfinanciering(_Command):
    bedrag_centen: Centen
    ontvanger: VrijeTekst = Field(
        min_length=1, max_length=200, description="The care provider paid (a name)."
    )
    betaaldatum: Dag
    betalingskenmerk: VrijeTekst = Field(
        min_length=1, max_length=100, description="The payer's reference; once per bridging."
    )


class WijsVerantwoordelijkeAan(_Command):
    verantwoordelijke_oin: Oin = Field(description="The responsible organisation (registered).")
    kader: Financieringskader
    motivering: VrijeTekst = Field(min_length=1, max_length=4000)
    escalatie_id: VrijeTekst | None = Field(default=None, min_length=1, max_length=64)
    betaaltermijn_dagen: int = Field(
        default=30, ge=1, le=365, description="Days the party has to repay what it owes now."
    )


class VraagTerugbetaling(_Command):
    betaaltermijn_dagen: int = Field(default=30, ge=1, le=365)


Uuid = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]
"""An id the hub gave (a UUID in lower case)."""


class BoekTerugbetaling(_Command):
    verzoek_id: Uuid = Field(description="The repayment request paid (its id).")
    bedrag_centen: Centen
    ontvangstdatum: Dag
