"""UWV: the time-out instruction as an *invorderingsstop*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Weigering
from schemas.opschorting import Maatregel, OpschortingInstructie, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "UWV"
PAD = "/uwv/terugvordering/v1/invorderingsstops"
"""Idempotent on ``aanvraag_kenmerk`` (the instruction's event id): a repeat returns the same
``stopnummer`` without a second stop."""

ACTIES: dict[Maatregel, str | None] = {
    Maatregel.INVORDERING: "INNING",
    Maatregel.BESLAG: "BESLAG",
    Maatregel.VERREKENING: "VERREKENING",
    Maatregel.VERHOGING: "INCASSOKOSTEN",
    Maatregel.RENTE: None,
    Maatregel.DWANGBEVEL: "DWANGBEVEL",
}
"""Standard measure -> the UWV's ``actie``. The UWV charges no interest on a recovery: ``rente``
has none."""

CODES: dict[str, Redencode] = {
    "INGANGSDATUM_TE_VER_TERUG": Redencode.TERMIJN_ONGELDIG,
    "KLANT_NIET_GEVONDEN": Redencode.ONBEKENDE_PERSOON,
    "GEEN_TERUGVORDERING": Redencode.ONBEKENDE_VORDERING,
    "RECHTERLIJKE_VERREKENING": Redencode.WETTELIJK_UITGESLOTEN,
}
"""Refusal ``meldingen[0].code`` (HTTP 422) -> standard reason code."""

REDENEN: dict[str, Redencode] = {
    "RECHTERLIJKE_VERREKENING": Redencode.WETTELIJK_UITGESLOTEN,
    "ONBEKEND": Redencode.ONBEKENDE_VORDERING,
}
"""Per-recovery ``reden_code`` when ``NIET_GESTOPT`` -> standard reason code."""


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek | Uitkomst:
    """``POST /uwv/terugvordering/v1/invorderingsstops``, or a refusal when there is nothing the
    UWV can stop (only ``rente`` asked)."""
    instructie = opdracht.instructie
    acties = [a for a in dict.fromkeys(ACTIES[m] for m in instructie.maatregelen) if a]
    if not acties:
        return Weigering(
            redencode=Redencode.WETTELIJK_UITGESLOTEN,
            reden="Het UWV rekent geen rente over een terugvordering; er is niets te stoppen.",
        )
    body = {
        "aanvraag_kenmerk": opdracht.instructie_id,
        "aanvrager_oin": LOKET.oin,
        "klanten": [{"bsn": bsn} for bsn in opdracht.bsns],
        "terugvorderingsnummers": None
        if instructie.vorderingen is None
        else list(instructie.vorderingen),
        "ingangsdatum": instructie.periode.ingangsdatum.isoformat(),
        "einddatum": instructie.periode.einddatum.isoformat(),
        "acties": acties,
        "wettelijke_grondslag": instructie.grondslag,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Terugvordering(Lezer):
    terugvorderingsnummer: str  # the agency's field names
    status: Literal["GESTOPT", "NIET_GESTOPT"]
    reden_code: str | None = None

    def resultaat(self) -> VorderingResultaat:
        gestopt = self.status == "GESTOPT"
        reden = self.reden_code or "NIET_GESTOPT"
        return opschorting.vordering(self.terugvorderingsnummer, gestopt, reden, redenen=REDENEN)


class _Stop(Gelukt[Uitkomst]):
    stopnummer: str
    terugvorderingen: list[_Terugvordering] = Field(default_factory=list)

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.stopnummer,
            vorderingen=tuple(t.resultaat() for t in self.terugvorderingen),
        )


class _Melding(Lezer):
    code: str
    omschrijving: str = ""


class Fout(Foutbericht):
    """The UWV's error body, ``{"meldingen": [{"code", "omschrijving"}]}`` (orders, changes and
    look-ups alike); a refused stop also lists its recoveries."""

    meldingen: list[_Melding] = Field(min_length=1)
    terugvorderingen: list[_Terugvordering] = Field(default_factory=list)

    def code_en_tekst(self) -> tuple[str, str]:
        return self.meldingen[0].code, self.meldingen[0].omschrijving

    def vorderingen(self) -> tuple[VorderingResultaat, ...]:
        return tuple(t.resultaat() for t in self.terugvorderingen)


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Stop, fout=Fout, codes=CODES)
"""Read the UWV's answer to an *invorderingsstop*."""

OPDRACHT = opschorting.vertaling(naar_verzoek, lees_antwoord)
