"""DUO: the time-out instruction as a *betalingspauze*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst
from schemas.opschorting import Maatregel, OpschortingInstructie, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "DUO"
PAD = "/duo/v2/betalingspauzes"
"""Idempotent on ``verzoekId`` (the instruction's event id): a repeat returns the same
``duoKenmerk`` without a second pause."""

PAUZESOORTEN: dict[Maatregel, int] = {
    Maatregel.INVORDERING: 10,
    Maatregel.BESLAG: 20,
    Maatregel.VERREKENING: 30,
    Maatregel.VERHOGING: 40,
    Maatregel.RENTE: 50,
    Maatregel.DWANGBEVEL: 60,
}
"""Standard measure -> DUO's numeric ``pauzeSoort``."""

FOUTCODES: dict[str, Redencode] = {
    "STARTDATUM_TE_VER_IN_VERLEDEN": Redencode.TERMIJN_ONGELDIG,
    "DEBITEUR_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
    "SCHULD_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
}
"""Refusal ``fout.code`` (HTTP 422) -> standard reason code."""


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek:
    """``POST /duo/v2/betalingspauzes`` for this instruction."""
    instructie = opdracht.instructie
    body = {
        "verzoekId": opdracht.instructie_id,
        "opdrachtgever": {"oin": LOKET.oin},
        "debiteuren": [{"bsn": bsn} for bsn in opdracht.bsns],
        "schuldnummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "startDatum": instructie.periode.ingangsdatum.isoformat(),
        "eindDatum": instructie.periode.einddatum.isoformat(),
        "pauzeSoorten": sorted({PAUZESOORTEN[m] for m in instructie.maatregelen}),
        "wettelijkeGrondslag": instructie.grondslag,
        "motivering": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Schuld(Lezer):
    schuldnummer: str
    gepauzeerd: bool
    toelichting: str | None = None

    def vordering(self) -> VorderingResultaat:
        # DUO gives a note, not a code: a debt it did not pause is one it does not know.
        return opschorting.vordering(
            self.schuldnummer,
            self.gepauzeerd,
            self.toelichting,
            anders=Redencode.ONBEKENDE_VORDERING,
        )


class _Betalingspauze(Gelukt[Uitkomst]):
    duoKenmerk: str  # the agency's field name
    schulden: list[_Schuld] = Field(default_factory=list)

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.duoKenmerk, vorderingen=tuple(s.vordering() for s in self.schulden)
        )


class _FoutInhoud(Lezer):
    code: str
    bericht: str = ""


class Fout(Foutbericht):
    """DUO's error body, ``{"fout": {"code", "bericht"}}`` (orders, changes, look-ups)."""

    fout: _FoutInhoud

    def code_en_tekst(self) -> tuple[str, str]:
        return self.fout.code, self.fout.bericht


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Betalingspauze, fout=Fout, codes=FOUTCODES)
"""Read DUO's answer to a *betalingspauze*."""

OPDRACHT = opschorting.vertaling(naar_verzoek, lees_antwoord)
