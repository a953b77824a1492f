"""Response bodies of the deviation API: built from the aggregate, never from a message."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hub.domain.afwijking import Afwijking
from schemas.gedeeld import Partijsoort


class RegelView(BaseModel):
    regeling: str
    artikel: str | None
    bwb_id: str | None
    omschrijving: str | None


class PartijView(BaseModel):
    oin: str
    naam: str
    soort: Partijsoort


class BesluitnemerView(BaseModel):
    partij: PartijView
    functie: str


class PeriodeView(BaseModel):
    ingangsdatum: dt.date
    einddatum: dt.date


class AfwijkingView(BaseModel):
    """A deviation decision as recorded on its casus."""

    afwijking_id: str
    casus_id: str
    regel: RegelView = Field(description="The rule deviated from.")
    afwijking: str = Field(description="What is done instead of what the rule prescribes.")
    motivering: str
    besloten_door: BesluitnemerView
    mandaat: str = Field(description="The mandate the decision was taken under.")
    betrokkenen: list[str] = Field(description="Pseudonyms; empty: the household as a whole.")
    geldigheid: PeriodeView | None = Field(description="Null: for this casus, once.")
    besluitdatum: dt.date
    knelpunt_id: str | None = Field(description="The LET's knelpunt it points to, if any.")
    vastgelegd_op: dt.datetime
    vastgelegd_door: str = Field(description="Who recorded it (the proven caller's URN).")

    @classmethod
    def of(cls, afwijking: Afwijking) -> AfwijkingView:
        b = afwijking.besluit
        return cls(
            afwijking_id=b.afwijking_id,
            casus_id=b.casus_id,
            regel=RegelView(
                regeling=b.regel.regeling,
                artikel=b.regel.artikel,
                bwb_id=b.regel.bwb_id,
                omschrijving=b.regel.omschrijving,
            ),
            afwijking=b.afwijking,
            motivering=b.motivering,
            besloten_door=BesluitnemerView(
                partij=PartijView(
                    oin=b.besloten_door.oin,
                    naam=b.besloten_door.naam,
                    soort=Partijsoort(b.besloten_door.soort),
                ),
                functie=b.besloten_door.functie,
            ),
            mandaat=b.mandaat,
            betrokkenen=list(b.betrokkenen),
            geldigheid=(
                PeriodeView(ingangsdatum=b.geldig_van, einddatum=b.geldig_tot)
                if b.geldig_van is not None and b.geldig_tot is not None
                else None
            ),
            besluitdatum=b.besluitdatum,
            knelpunt_id=b.knelpunt_id,
            vastgelegd_op=b.vastgelegd_op,
            vastgelegd_door=b.vastgelegd_door,
        )
