"""What the check and the processing log answer: no casus details in a check, never a BSN or a
lookup key in the log."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from hub.domain.verwerking import Verwerking
from hub.domain.verzoek import VorderingUitkomst
from hub.service.controle import Controle, Periode


class VorderingResultaatView(BaseModel):
    """The asking agency's own answer for one claim of the time-out."""

    vordering: str = Field(description="The agency's own claim reference.")
    status: Literal["confirmed", "refused"] = Field(
        description="confirmed: collection of this claim is suspended; refused: it is not (the "
        "time-out does not cover it)."
    )
    redencode: str | None = Field(description="Why not suspended; null when confirmed.")
    toelichting: str | None = Field(description="The agency's note on this claim.")

    @classmethod
    def of(cls, r: VorderingUitkomst) -> VorderingResultaatView:
        return cls(
            vordering=r.vordering,
            status="confirmed" if r.opgeschort else "refused",
            redencode=r.redencode,
            toelichting=r.toelichting,
        )


class PeriodeView(BaseModel):
    ingangsdatum: dt.date
    einddatum: dt.date = Field(description="Last day of the time-out.")
    maatregelen: list[str] = Field(description="Measures suspended at the asking agency.")
    vorderingen: list[str] | None = Field(
        description="The agency's own claims the time-out covers; null: all of the person's. "
        "Once the agency answered per claim, only the claims it confirmed: a claim it refused "
        "(e.g. under appeal) is never listed here but under vorderingresultaten."
    )
    antwoord: Literal["pending", "confirmed", "partially_confirmed", "undeliverable"] = Field(
        description="Where the asking agency is with the time-out order: not answered yet "
        "(pending, undeliverable), confirmed, or partially_confirmed (see vorderingresultaten)."
    )
    vorderingresultaten: list[VorderingResultaatView] = Field(
        description="The agency's own answer per claim, where it gave one: confirmed, or "
        "refused with its reason code. Empty while unanswered or answered without claims."
    )

    @classmethod
    def of(cls, p: Periode) -> PeriodeView:
        return cls(
            ingangsdatum=p.ingangsdatum,
            einddatum=p.einddatum,
            maatregelen=list(p.maatregelen),
            vorderingen=None if p.vorderingen is None else list(p.vorderingen),
            antwoord=p.antwoord.value,
            vorderingresultaten=[VorderingResultaatView.of(r) for r in p.resultaten],
        )


class ControleView(BaseModel):
    in_force: bool = Field(
        description="A time-out covers (some of) the person's claims at the asking agency today "
        "(or on peildatum)."
    )
    perioden: list[PeriodeView]

    @classmethod
    def of(cls, controle: Controle) -> ControleView:
        return cls(
            in_force=controle.in_force,
            perioden=[PeriodeView.of(p) for p in controle.perioden],
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
