"""What the agreement routes read and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.domain.afspraak import Afspraak, Doel
from hub.service.afspraken import Gevraagd, Oordeel
from schemas.gedeeld import Regel
from schemas.ids import Pseudoniem
from schemas.informatie import Gegevenscategorie
from schemas.organisaties import Uitvoerder


class AfspraakView(BaseModel):
    """One version of an agreement."""

    kenmerk: str
    versie: int
    geldig_vanaf: dt.date
    geldig_tot: dt.date | None = Field(description="Last day in force; null: open-ended.")
    verstrekker: Uitvoerder = Field(description="The agency that gives.")
    ontvangers: list[str] = Field(description="Who may receive: `loket` or organisation codes.")
    doel: Doel
    grondslag: Regel
    categorieen: list[Gegevenscategorie] = Field(description="The categories it may give.")

    @classmethod
    def of(cls, a: Afspraak) -> Self:
        return cls(
            kenmerk=a.kenmerk,
            versie=a.versie,
            geldig_vanaf=a.geldig_vanaf,
            geldig_tot=a.geldig_tot,
            verstrekker=a.verstrekker,
            ontvangers=sorted(a.ontvangers),
            doel=a.doel,
            grondslag=a.grondslag,
            categorieen=list(a.categorieen),
        )


class AfsprakenLijst(BaseModel):
    editie: str = Field(description="The edition of the agreement file the hub runs.")
    items: list[AfspraakView]


T = TypeVar("T")


def _eenmaal(waarden: list[T], wat: str) -> list[T]:
    if len(set(waarden)) != len(waarden):
        raise ValueError(f"names {wat} twice")
    return waarden


class GevraagdeUitvoerder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uitvoerder: Uitvoerder = Field(description="The agency asked.")
    categorieen: list[Gegevenscategorie] = Field(
        min_length=1,
        description="The categories asked of it.",
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("categorieen")
    @classmethod
    def _zonder_dubbelen(cls, categorieen: list[Gegevenscategorie]) -> list[Gegevenscategorie]:
        return _eenmaal(categorieen, "a category")


class ToetsInformatieverzoek(BaseModel):
    """An information request to check: would the agreements allow it?"""

    model_config = ConfigDict(extra="forbid")

    doel: Doel = Field(description="Why the information is needed.")
    grondslag: Regel = Field(description="The legal ground relied on.")
    uitvoerders: list[GevraagdeUitvoerder] = Field(
        min_length=1, max_length=len(Uitvoerder), description="Each agency asked, once."
    )
    personen: list[Pseudoniem] = Field(
        min_length=1,
        max_length=50,
        description="The household members concerned, by their pseudonym in this casus.",
        json_schema_extra={"uniqueItems": True},
    )

    @field_validator("uitvoerders")
    @classmethod
    def _elke_uitvoerder_eenmaal(cls, uitvoerders: list[GevraagdeUitvoerder]) -> list[Any]:
        _eenmaal([u.uitvoerder for u in uitvoerders], "an agency")
        return uitvoerders

    @field_validator("personen")
    @classmethod
    def _elke_persoon_eenmaal(cls, personen: list[str]) -> list[str]:
        return _eenmaal(personen, "a person")

    def gevraagd(self) -> list[Gevraagd]:
        return [Gevraagd(u.uitvoerder, tuple(u.categorieen)) for u in self.uitvoerders]


class UitvoerderOordeel(BaseModel):
    """One agency's part: allowed, under this agreement."""

    uitvoerder: Uitvoerder
    categorieen: list[Gegevenscategorie] = Field(description="The categories asked (allowed).")
    kenmerk: str = Field(description="The agreement relied on.")
    versie: int = Field(description="Its version in force today.")
    toegestane_categorieen: list[Gegevenscategorie] = Field(
        description="Everything that agreement allows."
    )

    @classmethod
    def of(cls, o: Oordeel) -> Self:
        return cls(
            uitvoerder=o.uitvoerder,
            categorieen=list(o.categorieen),
            kenmerk=o.afspraak.kenmerk,
            versie=o.afspraak.versie,
            toegestane_categorieen=list(o.afspraak.categorieen),
        )


class ToetsUitslag(BaseModel):
    """The request would be allowed: per agency the agreement it relies on."""

    toegestaan: Annotated[bool, Field(description="Always true: a refusal is a 422.")] = True
    op: dt.date = Field(description="The day the agreements were checked for.")
    editie: str = Field(description="The edition of the agreement file checked against.")
    uitvoerders: list[UitvoerderOordeel]
