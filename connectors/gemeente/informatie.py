"""Gemeente: the information request as a *dossieroverzicht* query at the municipality's
social-services back-office, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` ("Queries").
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Literal

from pydantic import Field

from connectors.base import informatie
from connectors.base.backoffice import HttpVerzoek
from connectors.base.informatie import Opgave, Opgavelezer, Uitkomst, Vordering
from connectors.base.lezer import Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.vertaling import Vertaling
from connectors.gemeente.gemeenten import NIET_BEDIEND
from connectors.gemeente.vertaling import MAATREGELEN, Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "gemeente"
PAD = "/dossieroverzicht"
"""Under the municipality's back-office URL. Read only: a repeat gets the same answer."""

ONDERDELEN: dict[Gegevenscategorie, str] = {
    Gegevenscategorie.VORDERINGEN: "VORDERINGEN",
    Gegevenscategorie.BETALINGSREGELINGEN: "BETALINGSREGELINGEN",
    Gegevenscategorie.VERREKENINGEN: "VERREKENINGEN",
    Gegevenscategorie.ZORGINDICATIE: "WMO_BESLUITEN",
    Gegevenscategorie.UITKERINGEN: "UITKERINGEN",
}
"""Category -> the back-office's ``onderdelen`` (any other category: not kept)."""

ACTIES: dict[str, Maatregel] = {code: m for m, code in MAATREGELEN.items() if code}
"""The back-office's running ``maatregelen`` -> standard measure (the time-out's table read
backwards; any other code is ``invordering``)."""

CODES: dict[str, Weigeringsgrond] = {
    "BURGER_NIET_INGESCHREVEN": Weigeringsgrond.ONBEKENDE_PERSOON,
    "GEHEIMHOUDING": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
    "GEMEENTE_NIET_BEDIEND": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``fouten[0].code`` (404, 403, 400; 421 from the router) -> standard reason."""

SOORTEN = {
    "BIJZONDERE_BIJSTAND": "terugvordering-bijzondere-bijstand",
    "LEVENSONDERHOUD": "terugvordering-bijstand-levensonderhoud",
    "WMO_EIGEN_BIJDRAGE": "eigen-bijdrage-wmo",
}


def geen_gemeente() -> informatie.Weigering:
    return informatie.Weigering(
        Weigeringsgrond.ONVERWERKBAAR,
        "Het verzoek noemt geen gemeente (gemeente: de OIN van de woongemeente van het "
        "huishouden); de connector weet niet welke gemeente het betreft.",
    )


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST {municipality}/dossieroverzicht`` for the one person, or a refusal when no
    municipality is named or no category asked is one the municipality keeps."""
    instructie = opdracht.instructie
    if instructie.gemeente is None:
        return geen_gemeente()
    onderdelen = informatie.codes(instructie, ONDERDELEN)
    if not onderdelen:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "verzoekId": opdracht.instructie_id,
        "afnemerOin": instructie.verzoeker.oin,
        "bsn": opdracht.bsns[0],
        "onderdelen": onderdelen,
        "doelbinding": instructie.doel,
        "grondslag": informatie.grondslag(instructie.grondslag),
    }
    return HttpVerzoek("POST", PAD, body=body, bestemming=instructie.gemeente)


class _Opschorting(Lezer):
    van: dt.date  # the back-office's field names
    totEnMet: dt.date


class _Vordering(Lezer):
    dossiernummer: str
    soort: str
    oorspronkelijkBedragCenten: int
    openstaandBedragCenten: int
    maatregelen: list[str] = Field(default_factory=list)
    inningDoor: Literal["GEMEENTE", "CAK"] = "GEMEENTE"
    bezwaarLopend: bool = False
    betalingsregeling: bool = False
    opschorting: _Opschorting | None = None

    def vordering(self) -> Vordering:
        o = self.opschorting
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.dossiernummer,
                soort=SOORTEN.get(self.soort, self.soort.lower().replace("_", "-")),
                oorspronkelijk_bedrag_centen=self.oorspronkelijkBedragCenten,
                openstaand_bedrag_centen=self.openstaandBedragCenten,
                maatregelen=informatie.maatregelen(self.maatregelen, ACTIES),
                bezwaar_of_beroep=self.bezwaarLopend,
                betalingsregeling=self.betalingsregeling,
            ),
            opschorting=None if o is None else (o.van, o.totEnMet),
        )


class _Regeling(Lezer):
    dossiernummer: str
    termijnbedragCenten: int
    termijnenResterend: int
    startdatum: dt.date


class _Verrekening(Lezer):
    dossiernummer: str
    bedragPerMaandCenten: int


class _WmoBesluit(Lezer):
    besluitnummer: str
    voorziening: str
    ingangsdatum: dt.date
    einddatum: dt.date | None = None
    eigenBijdragePerPeriodeCenten: int
    inningDoor: str


class _Uitkering(Lezer):
    regeling: str
    ingangsdatum: dt.date
    einddatum: dt.date | None = None
    nettoPerMaandCenten: int


class _Overzicht(Lezer):
    """What was delivered; ``clientnummer`` (a person identifier) is not read, so never shared."""

    vorderingen: list[_Vordering] | None = None
    betalingsregelingen: list[_Regeling] | None = None
    verrekeningen: list[_Verrekening] | None = None
    wmoBesluiten: list[_WmoBesluit] | None = None
    uitkeringen: list[_Uitkering] | None = None


class _Antwoord(Gelukt[Opgave]):
    peildatum: dt.date | None = None
    overzicht: _Overzicht

    def uitkomst(self) -> Opgave:
        o = self.overzicht
        return Opgave(
            # A contribution the CAK collects is the CAK's claim: the CAK reports it, not twice.
            vorderingen=tuple(v.vordering() for v in o.vorderingen or [] if v.inningDoor != "CAK"),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.BETALINGSREGELINGEN: o.betalingsregelingen,
                    Gegevenscategorie.VERREKENINGEN: o.verrekeningen,
                    Gegevenscategorie.ZORGINDICATIE: o.wmoBesluiten,
                    Gegevenscategorie.UITKERINGEN: o.uitkeringen,
                }
            ),
            peildatum=self.peildatum,
        )


lees_antwoord = Opgavelezer(
    AGENCY,
    gelukt=_Antwoord,
    fout=Fout,
    codes=CODES,
    weigering=frozenset({400, 403, 404, 422, NIET_BEDIEND}),
)
"""Read the back-office's answer to a *dossieroverzicht* query."""


def naar_vraag(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    return informatie.niet_te_beantwoorden(opdracht) or naar_verzoek(opdracht)


def namens_gemeente(
    opdracht: Opdracht[InformatieVerzoek], uitkomst: Uitkomst, beantwoord_op: datetime
) -> InformatieVerstrekt | InformatieGeweigerd:
    """The contract answer, naming the municipality that answered (the request's)."""
    antwoord = informatie.maak_antwoord(opdracht, uitkomst, beantwoord_op)
    return antwoord.model_copy(update={"gemeente": opdracht.instructie.gemeente})


INFORMATIE: Vertaling[InformatieVerzoek, Uitkomst] = Vertaling(
    naar_verzoek=naar_vraag, lees_antwoord=lees_antwoord, maak_antwoord=namens_gemeente
)
