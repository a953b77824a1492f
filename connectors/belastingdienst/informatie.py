"""Belastingdienst: the information request as an *inlichtingenverzoek*, and its answer back.

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
from connectors.belastingdienst.vertaling import Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "Belastingdienst"
PAD = "/api/v1/inlichtingenverzoeken"
"""Read only: a repeat gets the same answer."""

SOORTEN: dict[Gegevenscategorie, str] = {
    Gegevenscategorie.VORDERINGEN: "AANSLAGEN",
    Gegevenscategorie.BETALINGSREGELINGEN: "BETALINGSREGELINGEN",
    Gegevenscategorie.VERREKENINGEN: "VERREKENINGEN",
    Gegevenscategorie.TOESLAGEN: "TOESLAGEN",
    Gegevenscategorie.INKOMEN: "INKOMEN",
}
"""Category -> the Belastingdienst's ``gegevenssoort`` (any other category: not kept)."""

MAATREGELEN: dict[str, Maatregel] = {
    "AANMANING": Maatregel.INVORDERING,
    "BETALINGSHERINNERING": Maatregel.INVORDERING,
    "DWANGBEVEL": Maatregel.DWANGBEVEL,
    "BESLAG": Maatregel.BESLAG,
    "VERREKENING": Maatregel.VERREKENING,
    "INVORDERINGSRENTE": Maatregel.RENTE,
    "KOSTEN": Maatregel.VERHOGING,
}
"""``invorderingsmaatregelen`` code -> standard measure; any other code is collection
(``invordering``): a measure runs, the overview must not hide it."""

MIDDELEN: dict[str, str] = {
    "IB": "inkomstenbelasting",
    "ZVW": "inkomensafhankelijke bijdrage Zvw",
    "MRB": "motorrijtuigenbelasting",
    "OB": "omzetbelasting",
    "LH": "loonheffingen",
}
"""``middel`` -> the tax's name in ``soort`` (another ``middel`` is kept as it is)."""

FOUTCODES: dict[str, Weigeringsgrond] = {
    "BELASTINGPLICHTIGE_ONBEKEND": Weigeringsgrond.ONBEKENDE_PERSOON,
    "VERSTREKKING_NIET_TOEGESTAAN": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``foutcode`` (404, 403, 400) -> standard reason."""


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST /api/v1/inlichtingenverzoeken`` for the one person, or a refusal when no category
    asked is one the Belastingdienst keeps."""
    instructie = opdracht.instructie
    soorten = informatie.codes(instructie, SOORTEN)
    if not soorten:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "verzoekKenmerk": opdracht.instructie_id,
        "aanvragerOin": instructie.verzoeker.oin,
        "belastingplichtige": {"bsn": opdracht.bsns[0]},
        "gegevenssoorten": soorten,
        "doelbinding": instructie.doel,
        "grondslag": informatie.grondslag(instructie.grondslag),
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Stop(Lezer):
    ingangsdatum: dt.date
    einddatum: dt.date


class _Aanslag(Lezer):
    aanslagnummer: str
    middel: str
    belastingjaar: int
    oorspronkelijkBedragInCenten: int  # the agency's field names
    openstaandBedragInCenten: int
    invorderingsmaatregelen: list[str] = Field(default_factory=list)
    bezwaarOfBeroep: bool = False
    betalingsregeling: dict[str, object] | None = None
    invorderingsstop: _Stop | None = None

    def vordering(self) -> Vordering:
        middel = MIDDELEN.get(self.middel, self.middel)
        stop = self.invorderingsstop
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.aanslagnummer,
                soort=f"{middel} {self.belastingjaar}",
                oorspronkelijk_bedrag_centen=self.oorspronkelijkBedragInCenten,
                openstaand_bedrag_centen=self.openstaandBedragInCenten,
                maatregelen=informatie.maatregelen(self.invorderingsmaatregelen, MAATREGELEN),
                bezwaar_of_beroep=self.bezwaarOfBeroep,
                betalingsregeling=self.betalingsregeling is not None,
            ),
            opschorting=None if stop is None else (stop.ingangsdatum, stop.einddatum),
        )


class _Aanslagen(Lezer):
    items: list[_Aanslag] = Field(default_factory=list)


class _Regeling(Lezer):
    aanslagnummer: str
    regelingnummer: str
    termijnbedragInCenten: int
    aantalTermijnen: int
    ingangsdatum: dt.date


class _Verrekening(Lezer):
    aanslagnummer: str
    verrekendMet: str
    bedragPerMaandInCenten: int
    sinds: dt.date


class _Toeslag(Lezer):
    toeslag: str
    berekeningsjaar: int
    voorschotPerMaandInCenten: int


class _Inkomen(Lezer):
    belastingjaar: int
    verzamelinkomenInCenten: int
    bron: str


class _Inlichtingen(Gelukt[Opgave]):
    """The 200 answer; ``relatienummer`` (a person identifier) is not read, so never shared."""

    peildatum: dt.date | None = None
    aanslagen: _Aanslagen | None = None
    betalingsregelingen: list[_Regeling] | None = None
    verrekeningen: list[_Verrekening] | None = None
    toeslagen: list[_Toeslag] | None = None
    inkomen: _Inkomen | None = None

    def uitkomst(self) -> Opgave:
        aanslagen = [] if self.aanslagen is None else self.aanslagen.items
        return Opgave(
            vorderingen=tuple(a.vordering() for a in aanslagen),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.BETALINGSREGELINGEN: self.betalingsregelingen,
                    Gegevenscategorie.VERREKENINGEN: self.verrekeningen,
                    Gegevenscategorie.TOESLAGEN: self.toeslagen,
                    Gegevenscategorie.INKOMEN: self.inkomen,
                }
            ),
            peildatum=self.peildatum,
        )


lees_antwoord = Opgavelezer(AGENCY, gelukt=_Inlichtingen, fout=Fout, codes=FOUTCODES)
"""Read the Belastingdienst's answer to an *inlichtingenverzoek*."""

INFORMATIE = informatie.vertaling(naar_verzoek, lees_antwoord)
