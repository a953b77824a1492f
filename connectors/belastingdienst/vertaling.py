"""Belastingdienst: the time-out instruction as an *invorderingsstop*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst
from schemas.opschorting import Maatregel, OpschortingInstructie, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "Belastingdienst"
PAD = "/api/v1/invorderingsstops"
"""Idempotent on ``verzoekKenmerk`` (the instruction's event id): a repeat returns the same
``stopKenmerk`` without a second stop."""

MAATREGELEN: dict[Maatregel, str] = {
    Maatregel.INVORDERING: "UITSTEL_BETALING",
    Maatregel.BESLAG: "BESLAG_OPSCHORTEN",
    Maatregel.VERREKENING: "VERREKENING_AANHOUDEN",
    Maatregel.VERHOGING: "KOSTEN_NIET_IN_REKENING",
    Maatregel.RENTE: "RENTE_NIET_IN_REKENING",
    Maatregel.DWANGBEVEL: "DWANGBEVEL_AANHOUDEN",
}
"""Standard measure -> the Belastingdienst's own code (every measure has one)."""

FOUTCODES: dict[str, Redencode] = {
    "TERMIJN_TE_LANG": Redencode.TERMIJN_ONGELDIG,
    "BELASTINGPLICHTIGE_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
}
"""Refusal ``foutcode`` (HTTP 422) -> standard reason code."""

AANSLAG_REDENEN: dict[str, Redencode] = {
    "AANSLAG_NIET_GEVONDEN": Redencode.ONBEKENDE_VORDERING,
}
"""Per-assessment ``reden`` when ``NIET_GESTOPT`` -> standard reason code."""


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek:
    """``POST /api/v1/invorderingsstops`` for this instruction."""
    instructie = opdracht.instructie
    body = {
        "verzoekKenmerk": opdracht.instructie_id,
        "aanvragerOin": LOKET.oin,
        "belastingplichtigen": [{"bsn": bsn} for bsn in opdracht.bsns],
        "aanslagnummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "ingangsdatum": instructie.periode.ingangsdatum.isoformat(),
        "einddatum": instructie.periode.einddatum.isoformat(),
        "maatregelen": list(dict.fromkeys(MAATREGELEN[m] for m in instructie.maatregelen)),
        "grondslag": instructie.grondslag,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Aanslag(Lezer):
    aanslagnummer: str
    resultaat: Literal["GESTOPT", "NIET_GESTOPT"]
    reden: str | None = None

    def vordering(self) -> VorderingResultaat:
        gestopt = self.resultaat == "GESTOPT"
        reden = self.reden or "NIET_GESTOPT"
        return opschorting.vordering(self.aanslagnummer, gestopt, reden, redenen=AANSLAG_REDENEN)


class _Invorderingsstop(Gelukt[Uitkomst]):
    stopKenmerk: str  # the agency's field name
    aanslagen: list[_Aanslag] = Field(default_factory=list)

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.stopKenmerk, vorderingen=tuple(a.vordering() for a in self.aanslagen)
        )


class Fout(Foutbericht):
    """The Belastingdienst's error body (orders, changes and look-ups alike)."""

    foutcode: str
    omschrijving: str = ""

    def code_en_tekst(self) -> tuple[str, str]:
        return self.foutcode, self.omschrijving


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Invorderingsstop, fout=Fout, codes=FOUTCODES)
"""Read the Belastingdienst's answer to an *invorderingsstop*."""

OPDRACHT = opschorting.vertaling(naar_verzoek, lees_antwoord)
