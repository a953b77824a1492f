"""DUO: the information request as a *gegevensopvraging*, and its answer back.

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
from connectors.duo.vertaling import PAUZESOORTEN, Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "DUO"
PAD = "/duo/v2/gegevensopvragingen"
"""Read only: a repeat gets the same answer."""

SOORTEN: dict[Gegevenscategorie, int] = {
    Gegevenscategorie.VORDERINGEN: 100,
    Gegevenscategorie.BETALINGSREGELINGEN: 200,
    Gegevenscategorie.STUDIEFINANCIERING: 300,
}
"""Category -> DUO's numeric ``gegevensSoort`` (any other category: not kept)."""

STAPPEN: dict[int, Maatregel] = {code: m for m, code in PAUZESOORTEN.items()}
"""``invorderingsstappen`` (DUO's ``pauzeSoort`` codes) -> standard measure: the time-out's
table read backwards (10 invordering, 20 beslag, 30 verrekening, 40 verhoging, 50 rente,
60 dwangbevel); any other code is ``invordering``."""

CODES: dict[str, Weigeringsgrond] = {
    "DEBITEUR_ONBEKEND": Weigeringsgrond.ONBEKENDE_PERSOON,
    "DEBITEUR_VERTROUWELIJK": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``fout.code`` (404, 403, 400) -> standard reason."""


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST /duo/v2/gegevensopvragingen`` for the one person, or a refusal when no category
    asked is one DUO keeps."""
    instructie = opdracht.instructie
    soorten = informatie.codes(instructie, SOORTEN)
    if not soorten:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "verzoekId": opdracht.instructie_id,
        "opdrachtgever": {"oin": instructie.verzoeker.oin},
        "debiteur": {"bsn": opdracht.bsns[0]},
        "gegevensSoorten": soorten,
        "doelomschrijving": instructie.doel,
        "wettelijkeGrondslag": informatie.grondslag(instructie.grondslag),
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Pauze(Lezer):
    startDatum: dt.date  # the agency's field names
    eindDatum: dt.date


class _Schuld(Lezer):
    schuldnummer: str
    soort: str
    hoofdsomCenten: int
    restschuldCenten: int
    invorderingsstappen: list[int] = Field(default_factory=list)
    bezwaarLopend: bool = False
    aflosregeling: dict[str, object] | None = None
    betalingspauze: _Pauze | None = None

    def vordering(self) -> Vordering:
        pauze = self.betalingspauze
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.schuldnummer,
                soort=self.soort,
                oorspronkelijk_bedrag_centen=self.hoofdsomCenten,
                openstaand_bedrag_centen=self.restschuldCenten,
                maatregelen=informatie.maatregelen(self.invorderingsstappen, STAPPEN),
                bezwaar_of_beroep=self.bezwaarLopend,
                betalingsregeling=self.aflosregeling is not None,
            ),
            opschorting=None if pauze is None else (pauze.startDatum, pauze.eindDatum),
        )


class _Schulden(Lezer):
    items: list[_Schuld] = Field(default_factory=list)


class _Aflosregeling(Lezer):
    schuldnummer: str
    regelingId: str
    maandbedragCenten: int
    draagkrachtmeting: bool
    ingangsdatum: dt.date


class _Aflosregelingen(Lezer):
    items: list[_Aflosregeling] = Field(default_factory=list)


class _Studiefinanciering(Lezer):
    lopend: bool
    aflosfaseVanaf: dt.date | None = None
    looptijdJaren: int
    aflosvrijeMaandenResterend: int


class _Gegevens(Lezer):
    schulden: _Schulden | None = None
    aflosregelingen: _Aflosregelingen | None = None
    studiefinanciering: _Studiefinanciering | None = None


class _Opvraging(Gelukt[Opgave]):
    """The 200 answer; ``debiteurnummer`` (a person identifier) is not read, so never shared."""

    peildatum: dt.date | None = None
    gegevens: _Gegevens

    def uitkomst(self) -> Opgave:
        g = self.gegevens
        schulden = [] if g.schulden is None else g.schulden.items
        return Opgave(
            vorderingen=tuple(s.vordering() for s in schulden),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.BETALINGSREGELINGEN: None
                    if g.aflosregelingen is None
                    else g.aflosregelingen.items,
                    Gegevenscategorie.STUDIEFINANCIERING: g.studiefinanciering,
                }
            ),
            peildatum=self.peildatum,
        )


lees_antwoord = Opgavelezer(AGENCY, gelukt=_Opvraging, fout=Fout, codes=CODES)
"""Read DUO's answer to a *gegevensopvraging*."""

INFORMATIE = informatie.vertaling(naar_verzoek, lees_antwoord)
