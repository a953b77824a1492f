"""SVB: the information request as a *klantbeeld* query, and its answer back.

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
from connectors.svb.vertaling import ONDERDELEN, Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "SVB"
PAD = "/svb/api/klantbeeld/v1/bevragingen"
"""Read only: a repeat gets the same answer."""

KLANTBEELD: dict[Gegevenscategorie, str] = {
    Gegevenscategorie.VORDERINGEN: "VORDERINGEN",
    Gegevenscategorie.BETALINGSREGELINGEN: "BETALINGSREGELINGEN",
    Gegevenscategorie.VERREKENINGEN: "VERREKENINGEN",
    Gegevenscategorie.UITKERINGEN: "UITKERINGEN",
}
"""Category -> the SVB's ``onderdeel`` (any other category: not kept)."""

STAPPEN: dict[str, Maatregel] = {code: m for m, code in ONDERDELEN.items() if code}
"""The SVB's ``Invorderingsonderdeel`` -> standard measure: the time-out's table read
backwards; any other code is ``invordering``."""

CODES: dict[str, Weigeringsgrond] = {
    "KLANT_ONBEKEND": Weigeringsgrond.ONBEKENDE_PERSOON,
    "KLANT_AFGESCHERMD": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``melding.code`` (404, 403, 400) -> standard reason."""


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST /svb/api/klantbeeld/v1/bevragingen`` for the one person, or a refusal when no
    category asked is one the SVB keeps."""
    instructie = opdracht.instructie
    onderdelen = informatie.codes(instructie, KLANTBEELD)
    if not onderdelen:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "metadata": {
            "correlatieId": opdracht.instructie_id,
            "afzender": {"oin": instructie.verzoeker.oin},
        },
        "aanvraag": {
            "bsn": opdracht.bsns[0],
            "onderdelen": onderdelen,
            "doel": instructie.doel,
            "grondslag": informatie.grondslag(instructie.grondslag),
        },
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Onderbreking(Lezer):
    begindatum: dt.date  # the agency's field names
    einddatum: dt.date


class _Vordering(Lezer):
    vorderingnummer: str
    soort: str
    oorspronkelijkCent: int
    openstaandCent: int
    invorderingsonderdelen: list[str] = Field(default_factory=list)
    bezwaarOfBeroep: bool = False
    betalingsregeling: dict[str, object] | None = None
    onderbreking: _Onderbreking | None = None

    def vordering(self) -> Vordering:
        o = self.onderbreking
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.vorderingnummer,
                soort=self.soort,
                oorspronkelijk_bedrag_centen=self.oorspronkelijkCent,
                openstaand_bedrag_centen=self.openstaandCent,
                maatregelen=informatie.maatregelen(self.invorderingsonderdelen, STAPPEN),
                bezwaar_of_beroep=self.bezwaarOfBeroep,
                betalingsregeling=self.betalingsregeling is not None,
            ),
            opschorting=None if o is None else (o.begindatum, o.einddatum),
        )


class _Vorderingen(Lezer):
    items: list[_Vordering] = Field(default_factory=list)


class _Betalingsregeling(Lezer):
    vorderingnummer: str
    regelingnummer: str
    termijnbedragCent: int
    aantalTermijnen: int
    eersteTermijn: dt.date


class _Verrekening(Lezer):
    kenmerk: str
    vorderingnummer: str
    uitkering: str
    bedragPerPeriodeCent: int
    sinds: dt.date


class _Uitkering(Lezer):
    regeling: str
    bedragPerPeriodeCent: int
    periode: str
    sinds: dt.date


class _Klantbeeld(Lezer):
    """What was found; ``klantnummer`` (a person identifier) is not read, so never shared."""

    peildatum: dt.date | None = None
    vorderingen: _Vorderingen | None = None
    betalingsregelingen: list[_Betalingsregeling] | None = None
    verrekeningen: list[_Verrekening] | None = None
    uitkeringen: list[_Uitkering] | None = None


class _Resultaat(Gelukt[Opgave]):
    resultaat: _Klantbeeld

    def uitkomst(self) -> Opgave:
        r = self.resultaat
        vorderingen = [] if r.vorderingen is None else r.vorderingen.items
        return Opgave(
            vorderingen=tuple(v.vordering() for v in vorderingen),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.BETALINGSREGELINGEN: r.betalingsregelingen,
                    Gegevenscategorie.VERREKENINGEN: r.verrekeningen,
                    Gegevenscategorie.UITKERINGEN: r.uitkeringen,
                }
            ),
            peildatum=r.peildatum,
        )


lees_antwoord = Opgavelezer(AGENCY, gelukt=_Resultaat, fout=Fout, codes=CODES)
"""Read the SVB's answer to a *klantbeeld* query."""

INFORMATIE = informatie.vertaling(naar_verzoek, lees_antwoord)
