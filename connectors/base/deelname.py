"""Instructions that ask an agency to take part, in the connector base: an invitation to an
escalation (``EscalatieUitnodigingInstructie``) and a repayment request of the bridging
procedure (``TerugbetalingsverzoekInstructie``).

Both are one request to the back-office and one answer: registered under the agency's own
reference (:class:`Geregistreerd`) or refused (:class:`Afgewezen`, a
:class:`~schemas.gedeeld.Weigeringsreden`). What differs per agency is data, a
:class:`Deelnamestijl`: its paths, the request key's field, how it lists persons, its reference
field, whether amounts are integer cents or a decimal string, its error body (the agency's own
:class:`~connectors.base.lezer.Foutbericht`) and its refusal codes. ``uitnodiging(stijl)`` and
``terugbetaling(stijl)`` give the two :class:`~connectors.base.vertaling.Vertaling`\\ s; an
agency registers them in its ``KOPPELING`` and documents the fields in its ``MAPPING.md``.

Reading the answer: 2xx with the reference field -> registered; a status in the refusal set
(422) -> refused with the agency's code mapped through ``codes`` (``onverwerkbaar`` for any
other); another non-2xx -> the back-office rejected the request (dead-lettered
``backoffice-afgewezen``, as for every instruction); a body that does not fit -> refused
``onverwerkbaar`` with what was seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek
from connectors.base.lezer import Foutbericht
from connectors.base.opdracht import DeadLetterReden, Onverwerkbaar, Opdracht
from connectors.base.vertaling import Vertaling
from schemas.escalatie import (
    EscalatieUitnodigingGeweigerd,
    EscalatieUitnodigingInstructie,
    EscalatieUitnodigingOntvangen,
)
from schemas.gedeeld import Weigeringsreden
from schemas.overbrugging import (
    TerugbetalingsverzoekAanvaard,
    TerugbetalingsverzoekGeweigerd,
    TerugbetalingsverzoekInstructie,
)

MAX_REDEN = 2000

STANDAARDCODES: Mapping[str, Weigeringsreden] = {
    "OVERLEG_VERSTREKEN": Weigeringsreden.DATUM_VERSTREKEN,
    "VERVALDATUM_VERSTREKEN": Weigeringsreden.DATUM_VERSTREKEN,
    "NIET_VERANTWOORDELIJK": Weigeringsreden.NIET_VERANTWOORDELIJK,
}
"""Refusal codes every back-office shares; an agency adds its own (its unknown-person code)."""


@dataclass(frozen=True)
class Geregistreerd:
    """The back-office registered the request under ``referentie``."""

    referentie: str


@dataclass(frozen=True)
class Afgewezen:
    """The back-office refused the request."""

    redencode: Weigeringsreden
    reden: str


Uitkomst = Geregistreerd | Afgewezen


@dataclass(frozen=True)
class Deelnamestijl:
    """How one back-office takes these requests (see the module docstring)."""

    agency: str
    """The agency's name in texts."""
    fout: type[Foutbericht]
    """Its error body (the same model its time-out translation reads)."""
    onbekend: str
    """Its refusal code for a person it does not know."""
    uitnodigingen: str
    """Path of invitations, e.g. ``/cjib/overleguitnodigingen``."""
    terugbetalingen: str
    """Path of repayment requests."""
    sleutelveld: str = "verzoekId"
    """The request key's field (the instruction's event id: idempotent at the back-office)."""
    personenveld: str = "personen"
    persoonveld: str = "bsn"
    referentieveld: str = "referentie"
    bedrag_in_centen: bool = True
    """True: ``bedrag`` integer cents; False: a decimal string in euros (``"1050.00"``)."""
    codes: Mapping[str, Weigeringsreden] = field(default_factory=dict)
    """Further refusal codes of the agency -> standard reason."""
    weigering: frozenset[int] = frozenset({422})

    def code(self, code: str) -> Weigeringsreden:
        if code == self.onbekend:
            return Weigeringsreden.ONBEKENDE_PERSOON
        return self.codes.get(code) or STANDAARDCODES.get(code, Weigeringsreden.ONVERWERKBAAR)

    def personen(self, bsns: tuple[str, ...]) -> list[dict[str, str]]:
        return [{self.persoonveld: bsn} for bsn in bsns]

    def bedrag(self, centen: int) -> int | str:
        if self.bedrag_in_centen:
            return centen
        euros, rest = divmod(centen, 100)
        return f"{euros}.{rest:02d}"

    def lees(self, opdracht: Opdracht[Any], antwoord: BackofficeAntwoord) -> Uitkomst:
        """The back-office's answer as an outcome (the module docstring's rules)."""
        status = antwoord.status
        if not 200 <= status < 300 and status not in self.weigering:
            raise Onverwerkbaar(
                DeadLetterReden.BACKOFFICE_AFGEWEZEN,
                f"the {self.agency} back-office rejected the request: HTTP {status}",
            )
        body = antwoord.body
        if 200 <= status < 300:
            referentie = body.get(self.referentieveld) if isinstance(body, dict) else None
            if isinstance(referentie, str) and 0 < len(referentie) <= 100:
                return Geregistreerd(referentie)
            return _onverwacht(self.agency, status)
        try:
            code, tekst = self.fout.model_validate(body).code_en_tekst()
        except ValidationError:
            return _onverwacht(self.agency, status)
        return Afgewezen(self.code(code), f"{code}: {tekst}")


def _onverwacht(agency: str, status: int) -> Afgewezen:
    return Afgewezen(
        Weigeringsreden.ONVERWERKBAAR, f"Unexpected answer from the {agency} back-office: {status}"
    )


