"""The seed of the social-services back-office: its tenants (municipalities) and their clients.

Each person is a client of one municipality (``gemeente``: its CBS code); a request at another
municipality does not find them. Dossier numbers carry the municipality's code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from simulators.common import Bsn, CamelModel, Persoon, Vordering


@dataclass(frozen=True)
class Gemeente:
    """A tenant: the municipality's CBS code, OIN and name."""

    code: str
    oin: str
    naam: str

    def json(self) -> dict[str, str]:
        return {"code": self.code, "oin": self.oin, "naam": self.naam}


class SeedGemeente(CamelModel):
    code: str = Field(pattern=r"^[0-9]{4}$")
    oin: str = Field(pattern=r"^[0-9]{20}$")
    naam: str = Field(min_length=1)


class SeedBetalingsregeling(CamelModel):
    regelingnummer: str
    termijnbedrag: str
    termijnen_resterend: int
    startdatum: dt.date


class SeedDossier(CamelModel):
    dossiernummer: str = Field(pattern=r"^(BB|LO|WMO)-[0-9]{4}-[0-9]{4}-[0-9]{6}$")
    soort: Literal["BIJZONDERE_BIJSTAND", "LEVENSONDERHOUD", "WMO_EIGEN_BIJDRAGE"]
    omschrijving: str
    oorspronkelijk_bedrag: str | None = Field(default=None, description="Default: openstaand.")
    openstaand_bedrag: str
    maatregelen: list[str] = Field(default_factory=list)
    verrekening_per_maand: str | None = None
    fraude: bool = False
    """A claim after a breach of the duty to inform: excluded from suspension."""
    inning_door: Literal["GEMEENTE", "CAK"] = "GEMEENTE"
    bezwaar_lopend: bool = False
    betalingsregeling: SeedBetalingsregeling | None = None


class SeedWmoBesluit(CamelModel):
    besluitnummer: str
    voorziening: str
    ingangsdatum: dt.date
    einddatum: dt.date | None = None
    eigen_bijdrage_per_periode: str
    inning_door: Literal["GEMEENTE", "CAK"]


class SeedUitkering(CamelModel):
    regeling: str
    ingangsdatum: dt.date
    einddatum: dt.date | None = None
    netto_per_maand: str


class SeedBurger(CamelModel):
    bsn: Bsn
    gemeente: str = Field(pattern=r"^[0-9]{4}$")
    clientnummer: str
    naam: str
    geheimhouding: bool = False
    """A protected file (e.g. a shelter address): the municipality shares nothing about them."""
    dossiers: list[SeedDossier] = Field(default_factory=list)
    wmo_besluiten: list[SeedWmoBesluit] = Field(default_factory=list)
    uitkeringen: list[SeedUitkering] = Field(default_factory=list)


def lees_gemeenten(seed: dict[str, Any]) -> dict[str, Gemeente]:
    """The tenants by CBS code."""
    gemeenten = [SeedGemeente.model_validate(g) for g in seed.get("gemeenten", [])]
    return {g.code: Gemeente(g.code, g.oin, g.naam) for g in gemeenten}


def lees_vordering(data: dict[str, Any]) -> Vordering:
    d = SeedDossier.model_validate(data)
    return Vordering(
        nummer=d.dossiernummer,
        soort=d.soort,
        bedrag=d.openstaand_bedrag,
        in_beroep=d.bezwaar_lopend,
        gegevens=d.model_dump(mode="json", by_alias=True),
    )


def lees_persoon(data: dict[str, Any], gemeenten: dict[str, Gemeente]) -> Persoon:
    b = SeedBurger.model_validate(data)
    if b.gemeente not in gemeenten:
        raise ValueError(f"gemeente {b.gemeente} is not a tenant here")
    return Persoon(
        bsn=b.bsn,
        intern_id=b.clientnummer,
        naam=b.naam,
        vorderingen={
            d.dossiernummer: lees_vordering(d.model_dump(mode="json", by_alias=True))
            for d in b.dossiers
        },
        gegevens={
            "gemeente": b.gemeente,
            **b.model_dump(mode="json", by_alias=True, include={"wmo_besluiten", "uitkeringen"}),
        },
        afgeschermd=b.geheimhouding,
    )
