"""How an instruction to an installed agency stands, in the views of the instrument that sent it
(an escalation's invitation, a bridging's repayment request; ``hub.service.deelname``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hub.domain.verzoek import Verzoek, VerzoekStatus


class InstructieView(BaseModel):
    """The instruction the agency's connector received, and its answer."""

    instructie_id: str = Field(description="Event id of the instruction (its answer names it).")
    uitvoerder: str = Field(description="The agency instructed.")
    status: VerzoekStatus = Field(
        description="pending (sent), confirmed (received / accepted, with the agency's "
        "reference), refused (with a reason code), undeliverable (its connector could not "
        "deliver it yet)."
    )
    referentie: str | None = Field(description="The agency's own reference, once it answered.")
    redencode: str | None = Field(description="Why it refused, as a code.")
    reden: str | None = Field(description="Why it refused, in the agency's words.")
    reageer_uiterlijk: dt.datetime
    beantwoord_op: dt.datetime | None

    @classmethod
    def of(cls, v: Verzoek) -> InstructieView:
        return cls(
            instructie_id=v.instructie_id,
            uitvoerder=v.uitvoerder,
            status=v.status,
            referentie=v.referentie,
            redencode=v.redencode,
            reden=v.reden if v.aflevering is None else v.aflevering.toelichting,
            reageer_uiterlijk=v.reageer_uiterlijk,
            beantwoord_op=v.beantwoord_op,
        )


def instructie_of(v: Verzoek | None) -> InstructieView | None:
    return None if v is None else InstructieView.of(v)
