"""UWV: the information request as a *klantbeeld* query, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` ("Queries").
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from connectors.base import informatie
from connectors.base.backoffice import HttpVerzoek
from connectors.base.informatie import Opgave, Opgavelezer, Uitkomst, Vordering
from connectors.base.lezer import Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.uwv.vertaling import ACTIES as STOPBAAR
from connectors.uwv.vertaling import Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "UWV"
PAD = "/uwv/gegevensdiensten/v1/klantbeeld"
"""Read only: a repeat gets the same answer."""

PRODUCTEN: dict[Gegevenscategorie, str] = {
    Gegevenscategorie.VORDERINGEN: "TERUGVORDERINGEN",
    Gegevenscategorie.BETALINGSREGELINGEN: "BETALINGSREGELINGEN",
    Gegevenscategorie.VERREKENINGEN: "VERREKENINGEN",
    Gegevenscategorie.UITKERINGEN: "UITKERINGEN",
}
"""Category -> the UWV's ``product`` (any other category: not kept)."""

ACTIES: dict[str, Maatregel] = {code: m for m, code in STOPBAAR.items() if code}
"""The UWV's ``lopende_acties`` -> standard measure: the time-out's table read backwards
(``INNING`` invordering, ``VERREKENING`` verrekening, ...); any other code is ``invordering``."""

CODES: dict[str, Weigeringsgrond] = {
    "KLANT_NIET_GEVONDEN": Weigeringsgrond.ONBEKENDE_PERSOON,
    "GEHEIMHOUDING": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``meldingen[0].code`` (404, 403, 400) -> standard reason."""


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST /uwv/gegevensdiensten/v1/klantbeeld`` for the one person, or a refusal when no
    category asked is one the UWV keeps."""
    instructie = opdracht.instructie
    producten = informatie.codes(instructie, PRODUCTEN)
    if not producten:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "aanvraag_kenmerk": opdracht.instructie_id,
        "afnemer_oin": instructie.verzoeker.oin,
        "bsn": opdracht.bsns[0],
        "producten": producten,
        "doelbinding": instructie.doel,
        "wettelijke_grondslag": informatie.grondslag(instructie.grondslag),
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Stop(Lezer):
    ingangsdatum: dt.date  # the agency's field names
    einddatum: dt.date


class _Regeling(Lezer):
    regeling_nummer: str
    termijnbedrag_centen: int
    termijnen_resterend: int
    startdatum: dt.date


class _Terugvordering(Lezer):
    terugvorderingsnummer: str
    wet: str
    oorspronkelijk_bedrag_centen: int
    openstaand_bedrag_centen: int
    lopende_acties: list[str] = Field(default_factory=list)
    bezwaar_lopend: bool = False
    betalingsregeling: _Regeling | None = None
    invorderingsstop: _Stop | None = None

    def vordering(self) -> Vordering:
        stop = self.invorderingsstop
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.terugvorderingsnummer,
                soort=f"terugvordering-{self.wet.lower()}",
                oorspronkelijk_bedrag_centen=self.oorspronkelijk_bedrag_centen,
                openstaand_bedrag_centen=self.openstaand_bedrag_centen,
                maatregelen=informatie.maatregelen(self.lopende_acties, ACTIES),
                bezwaar_of_beroep=self.bezwaar_lopend,
                betalingsregeling=self.betalingsregeling is not None,
            ),
            opschorting=None if stop is None else (stop.ingangsdatum, stop.einddatum),
        )


class _Betalingsregeling(_Regeling):
    terugvorderingsnummer: str


class _Verrekening(Lezer):
    terugvorderingsnummer: str
    bedrag_per_maand_centen: int
    rechterlijk_opgelegd: bool


class _Uitkering(Lezer):
    wet: str
    ingangsdatum: dt.date
    einddatum: dt.date | None = None
    bruto_per_maand_centen: int


class _Klantbeeld(Lezer):
    """What was delivered; ``klantnummer`` (a person identifier) is not read, so never shared."""

    terugvorderingen: list[_Terugvordering] | None = None
    betalingsregelingen: list[_Betalingsregeling] | None = None
    verrekeningen: list[_Verrekening] | None = None
    uitkeringen: list[_Uitkering] | None = None


class _Antwoord(Gelukt[Opgave]):
    peildatum: dt.date | None = None
    klantbeeld: _Klantbeeld

    def uitkomst(self) -> Opgave:
        k = self.klantbeeld
        return Opgave(
            vorderingen=tuple(t.vordering() for t in k.terugvorderingen or []),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.BETALINGSREGELINGEN: k.betalingsregelingen,
                    Gegevenscategorie.VERREKENINGEN: k.verrekeningen,
                    Gegevenscategorie.UITKERINGEN: k.uitkeringen,
                }
            ),
            peildatum=self.peildatum,
        )


lees_antwoord = Opgavelezer(AGENCY, gelukt=_Antwoord, fout=Fout, codes=CODES)
"""Read the UWV's answer to a *klantbeeld* query."""

INFORMATIE = informatie.vertaling(naar_verzoek, lees_antwoord)
