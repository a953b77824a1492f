"""CJIB: the time-out instruction as an *opschortingsverzoek*, and its answer back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from connectors.base import opschorting
from connectors.base.backoffice import HttpVerzoek
from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import Opdracht
from connectors.base.opschorting import Bevestiging, Uitkomst, Weigering
from schemas.opschorting import Maatregel, OpschortingInstructie, Redencode, VorderingResultaat
from schemas.organisaties import LOKET

AGENCY = "CJIB"
PAD = "/cjib/opschortingsverzoeken"
"""Idempotent on ``referentieKetenpartner`` (the instruction's event id): a repeat returns the
same ``cjibReferentie`` without a second suspension."""

MAATREGELEN: dict[Maatregel, str | None] = {
    Maatregel.INVORDERING: "INNING",
    Maatregel.BESLAG: "BESLAGLEGGING",
    Maatregel.VERREKENING: "VERREKENING",
    Maatregel.VERHOGING: "WETTELIJKE_VERHOGING",
    Maatregel.RENTE: None,
    Maatregel.DWANGBEVEL: "DWANGMIDDELEN",
}
"""Standard measure -> the CJIB's own code. The CJIB charges no interest: ``rente`` has none."""

CODES: dict[str, Redencode] = {
    "ALLE_ZAKEN_IN_BEROEP": Redencode.BEZWAAR_OF_BEROEP,
    "GEEN_OPSCHORTBARE_ZAKEN": Redencode.ONBEKENDE_VORDERING,
    "BETROKKENE_ONBEKEND": Redencode.ONBEKENDE_PERSOON,
}
"""Refusal ``code`` (HTTP 422) -> standard reason code."""

ZAAK_REDENEN: dict[str, Redencode] = {
    "IN_BEROEP": Redencode.BEZWAAR_OF_BEROEP,
    "ONBEKENDE_ZAAK": Redencode.ONBEKENDE_VORDERING,
}
"""Per-case ``reden`` when ``NIET_OPGESCHORT`` -> standard reason code."""


def naar_verzoek(opdracht: Opdracht[OpschortingInstructie]) -> HttpVerzoek | Uitkomst:
    """``POST /cjib/opschortingsverzoeken``, or a refusal when there is nothing the CJIB can
    stop (only ``rente`` asked)."""
    instructie = opdracht.instructie
    codes = [c for c in dict.fromkeys(MAATREGELEN[m] for m in instructie.maatregelen) if c]
    if not codes:
        return Weigering(
            redencode=Redencode.WETTELIJK_UITGESLOTEN,
            reden="Het CJIB rekent geen rente; er is niets op te schorten.",
        )
    body = {
        "referentieKetenpartner": opdracht.instructie_id,
        "ketenpartner": {"oin": LOKET.oin, "naam": LOKET.naam},
        "betrokkenen": [{"burgerservicenummer": bsn} for bsn in opdracht.bsns],
        "zaaknummers": None if instructie.vorderingen is None else list(instructie.vorderingen),
        "periode": {
            "van": instructie.periode.ingangsdatum.isoformat(),
            # The CJIB's ``tot`` is exclusive: the first day collection may resume.
            "tot": (instructie.periode.einddatum + dt.timedelta(days=1)).isoformat(),
        },
        "maatregelen": codes,
        "grondslag": instructie.grondslag,
        "toelichting": f"{instructie.reden} [casus {instructie.casus_id}]",
    }
    return HttpVerzoek("POST", PAD, body=body)


class _Zaak(Lezer):
    zaaknummer: str
    status: Literal["OPGESCHORT", "NIET_OPGESCHORT"]
    reden: str | None = None

    def resultaat(self) -> VorderingResultaat:
        opgeschort = self.status == "OPGESCHORT"
        reden = self.reden or "NIET_OPGESCHORT"
        return opschorting.vordering(self.zaaknummer, opgeschort, reden, redenen=ZAAK_REDENEN)


class _Opschorting(Gelukt[Uitkomst]):
    cjibReferentie: str  # the agency's field name
    zaken: list[_Zaak] = Field(default_factory=list)

    def uitkomst(self) -> Uitkomst:
        return Bevestiging(
            referentie=self.cjibReferentie, vorderingen=tuple(z.resultaat() for z in self.zaken)
        )


class Fout(Foutbericht):
    """The CJIB's error body (orders, changes and look-ups alike)."""

    code: str
    melding: str = ""
    zaken: list[_Zaak] = Field(default_factory=list)

    def code_en_tekst(self) -> tuple[str, str]:
        return self.code, self.melding

    def vorderingen(self) -> tuple[VorderingResultaat, ...]:
        return tuple(z.resultaat() for z in self.zaken)


lees_antwoord = Antwoordlezer(AGENCY, gelukt=_Opschorting, fout=Fout, codes=CODES)
"""Read the CJIB's answer to an *opschortingsverzoek*."""

OPDRACHT = opschorting.vertaling(naar_verzoek, lees_antwoord)
