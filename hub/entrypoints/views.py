"""Response bodies of the loket API."""

from __future__ import annotations

import dataclasses
import datetime as dt

from pydantic import BaseModel, Field

from hub.domain.opschorting import KetenStatus, Opschorting, SchakelStatus


class Fout(BaseModel):
    field: str | None = Field(description="The field at fault, dotted (e.g. huishouden.0.bsn).")
    message: str = Field(description="The rule broken.")
    type: str | None = Field(default=None, description="Machine-readable error type.")


class Fouten(BaseModel):
    """Every error answer of the API: 404 for an unknown casus or order, 422 for bad input."""

    detail: list[Fout]


class CasusAangemaakt(BaseModel):
    casus_id: str
    status: str
    huishouden: list[dict[str, str]] = Field(description="Members as pseudonyms; never a BSN.")


class VorderingView(BaseModel):
    vordering: str
    opgeschort: bool
    redencode: str | None
    toelichting: str | None


class SchakelView(BaseModel):
    uitvoerder: str
    status: SchakelStatus
    late: bool = Field(description="Pending past the answer deadline.")
    referentie: str | None = Field(description="The agency's own reference.")
    redencode: str | None
    reden: str | None = Field(description="The agency's reason when it refused.")
    vorderingen: list[VorderingView]
    reageer_uiterlijk: dt.datetime
    beantwoord_op: dt.datetime | None = Field(description="When the agency answered.")
    verwerkt_op: dt.datetime | None = Field(description="When the hub recorded the answer.")
    instructie_id: str


class OpschortingView(BaseModel):
    opschorting_id: str
    casus_id: str
    status: KetenStatus
    telling: dict[str, int]
    maatregelen: list[str]
    ingangsdatum: dt.date
    einddatum: dt.date
    grondslag: str
    reden: str
    opgedragen_op: dt.datetime
    compleet_op: dt.datetime | None = Field(
        description="When the hub recorded the last agency's answer; null while pending."
    )
    keten: list[SchakelView]

    @classmethod
    def of(cls, o: Opschorting, now: dt.datetime) -> OpschortingView:
        return cls(
            opschorting_id=o.opschorting_id,
            casus_id=o.casus_id,
            status=o.status,
            telling={**o.telling(), "late": sum(1 for s in o.keten if s.is_late(now))},
            maatregelen=list(o.maatregelen),
            ingangsdatum=o.ingangsdatum,
            einddatum=o.einddatum,
            grondslag=o.grondslag,
            reden=o.reden,
            opgedragen_op=o.opgedragen_op,
            compleet_op=o.compleet_op,
            keten=[
                SchakelView(
                    uitvoerder=s.uitvoerder,
                    status=s.status,
                    late=s.is_late(now),
                    referentie=s.referentie,
                    redencode=s.redencode,
                    reden=s.reden,
                    vorderingen=[VorderingView(**dataclasses.asdict(v)) for v in s.vorderingen],
                    reageer_uiterlijk=s.reageer_uiterlijk,
                    beantwoord_op=s.beantwoord_op,
                    verwerkt_op=s.verwerkt_op,
                    instructie_id=s.instructie_id,
                )
                for s in o.keten
            ],
        )
