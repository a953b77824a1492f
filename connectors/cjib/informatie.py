"""CJIB: the information request as a *bevraging* (search), and its answer back.

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
from connectors.cjib.vertaling import MAATREGELEN as OPSCHORTBAAR
from connectors.cjib.vertaling import Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "CJIB"
PAD = "/cjib/bevragingen/zoeken"
"""Read only: a repeat gets the same answer."""

RUBRIEKEN: dict[Gegevenscategorie, str] = {
    Gegevenscategorie.VORDERINGEN: "ZAKEN",
    Gegevenscategorie.BETALINGSREGELINGEN: "BETALINGSREGELINGEN",
    Gegevenscategorie.BESLAGEN: "BESLAGEN",
    Gegevenscategorie.PROCEDURES: "PROCEDURES",
}
"""Category -> the CJIB's ``rubriek`` (any other category: not kept)."""

MAATREGELEN: dict[str, Maatregel] = {code: m for m, code in OPSCHORTBAAR.items() if code}
"""The CJIB's ``Maatregel`` code -> standard measure: the time-out's table read backwards
(``INNING`` invordering, ``BESLAGLEGGING`` beslag, ...); any other code is ``invordering``."""

CODES: dict[str, Weigeringsgrond] = {
    "BETROKKENE_ONBEKEND": Weigeringsgrond.ONBEKENDE_PERSOON,
    "GEHEIMHOUDING": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``code`` (404, 403, 400) -> standard reason."""


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST /cjib/bevragingen/zoeken`` for the one person, or a refusal when no category asked
    is one the CJIB keeps."""
    instructie = opdracht.instructie
    rubrieken = informatie.codes(instructie, RUBRIEKEN)
    if not rubrieken:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "referentieKetenpartner": opdracht.instructie_id,
        "ketenpartner": {"oin": instructie.verzoeker.oin, "naam": instructie.verzoeker.naam},
        "betrokkene": {"burgerservicenummer": opdracht.bsns[0]},
        "rubrieken": rubrieken,
        "doel": instructie.doel,
        "wettelijkeGrondslag": informatie.grondslag(instructie.grondslag),
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Bedrag(Lezer):
    opgelegdCent: int  # the agency's field names
    openstaandCent: int


class _Opschorting(Lezer):
    van: dt.date
    tot: dt.date
    """Exclusive: the first day collection may resume."""


class _Zaak(Lezer):
    zaaknummer: str
    soort: str
    bedrag: _Bedrag
    maatregelen: list[str] = Field(default_factory=list)
    inBeroep: bool = False
    betalingsregeling: dict[str, object] | None = None
    opschorting: _Opschorting | None = None

    def vordering(self) -> Vordering:
        ops = self.opschorting
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.zaaknummer,
                soort=self.soort,
                oorspronkelijk_bedrag_centen=self.bedrag.opgelegdCent,
                openstaand_bedrag_centen=self.bedrag.openstaandCent,
                maatregelen=informatie.maatregelen(self.maatregelen, MAATREGELEN),
                bezwaar_of_beroep=self.inBeroep,
                betalingsregeling=self.betalingsregeling is not None,
            ),
            opschorting=None if ops is None else (ops.van, ops.tot - dt.timedelta(days=1)),
        )


class _Zaken(Lezer):
    lijst: list[_Zaak] = Field(default_factory=list)


class _Regeling(Lezer):
    zaaknummer: str
    regelingId: str
    termijnbedragCent: int
    aantalTermijnen: int
    eersteTermijn: dt.date


class _Beslag(Lezer):
    beslagkenmerk: str
    soort: str
    zaaknummer: str
    maandbedragCent: int
    sinds: dt.date


class _Procedure(Lezer):
    zaaknummer: str
    soort: str
    status: str
    ingediendOp: dt.date | None = None


class _Zoekresultaat(Lezer):
    """What was found; ``betrokkeneId`` (a person identifier) is not read, so never shared."""

    zaken: _Zaken | None = None
    betalingsregelingen: list[_Regeling] | None = None
    beslagen: list[_Beslag] | None = None
    procedures: list[_Procedure] | None = None


class _Bevraging(Gelukt[Opgave]):
    """The 200 answer. The CJIB names no reference date: the answer's is today."""

    zoekresultaat: _Zoekresultaat

    def uitkomst(self) -> Opgave:
        r = self.zoekresultaat
        zaken = [] if r.zaken is None else r.zaken.lijst
        return Opgave(
            vorderingen=tuple(z.vordering() for z in zaken),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.BETALINGSREGELINGEN: r.betalingsregelingen,
                    Gegevenscategorie.BESLAGEN: r.beslagen,
                    Gegevenscategorie.PROCEDURES: r.procedures,
                }
            ),
        )


lees_antwoord = Opgavelezer(AGENCY, gelukt=_Bevraging, fout=Fout, codes=CODES)
"""Read the CJIB's answer to a *bevraging*."""

INFORMATIE = informatie.vertaling(naar_verzoek, lees_antwoord)
