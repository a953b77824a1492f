"""CAK: the time-out instruction as an *incassostop*, and its answer back.

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

AGENCY = "CAK"
PAD = "/cak/api/v1/incassostops"
"""Idempotent on ``berichtkenmerk`` (the instruction's event id): a repeat returns the same
``cak_referentie`` without a second stop."""

MAATREGELEN: dict[Maatregel, str] = {
    Maatregel.INVORDERING: "INCASSO",
    Maatregel.BESLAG: "BRONINHOUDING",
    Maatregel.VERREKENING: "VERREKENING",
    Maatregel.VERHOGING: "AANMANINGSKOSTEN",
    Maatregel.RENTE: "WETTELIJKE_RENTE",
    Maatregel.DWANGBEVEL: "OVERDRACHT_CJIB",
}
"""Standard measure -> the CAK's ``Incassomaatregel``. The CAK's garnishment is the deduction at
source (*broninhouding*); its writ is handing the claim over to the CJIB."""

CODES: dict[str, Redencode] = {
    "INGANGSDATUM_VOOR_LOPENDE_MAAND": Redencode.TERMIJN_ONGELDIG,
    "RELATIE_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
    "ALLE_REGELINGEN_OVERGEDRAGEN": Redencode.WETTELIJK_UITGESLOTEN,
    "GEEN_STOPBARE_REGELINGEN": Redencode.ONBEKENDE_VORDERING,
}
"""Refusal ``fouten[0].code`` (HTTP 422) -> standard reason code."""

REDENEN: dict[str, Redencode] = {
    "OVERGEDRAGEN_AAN_CJIB": Redencode.WETTELIJK_UITGESLOTEN,
    "REGELING_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
}
"""Per-claim ``reden_code`` when ``NIET_GESTOPT`` -> standard reason code."""


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek:
    """``POST /cak/api/v1/incassostops`` for this instruction (snake_case, dates inclusive)."""
    instructie = opdracht.instructie
    body = {
        "berichtkenmerk": opdracht.instructie_id,
        "afzender_oin": LOKET.oin,
        "relaties": [{"bsn": bsn} for bsn in opdracht.bsns],
        "regelingsnummers": None
        if instructie.vorderingen is None
        else list(instructie.vorderingen),
        "ingangsdatum": instructie.periode.ingangsdatum.isoformat(),
        "einddatum": instructie.periode.einddatum.isoformat(),
        "maatregelen": list(dict.fromkeys(MAATREGELEN[m] for m in instructie.maatregelen)),
        "wettelijke_grondslag": instructie.grondslag,
        "motivatie": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Regeling(Lezer):
    regelingsnummer: str
    resultaat: Literal["GESTOPT", "NIET_GESTOPT"]
    reden_code: str | None = None

    def resultaat_per_vordering(self) -> VorderingResultaat:
        gestopt = self.resultaat == "GESTOPT"
        reden = self.reden_code or "NIET_GESTOPT"
        return opschorting.vordering(self.regelingsnummer, gestopt, reden, redenen=REDENEN)


class _Incassostop(Gelukt[Uitkomst]):
    cak_referentie: str
    regelingen: list[_Regeling] = Field(default_factory=list)

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.cak_referentie,
            vorderingen=tuple(r.resultaat_per_vordering() for r in self.regelingen),
        )


class _Melding(Lezer):
    code: str
    omschrijving: str = ""


class Fout(Foutbericht):
    """The CAK's error body, a list ``{"fouten": [{"code", "omschrijving"}]}`` (orders, changes,
    look-ups, queries); the first entry is the refusal."""

    fouten: list[_Melding] = Field(min_length=1)
    regelingen: list[_Regeling] = Field(default_factory=list)

    def code_en_tekst(self) -> tuple[str, str]:
        return self.fouten[0].code, self.fouten[0].omschrijving

    def vorderingen(self) -> tuple[VorderingResultaat, ...]:
        return tuple(r.resultaat_per_vordering() for r in self.regelingen)


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Incassostop, fout=Fout, codes=CODES)
"""Read the CAK's answer to an *incassostop*."""

OPDRACHT = opschorting.vertaling(naar_verzoek, lees_antwoord)
