"""CAK: the information request as a *gegevenslevering*, and its answer back.

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
from connectors.cak.vertaling import MAATREGELEN as STOPBAAR
from connectors.cak.vertaling import Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "CAK"
PAD = "/cak/api/v1/gegevensleveringen"
"""Read only: a repeat gets the same answer."""

GROEPEN: dict[Gegevenscategorie, str] = {
    Gegevenscategorie.VORDERINGEN: "REGELINGEN",
    Gegevenscategorie.BETALINGSREGELINGEN: "BETALINGSREGELINGEN",
    Gegevenscategorie.BESLAGEN: "BRONINHOUDINGEN",
    Gegevenscategorie.ZORGVERZEKERING: "WANBETALERSREGISTRATIE",
}
"""Category -> the CAK's ``gegevensgroep`` (any other category: not kept)."""

MAATREGELEN: dict[str, Maatregel] = {code: m for m, code in STOPBAAR.items()}
"""The CAK's ``Incassomaatregel`` -> standard measure: the time-out's table read backwards;
any other code is ``invordering``."""

CODES: dict[str, Weigeringsgrond] = {
    "RELATIE_ONBEKEND": Weigeringsgrond.ONBEKENDE_PERSOON,
    "AFSCHERMING": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``fouten[0].code`` (404, 403, 400) -> standard reason."""


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST /cak/api/v1/gegevensleveringen`` for the one person, or a refusal when no category
    asked is one the CAK keeps."""
    instructie = opdracht.instructie
    groepen = informatie.codes(instructie, GROEPEN)
    if not groepen:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "berichtkenmerk": opdracht.instructie_id,
        "afnemer_oin": instructie.verzoeker.oin,
        "bsn": opdracht.bsns[0],
        "gegevensgroepen": groepen,
        "doelbinding": instructie.doel,
        "grondslag": informatie.grondslag(instructie.grondslag),
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Stop(Lezer):
    ingangsdatum: dt.date
    einddatum: dt.date


class _Regeling(Lezer):
    regelingsnummer: str
    soort: str
    hoofdsom_centen: int
    openstaand_centen: int
    maatregelen: list[str] = Field(default_factory=list)
    bezwaar: bool = False
    betalingsregeling: dict[str, object] | None = None
    incassostop: _Stop | None = None

    def vordering(self) -> Vordering:
        stop = self.incassostop
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.regelingsnummer,
                soort=self.soort,
                oorspronkelijk_bedrag_centen=self.hoofdsom_centen,
                openstaand_bedrag_centen=self.openstaand_centen,
                maatregelen=informatie.maatregelen(self.maatregelen, MAATREGELEN),
                bezwaar_of_beroep=self.bezwaar,
                betalingsregeling=self.betalingsregeling is not None,
            ),
            opschorting=None if stop is None else (stop.ingangsdatum, stop.einddatum),
        )


class _Regelingen(Lezer):
    lijst: list[_Regeling] = Field(default_factory=list)


class _Betalingsregeling(Lezer):
    regelingsnummer: str
    regeling_id: str
    termijnbedrag_centen: int
    termijnen: int
    startdatum: dt.date


class _Broninhouding(Lezer):
    kenmerk: str
    regelingsnummer: str
    inhoudingsplichtige: str
    maandbedrag_centen: int
    sinds: dt.date


class _Wanbetalersregistratie(Lezer):
    aangemeld_op: dt.date
    zorgverzekeraar: str
    achterstand_maanden: int
    status: str


class _Levering(Lezer):
    regelingen: _Regelingen | None = None
    betalingsregelingen: list[_Betalingsregeling] | None = None
    broninhoudingen: list[_Broninhouding] | None = None
    wanbetalersregistratie: _Wanbetalersregistratie | None = None


class _Gegevenslevering(Gelukt[Opgave]):
    """The 200 answer; ``relatienummer`` (a person identifier) is not read, so never shared."""

    peildatum: dt.date | None = None
    levering: _Levering

    def uitkomst(self) -> Opgave:
        g = self.levering
        regelingen = [] if g.regelingen is None else g.regelingen.lijst
        return Opgave(
            vorderingen=tuple(r.vordering() for r in regelingen),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.BETALINGSREGELINGEN: g.betalingsregelingen,
                    Gegevenscategorie.BESLAGEN: g.broninhoudingen,
                    Gegevenscategorie.ZORGVERZEKERING: g.wanbetalersregistratie,
                }
            ),
            peildatum=self.peildatum,
        )


lees_antwoord = Opgavelezer(AGENCY, gelukt=_Gegevenslevering, fout=Fout, codes=CODES)
"""Read the CAK's answer to a *gegevenslevering*."""

INFORMATIE = informatie.vertaling(naar_verzoek, lees_antwoord)
