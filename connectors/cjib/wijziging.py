"""CJIB: extension and withdrawal (*intrekking*) of an *opschorting*, and their answers back.

Pure functions, no I/O. The field mapping is documented in ``MAPPING.md`` next to this file.
Both are a *wijziging* of the suspension under its ``cjibReferentie``: the instruction's
``referentie`` when the hub sends it, else found with
``GET /cjib/ketenpartnerverzoeken/<original instruction id>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from connectors.base.antwoord import Bevestiging, Uitkomst, Weigering, maak_antwoord, onverwacht
from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek, padsegment
from connectors.base.backoffice import Lezer as _Lezer
from connectors.base.koppeling import Wijzigingsvertaling
from connectors.base.opdracht import Opheffingsopdracht, Verlengingsopdracht, Wijzigingsopdracht
from schemas.opschorting import Antwoord, Redencode
from schemas.organisaties import LOKET

AGENCY = "CJIB"

CODES: dict[str, Redencode] = {
    "OPSCHORTING_ONBEKEND": Redencode.ONBEKENDE_VORDERING,
    "NIEUW_TOT_NIET_LATER": Redencode.TERMIJN_ONGELDIG,
    "AL_INGETROKKEN": Redencode.TERMIJN_ONGELDIG,
    "PER_NA_TOT": Redencode.TERMIJN_ONGELDIG,
}
"""Refusal ``code`` of a *wijziging* (HTTP 422) -> standard reason code."""


def zoek_opschorting(instructie_id: str) -> HttpVerzoek:
    """The look-up of the suspension registered for the original instruction (its
    ``referentieKetenpartner``)."""
    return HttpVerzoek("GET", f"/cjib/ketenpartnerverzoeken/{padsegment(instructie_id)}")


class _Opschorting(_Lezer):
    cjibReferentie: str  # the agency's field names
    wijzigingReferentie: str | None = None


class _Fout(_Lezer):
    code: str
    melding: str = ""


def lees_opschorting(antwoord: BackofficeAntwoord) -> str | Uitkomst:
    """The ``cjibReferentie`` found, or a refusal when the CJIB registered no suspension."""
    try:
        if antwoord.status == 200:
            return _Opschorting.model_validate(antwoord.body).cjibReferentie
        fout = _Fout.model_validate(antwoord.body)
        if antwoord.status == 404:
            return Weigering(
                Redencode.ONBEKENDE_VORDERING,
                f"The CJIB registered no suspension for the original instruction "
                f"({fout.code}: {fout.melding})",
            )
        return onverwacht(AGENCY, antwoord.status, f"{fout.code}: {fout.melding}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def _pad(cjib_referentie: str) -> str:
    return f"/cjib/opschortingsverzoeken/{padsegment(cjib_referentie)}/wijzigingen"


def _kop(opdracht: Wijzigingsopdracht, soort: str) -> dict[str, Any]:
    return {
        "referentieKetenpartner": opdracht.instructie_id,
        "ketenpartner": {"oin": LOKET.oin, "naam": LOKET.naam},
        "soort": soort,
    }


def _toelichting(opdracht: Wijzigingsopdracht) -> str:
    return f"{opdracht.instructie.reden} [casus {opdracht.instructie.casus_id}]"


def naar_verlenging(opdracht: Verlengingsopdracht, cjib_referentie: str) -> HttpVerzoek:
    """A ``VERLENGING``; the CJIB's ``nieuwTot`` is exclusive: ``einddatum + 1 day``."""
    nieuw_tot = opdracht.instructie.periode.einddatum + dt.timedelta(days=1)
    return HttpVerzoek(
        "POST",
        _pad(cjib_referentie),
        body={
            **_kop(opdracht, "VERLENGING"),
            "nieuwTot": nieuw_tot.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


def naar_opheffing(opdracht: Opheffingsopdracht, cjib_referentie: str) -> HttpVerzoek:
    """An ``INTREKKING`` ``per`` the first day collection may resume (= ``opheffingsdatum``)."""
    return HttpVerzoek(
        "POST",
        _pad(cjib_referentie),
        body={
            **_kop(opdracht, "INTREKKING"),
            "per": opdracht.instructie.opheffingsdatum.isoformat(),
            "toelichting": _toelichting(opdracht),
        },
    )


def naar_uitkomst(antwoord: BackofficeAntwoord, cjib_referentie: str) -> Uitkomst:
    """Read the CJIB's answer to a *wijziging*."""
    try:
        if 200 <= antwoord.status < 300:
            opschorting = _Opschorting.model_validate(antwoord.body)
            return Bevestiging(
                referentie=opschorting.cjibReferentie,
                wijzigingsreferentie=opschorting.wijzigingReferentie,
            )
        fout = _Fout.model_validate(antwoord.body)
        if antwoord.status == 422:
            return Weigering(
                redencode=CODES.get(fout.code, Redencode.ONVERWERKBAAR),
                reden=f"{fout.code}: {fout.melding}",
                referentie=cjib_referentie,
            )
        return onverwacht(AGENCY, antwoord.status, f"{fout.code}: {fout.melding}")
    except ValidationError:
        return onverwacht(AGENCY, antwoord.status)


def naar_antwoord(
    opdracht: Wijzigingsopdracht,
    cjib_referentie: str,
    antwoord: BackofficeAntwoord,
    beantwoord_op: dt.datetime,
) -> Antwoord:
    """The contract answer to the change; ``referentie`` is the suspension's ``cjibReferentie``."""
    uitkomst = naar_uitkomst(antwoord, cjib_referentie)
    return maak_antwoord(opdracht, uitkomst, beantwoord_op=beantwoord_op)


WIJZIGINGEN = Wijzigingsvertaling(
    zoek_opschorting=zoek_opschorting,
    lees_opschorting=lees_opschorting,
    naar_verlenging=naar_verlenging,
    naar_opheffing=naar_opheffing,
    naar_antwoord=naar_antwoord,
)
