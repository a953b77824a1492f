"""What the check and the processing log answer: no casus details in a check, never a BSN or a
lookup key in the log."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hub.domain.verwerking import Verwerking
from hub.service.controle import Controle


class PeriodeView(BaseModel):
    ingangsdatum: dt.date
    einddatum: dt.date = Field(description="Last day of the time-out.")
    maatregelen: list[str] = Field(description="Measures suspended at the asking agency.")
    vorderingen: list[str] | None = Field(
        description="The agency's own claims in scope; null: all of the person's."
    )


class ControleView(BaseModel):
    in_force: bool
    perioden: list[PeriodeView]

    @classmethod
    def of(cls, controle: Controle) -> ControleView:
        return cls(
            in_force=controle.in_force,
            perioden=[
                PeriodeView(
                    ingangsdatum=p.ingangsdatum,
                    einddatum=p.einddatum,
                    maatregelen=list(p.maatregelen),
                    vorderingen=None if p.vorderingen is None else list(p.vorderingen),
                )
                for p in controle.perioden
            ],
        )


class SleutelView(BaseModel):
    algoritme: str = "X25519"
    public_key_pem: str


class VerwerkingView(BaseModel):
    verwerking_id: str
    op: dt.datetime
    vrager: str = Field(description="OIN of the party that asked.")
    verstrekker: str = Field(description="OIN of the party that gave the data.")
    ontvanger: str = Field(description="OIN of the party that received the data.")
    doel: str
    grondslag: str
    categorieen: list[str]
    pseudoniemen: list[str] = Field(description="Pseudonyms of the persons it is about.")
    casus_id: str | None
    uitkomst: str | None
    trace_id: str | None

    @classmethod
    def of(cls, v: Verwerking) -> VerwerkingView:
        return cls(
            verwerking_id=v.verwerking_id,
            op=v.op,
            vrager=v.vrager,
            verstrekker=v.verstrekker,
            ontvanger=v.ontvanger,
            doel=v.doel,
            grondslag=v.grondslag,
            categorieen=list(v.categorieen),
            pseudoniemen=[p.pseudoniem for p in v.betrokkenen if p.pseudoniem is not None],
            casus_id=v.casus_id,
            uitkomst=v.uitkomst,
            trace_id=v.trace_id,
        )


class VerwerkingenView(BaseModel):
    verwerkingen: list[VerwerkingView]
    totaal: int
    pagina: int
    per_pagina: int