def _kort(tekst: str) -> str:
    tekst = tekst.strip() or "-"
    return tekst if len(tekst) <= MAX_REDEN else tekst[: MAX_REDEN - 1] + "…"


# ------------------------------------------------------------------------------- invitation


def naar_uitnodiging(
    stijl: Deelnamestijl, opdracht: Opdracht[EscalatieUitnodigingInstructie]
) -> HttpVerzoek:
    """``POST <uitnodigingen>``: who, which escalation, whom to send, the meeting if planned."""
    i = opdracht.instructie
    overleg = i.overleg
    body: dict[str, Any] = {
        stijl.sleutelveld: opdracht.instructie_id,
        stijl.personenveld: stijl.personen(opdracht.bsns),
        "dossierkenmerk": i.dossierkenmerk,
        "casus": i.casus_id,
        "rol": i.gevraagde_rol,
        "urgentie": i.urgentie.value,
        "overleg": None
        if overleg is None
        else {
            "aanvang": overleg.aanvang.isoformat(),
            "duurMinuten": overleg.duur_minuten,
            "locatie": overleg.locatie,
        },
    }
    return HttpVerzoek("POST", stijl.uitnodigingen, body=body, bestemming=i.gemeente)


def maak_uitnodigingsantwoord(
    opdracht: Opdracht[EscalatieUitnodigingInstructie], uitkomst: Uitkomst, beantwoord_op: datetime
) -> EscalatieUitnodigingOntvangen | EscalatieUitnodigingGeweigerd:
    i = opdracht.instructie
    kop: dict[str, Any] = {
        "escalatie_id": i.escalatie_id,
        "casus_id": i.casus_id,
        "uitvoerder": i.uitvoerder,
        "instructie_id": opdracht.instructie_id,
        "beantwoord_op": beantwoord_op,
        "gemeente": i.gemeente,
    }
    if isinstance(uitkomst, Geregistreerd):
        return EscalatieUitnodigingOntvangen(**kop, referentie=uitkomst.referentie)
    return EscalatieUitnodigingGeweigerd(
        **kop, redencode=uitkomst.redencode, reden=_kort(uitkomst.reden)
    )


def uitnodiging(
    stijl: Deelnamestijl,
) -> Vertaling[EscalatieUitnodigingInstructie, Uitkomst]:
    """The invitation's translation for the agency of ``stijl``."""

    def naar(opdracht: Opdracht[EscalatieUitnodigingInstructie]) -> HttpVerzoek:
        return naar_uitnodiging(stijl, opdracht)

    return Vertaling(
        naar_verzoek=naar, lees_antwoord=stijl.lees, maak_antwoord=maak_uitnodigingsantwoord
    )


# --------------------------------------------------------------------------------- repayment


def naar_terugbetaling(
    stijl: Deelnamestijl, opdracht: Opdracht[TerugbetalingsverzoekInstructie]
) -> HttpVerzoek:
    """``POST <terugbetalingen>``: who, how much, by when, the reference to pay under, to whom."""
    i = opdracht.instructie
    body: dict[str, Any] = {
        stijl.sleutelveld: opdracht.instructie_id,
        stijl.personenveld: stijl.personen(opdracht.bsns),
        "casus": i.casus_id,
        "bedrag": stijl.bedrag(i.bedrag.centen),
        "vervaldatum": i.uiterlijk.isoformat(),
        "betalingskenmerk": i.betalingskenmerk,
        "crediteur": {"oin": i.voorfinancierder.oin, "naam": i.voorfinancierder.naam},
    }
    return HttpVerzoek("POST", stijl.terugbetalingen, body=body, bestemming=i.gemeente)


def maak_terugbetalingsantwoord(
    opdracht: Opdracht[TerugbetalingsverzoekInstructie], uitkomst: Uitkomst, beantwoord_op: datetime
) -> TerugbetalingsverzoekAanvaard | TerugbetalingsverzoekGeweigerd:
    i = opdracht.instructie
    kop: dict[str, Any] = {
        "overbrugging_id": i.overbrugging_id,
        "casus_id": i.casus_id,
        "verzoek_id": i.verzoek_id,
        "uitvoerder": i.uitvoerder,
        "instructie_id": opdracht.instructie_id,
        "beantwoord_op": beantwoord_op,
        "gemeente": i.gemeente,
    }
    if isinstance(uitkomst, Geregistreerd):
        return TerugbetalingsverzoekAanvaard(**kop, referentie=uitkomst.referentie)
    return TerugbetalingsverzoekGeweigerd(
        **kop, redencode=uitkomst.redencode, reden=_kort(uitkomst.reden)
    )


def terugbetaling(
    stijl: Deelnamestijl,
) -> Vertaling[TerugbetalingsverzoekInstructie, Uitkomst]:
    """The repayment request's translation for the agency of ``stijl``."""

    def naar(opdracht: Opdracht[TerugbetalingsverzoekInstructie]) -> HttpVerzoek:
        return naar_terugbetaling(stijl, opdracht)

    return Vertaling(
        naar_verzoek=naar, lees_antwoord=stijl.lees, maak_antwoord=maak_terugbetalingsantwoord
    )


def vertalingen(stijl: Deelnamestijl) -> dict[str, Vertaling[Any, Any]]:
    """Both translations, by instruction type: ``vertalingen={..., **deelname.vertalingen(S)}``."""
    return {
        EscalatieUitnodigingInstructie.event_type: uitnodiging(stijl),
        TerugbetalingsverzoekInstructie.event_type: terugbetaling(stijl),
    }
