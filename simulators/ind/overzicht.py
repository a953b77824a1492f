"""SIMULATOR of the IND: the *overzicht* query of Leges (v1).

``POST /ind/leges/v1/overzichten`` asks what the IND records about one person (BSN in the body),
for the ``onderdelen`` named (the IND's own codes):

- ``LEGES``: per fee the product it is for, the amount and what is open in cents, its status
  (``OPENSTAAND``, ``VOLDAAN``), due date, collection steps running (``INNING``, ``DWANGBEVEL``),
  a pending objection and the *uitstel* that covers it and has not ended (``null``: none);
- ``VERBLIJFSSTATUS``: the residence status and until when it is valid (``null``: none);
- ``AANVRAGEN``: the person's applications and their status (procedures).

A code the IND does not know is no error: it comes back in ``nietGeleverd``. The IND keeps no
payment arrangements, set-offs or garnishments: only fees. Read only.

Refusals, as problem details with the IND's ``code``:
- 400 ``ONGELDIG_VERZOEK``: a field missing (``doel``, ``grondslag``);
- 404 ``PERSOON_ONBEKEND``;
- 403 ``AFGESCHERMD``: the person is shielded; the IND shares nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import Field

from simulators.common import Bsn, CamelModel, Persoon, Register, Vordering, centen
from simulators.common.app import logger

log = logger("ind")


class OverzichtOnderdeel(StrEnum):
    LEGES = "LEGES"
    VERBLIJFSSTATUS = "VERBLIJFSSTATUS"
    AANVRAGEN = "AANVRAGEN"


class Afnemer(CamelModel):
    oin: str = Field(pattern=r"^[0-9]{20}$")


class Betrokkene(CamelModel):
    bsn: Bsn


class Overzichtvraag(CamelModel):
    verzoek_referentie: str = Field(min_length=1, max_length=64)
    afnemer: Afnemer
    betrokkene: Betrokkene
    onderdelen: list[str] = Field(min_length=1)
    doel: str = Field(min_length=1, max_length=1000)
    grondslag: str = Field(min_length=1, max_length=200)


def fout(code: str, detail: str, status: int) -> dict[str, Any]:
    return {
        "type": f"https://ind.example/problemen/{code.lower().replace('_', '-')}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
    }


def _vastgelegd(v: Vordering) -> dict[str, Any]:
    """The fee as the IND recorded it (a state file from before this API holds less)."""
    if v.gegevens:
        return v.gegevens
    return {"legesnummer": v.nummer, "product": v.soort, "bedrag": v.bedrag, "vervaldatum": None}


def _leges(leges: dict[str, Any]) -> dict[str, Any]:
    bedrag = centen(leges["bedrag"])
    voldaan = leges.get("status") == "VOLDAAN"
    return {
        "legesnummer": leges["legesnummer"],
        "product": leges["product"],
        "bedragCent": bedrag,
        "openstaandCent": 0 if voldaan else bedrag,
        "status": "VOLDAAN" if voldaan else "OPENSTAAND",
        "vervaldatum": leges.get("vervaldatum"),
        "lopendeOnderdelen": list(leges.get("lopendeOnderdelen", [])),
        "bezwaar": bool(leges.get("bezwaar", False)),
    }


def _onderdeel(persoon: Persoon, onderdeel: OverzichtOnderdeel) -> tuple[str, Any]:
    if onderdeel is OverzichtOnderdeel.LEGES:
        return "leges", [_leges(_vastgelegd(v)) for v in persoon.vorderingen.values()]
    if onderdeel is OverzichtOnderdeel.VERBLIJFSSTATUS:
        return "verblijfsstatus", persoon.gegevens.get("verblijfsstatus")
    return "aanvragen", list(persoon.gegevens.get("aanvragen", []))


def beantwoord(
    vraag: Overzichtvraag, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The IND's rules for a query; returns HTTP status and body."""
    persoon = register.persoon(vraag.betrokkene.bsn)
    if persoon is None:
        return 404, fout("PERSOON_ONBEKEND", "De persoon is niet bekend bij de IND.", 404)
    if persoon.afgeschermd:
        log.info("overzicht %s geweigerd: afgeschermd", vraag.verzoek_referentie)
        return 403, fout("AFGESCHERMD", "Over deze persoon verstrekt de IND niets.", 403)
    bekend = {o.value: o for o in OverzichtOnderdeel}
    gevraagd = list(dict.fromkeys(vraag.onderdelen))
    antwoord: dict[str, Any] = dict(
        _onderdeel(persoon, bekend[code]) for code in gevraagd if code in bekend
    )
    for leges in antwoord.get("leges", []):
        uitstel = register.lopende_opschorting(leges["legesnummer"], vandaag)
        leges["uitstel"] = (
            None
            if uitstel is None
            else {
                "uitstelnummer": uitstel.referentie,
                "uitstelVan": uitstel.van.isoformat(),
                "uitstelTot": uitstel.tot_en_met.isoformat(),
            }
        )
    log.info("overzicht %s geleverd (%s)", vraag.verzoek_referentie, persoon.intern_id)
    return 200, {
        "verzoekReferentie": vraag.verzoek_referentie,
        "vNummer": persoon.intern_id,
        "peildatum": vandaag.isoformat(),
        **antwoord,
        "nietGeleverd": [c for c in gevraagd if c not in bekend],
    }
