"""IND: the information request as an *overzicht*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` ("Queries").
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from connectors.base import informatie
from connectors.base.backoffice import HttpVerzoek
from connectors.base.informatie import Opgave, Opgavelezer, Uitkomst, Vordering
from connectors.base.lezer import Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.ind.vertaling import ONDERDELEN as OPSCHORTBAAR
from connectors.ind.vertaling import Fout
from schemas.informatie import (
    Gegevenscategorie,
    InformatieVerzoek,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel

AGENCY = "IND"
PAD = "/ind/leges/v1/overzichten"
"""Read only: a repeat gets the same answer."""

ONDERDELEN: dict[Gegevenscategorie, str] = {
    Gegevenscategorie.VORDERINGEN: "LEGES",
    Gegevenscategorie.VERBLIJFSSTATUS: "VERBLIJFSSTATUS",
    Gegevenscategorie.PROCEDURES: "AANVRAGEN",
}
"""Category -> the IND's ``onderdeel`` (any other category: not kept; the IND has no payment
arrangements, set-offs or garnishments)."""

STAPPEN: dict[str, Maatregel] = {code: m for m, code in OPSCHORTBAAR.items() if code}
"""The IND's ``lopendeOnderdelen`` -> standard measure (``INNING`` invordering, ``DWANGBEVEL``
dwangbevel); any other code is ``invordering``."""

CODES: dict[str, Weigeringsgrond] = {
    "PERSOON_ONBEKEND": Weigeringsgrond.ONBEKENDE_PERSOON,
    "AFGESCHERMD": Weigeringsgrond.GEEN_GRONDSLAG,
    "ONGELDIG_VERZOEK": Weigeringsgrond.ONVERWERKBAAR,
}
"""Refusal ``code`` (404, 403, 400) -> standard reason."""


def naar_verzoek(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
    """``POST /ind/leges/v1/overzichten`` for the one person, or a refusal when no category asked
    is one the IND keeps."""
    instructie = opdracht.instructie
    onderdelen = informatie.codes(instructie, ONDERDELEN)
    if not onderdelen:
        return informatie.niets_te_vragen(AGENCY, instructie)
    body = {
        "verzoekReferentie": opdracht.instructie_id,
        "afnemer": {"oin": instructie.verzoeker.oin},
        "betrokkene": {"bsn": opdracht.bsns[0]},
        "onderdelen": onderdelen,
        "doel": instructie.doel,
        "grondslag": informatie.grondslag(instructie.grondslag),
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Uitstel(Lezer):
    uitstelVan: dt.date  # the agency's field names
    uitstelTot: dt.date


class _Leges(Lezer):
    legesnummer: str
    product: str
    bedragCent: int
    openstaandCent: int
    status: Literal["OPENSTAAND", "VOLDAAN"]
    lopendeOnderdelen: list[str] = Field(default_factory=list)
    bezwaar: bool = False
    uitstel: _Uitstel | None = None

    def vordering(self) -> Vordering:
        uitstel = self.uitstel
        return Vordering(
            inhoud=VorderingInhoud(
                referentie=self.legesnummer,
                soort=f"leges-{self.product}",
                oorspronkelijk_bedrag_centen=self.bedragCent,
                openstaand_bedrag_centen=self.openstaandCent,
                maatregelen=informatie.maatregelen(self.lopendeOnderdelen, STAPPEN),
                bezwaar_of_beroep=self.bezwaar,
                betalingsregeling=False,
            ),
            opschorting=None if uitstel is None else (uitstel.uitstelVan, uitstel.uitstelTot),
        )


class _Verblijfsstatus(Lezer):
    soort: str
    geldigTot: dt.date | None = None


class _Aanvraag(Lezer):
    zaaknummer: str
    product: str
    status: str
    ingediendOp: dt.date


class _Overzicht(Gelukt[Opgave]):
    """The 200 answer; ``vNummer`` (a person identifier) is not read, so never shared."""

    peildatum: dt.date | None = None
    leges: list[_Leges] | None = None
    verblijfsstatus: _Verblijfsstatus | None = None
    aanvragen: list[_Aanvraag] | None = None

    def uitkomst(self) -> Opgave:
        # A paid fee is no claim: only what is open is passed on.
        open_ = [x for x in self.leges or [] if x.status == "OPENSTAAND"]
        return Opgave(
            vorderingen=tuple(x.vordering() for x in open_),
            teksten=informatie.teksten(
                {
                    Gegevenscategorie.VERBLIJFSSTATUS: self.verblijfsstatus,
                    Gegevenscategorie.PROCEDURES: self.aanvragen,
                }
            ),
            peildatum=self.peildatum,
        )


lees_antwoord = Opgavelezer(AGENCY, gelukt=_Overzicht, fout=Fout, codes=CODES)
"""Read the IND's answer to an *overzicht*."""

INFORMATIE = informatie.vertaling(naar_verzoek, lees_antwoord)
