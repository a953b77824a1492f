"""IND: the time-out instruction as *uitstel van betaling* of fees (*leges*), and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Weigering
from schemas.opschorting import Maatregel, OpschortingInstructie, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "IND"
PAD = "/ind/leges/v1/uitstelverzoeken"
"""Idempotent on ``verzoekReferentie`` (the instruction's event id): a repeat returns the same
``uitstelnummer`` without a second deferral."""

ONDERDELEN: dict[Maatregel, str | None] = {
    Maatregel.INVORDERING: "INNING",
    Maatregel.BESLAG: None,
    Maatregel.VERREKENING: None,
    Maatregel.VERHOGING: None,
    Maatregel.RENTE: None,
    Maatregel.DWANGBEVEL: "DWANGBEVEL",
}
"""Standard measure -> the IND's ``onderdeel``. The IND's only claims are fees, collected by a
payment demand and, last, a writ: it has no garnishment, set-off, surcharge or interest."""

CODES: dict[str, Redencode] = {
    "UITSTEL_MET_TERUGWERKENDE_KRACHT": Redencode.TERMIJN_ONGELDIG,
    "PERSOON_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
    "GEEN_OPENSTAANDE_LEGES": Redencode.ONBEKENDE_VORDERING,
}
"""Refusal ``code`` (HTTP 422 problem details) -> standard reason code."""

REDENEN: dict[str, Redencode] = {
    "VOLDAAN": Redencode.ONBEKENDE_VORDERING,
    "ONBEKEND": Redencode.ONBEKENDE_VORDERING,
}
"""Per-fee ``reden`` when not ``uitgesteld`` (paid already, or not the applicants') -> standard
reason code: either way there is no open fee to defer."""


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek | Uitkomst:
    """``POST /ind/leges/v1/uitstelverzoeken``, or a refusal when no measure asked is one the IND
    takes (it has only fees)."""
    instructie = opdracht.instructie
    onderdelen = [o for o in dict.fromkeys(ONDERDELEN[m] for m in instructie.maatregelen) if o]
    if not onderdelen:
        gevraagd = ", ".join(m.value for m in instructie.maatregelen)
        return Weigering(
            redencode=Redencode.WETTELIJK_UITGESLOTEN,
            reden=f"De IND int alleen leges; er is niets op te schorten van: {gevraagd}.",
        )
    body = {
        "verzoekReferentie": opdracht.instructie_id,
        "indiener": {"oin": LOKET.oin},
        "aanvragers": [{"bsn": bsn} for bsn in opdracht.bsns],
        "legesnummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "uitstelVan": instructie.periode.ingangsdatum.isoformat(),
        "uitstelTot": instructie.periode.einddatum.isoformat(),
        "onderdelen": onderdelen,
        "grondslag": instructie.grondslag,
        "motivering": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Leges(Lezer):
    legesnummer: str  # the agency's field names
    uitgesteld: bool
    reden: str | None = None

    def resultaat(self) -> VorderingResultaat:
        reden = self.reden or "NIET_UITGESTELD"
        return opschorting.vordering(self.legesnummer, self.uitgesteld, reden, redenen=REDENEN)


class _Uitstel(Gelukt[Uitkomst]):
    uitstelnummer: str
    leges: list[_Leges] = Field(default_factory=list)

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.uitstelnummer, vorderingen=tuple(x.resultaat() for x in self.leges)
        )


class Fout(Foutbericht):
    """The IND's problem details (``code``, ``detail``), for orders, changes, look-ups and
    queries; a refused deferral also lists its fees."""

    code: str
    detail: str = ""
    leges: list[_Leges] = Field(default_factory=list)

    def code_en_tekst(self) -> tuple[str, str]:
        return self.code, self.detail

    def vorderingen(self) -> tuple[VorderingResultaat, ...]:
        return tuple(x.resultaat() for x in self.leges)


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Uitstel, fout=Fout, codes=CODES)
"""Read the IND's answer to an *uitstelverzoek*."""

OPDRACHT = opschorting.vertaling(naar_verzoek, lees_antwoord)
