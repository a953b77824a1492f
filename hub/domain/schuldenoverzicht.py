"""The debt overview (schuldenoverzicht): every agency's open claims on a household, in one view.

A debt overview is an information request for category ``vorderingen`` with the hub as the
receiver (``hub.domain.informatieverzoek``). :func:`stel_samen` assembles it from the answers,
the claims opened (each ``Gegeven`` one :class:`~schemas.informatie.VorderingInhoud`): per agency
its claims and totals, the household's totals (integer cents), which agencies have not answered
and which of those are late. What feeds a time-out: :meth:`Schuldenoverzicht.scope`.

Pure Python: no I/O (opening the content is given as a function).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from hub.domain.informatieverzoek import Informatieverzoek
from hub.domain.verzoek import ONBEANTWOORD, KetenStatus, Verzoek, VerzoekStatus
from schemas.informatie import Gegevenscategorie, VorderingInhoud, Weigeringsgrond

GEEN_VORDERINGEN = frozenset({Weigeringsgrond.ONBEKENDE_PERSOON.value})
"""Refusals that are a full answer to a debt overview: a person the agency does not know has no
claims there. Any other refusal leaves that person's claims at that agency out of the totals."""


@dataclass(frozen=True, slots=True)
class Vordering:
    """One open claim of one household member."""

    pseudoniem: str
    referentie: str
    soort: str
    oorspronkelijk_bedrag_centen: int
    openstaand_bedrag_centen: int
    maatregelen: tuple[str, ...]
    bezwaar_of_beroep: bool
    betalingsregeling: bool
    opgeschort: bool

    @classmethod
    def uit(cls, pseudoniem: str, inhoud: VorderingInhoud) -> Vordering:
        return cls(
            pseudoniem=pseudoniem,
            referentie=inhoud.referentie,
            soort=inhoud.soort,
            oorspronkelijk_bedrag_centen=inhoud.oorspronkelijk_bedrag_centen,
            openstaand_bedrag_centen=inhoud.openstaand_bedrag_centen,
            maatregelen=tuple(m.value for m in inhoud.maatregelen),
            bezwaar_of_beroep=inhoud.bezwaar_of_beroep,
            betalingsregeling=inhoud.betalingsregeling,
            opgeschort=inhoud.opgeschort,
        )


@dataclass(frozen=True, slots=True)
class UitvoerderSchulden:
    """One agency's part: its answer over the household, and its claims."""

    uitvoerder: str
    status: VerzoekStatus
    late: bool
    redencode: str | None
    reden: str | None
    vorderingen: tuple[Vordering, ...]
    onleesbaar: int = 0
    """Contents that did not open as a claim (not sealed for the hub, or not a claim): left out
    of the claims and totals, and counted here so that the totals are not taken as complete."""
    alles_gegeven: bool = True
    """Every person's claims are in (a person unknown to the agency has none); false when it
    refused for another reason (no legal ground, ...) for any person."""

    @property
    def beantwoord(self) -> bool:
        return self.status not in ONBEANTWOORD

    @property
    def volledig(self) -> bool:
        """Answered, and the totals hold all of this agency's claims on the household."""
        return self.beantwoord and self.alles_gegeven and self.onleesbaar == 0

    @property
    def totaal_oorspronkelijk_centen(self) -> int:
        return sum(v.oorspronkelijk_bedrag_centen for v in self.vorderingen)

    @property
    def totaal_openstaand_centen(self) -> int:
        return sum(v.openstaand_bedrag_centen for v in self.vorderingen)


@dataclass(frozen=True, slots=True)
class Schuldenoverzicht:
    schuldenoverzicht_id: str
    casus_id: str
    status: KetenStatus
    gevraagd_op: dt.datetime
    reageer_uiterlijk: dt.datetime
    uitvoerders: tuple[UitvoerderSchulden, ...]
    verwijderd_op: dt.datetime | None
    """Set once the retention purge deleted the claims' content."""

    @property
    def compleet(self) -> bool:
        """The totals hold every agency's claims on every household member: exactly when
        ``status`` is ``confirmed`` (the two once disagreed: ``incomplete`` beside ``compleet``)."""
        return self.status is KetenStatus.CONFIRMED

    @property
    def ontbrekend(self) -> list[str]:
        """The agencies that have not answered (yet)."""
        return [u.uitvoerder for u in self.uitvoerders if not u.beantwoord]

    @property
    def late(self) -> list[str]:
        """The agencies that have not answered past the deadline."""
        return [u.uitvoerder for u in self.uitvoerders if u.late]

    @property
    def totaal_oorspronkelijk_centen(self) -> int:
        return sum(u.totaal_oorspronkelijk_centen for u in self.uitvoerders)

    @property
    def totaal_openstaand_centen(self) -> int:
        return sum(u.totaal_openstaand_centen for u in self.uitvoerders)

    def scope(self) -> dict[str, tuple[str, ...]]:
        """What a time-out from this overview covers: every agency that answered with claims,
        each with exactly the references of its claims."""
        return {
            u.uitvoerder: tuple(dict.fromkeys(v.referentie for v in u.vorderingen))
            for u in self.uitvoerders
            if u.vorderingen
        }


def overzicht_status(delen: list[UitvoerderSchulden]) -> KetenStatus:
    """The overview's own status: ``pending`` while an agency has not answered, ``confirmed``
    when every agency gave all its claims on the household, else ``incomplete`` (an agency
    refused for a person it knows, or gave content that did not open). Not the request chain's
    status: a person unknown to an agency is a refusal there, but a full answer here."""
    if not all(u.beantwoord for u in delen):
        return KetenStatus.PENDING
    if all(u.volledig for u in delen):
        return KetenStatus.CONFIRMED
    return KetenStatus.INCOMPLETE


def samengestelde_status(keten: list[Verzoek]) -> VerzoekStatus:
    """One agency's status over its questions (one per household member): unanswered while any
    is (undeliverable when one is), confirmed when all are, refused when all refused, else
    partially confirmed."""
    statussen = [v.status for v in keten]
    if VerzoekStatus.UNDELIVERABLE in statussen:
        return VerzoekStatus.UNDELIVERABLE
    if VerzoekStatus.PENDING in statussen:
        return VerzoekStatus.PENDING
    if all(s is VerzoekStatus.CONFIRMED for s in statussen):
        return VerzoekStatus.CONFIRMED
    if all(s is VerzoekStatus.REFUSED for s in statussen):
        return VerzoekStatus.REFUSED
    return VerzoekStatus.PARTIALLY_CONFIRMED


def stel_samen(
    verzoek: Informatieverzoek,
    open_vordering: Callable[[str], VorderingInhoud | None],
    nu: dt.datetime,
) -> Schuldenoverzicht:
    """The overview of a debt-overview request as its answers stand at ``nu``;
    ``open_vordering`` opens one sealed content of category ``vorderingen`` (None: it does not
    open as a claim)."""
    delen: list[UitvoerderSchulden] = []
    verwijderd: list[dt.datetime] = []
    for deel in verzoek.delen:
        keten = [v for v in verzoek.keten if v.uitvoerder == deel.uitvoerder]
        vorderingen: list[Vordering] = []
        onleesbaar = 0
        for vraag in (w for w in verzoek.vragen if w.uitvoerder == deel.uitvoerder):
            for gegeven in vraag.gegevens:
                if gegeven.verwijderd_op is not None:
                    verwijderd.append(gegeven.verwijderd_op)
                if gegeven.categorie != Gegevenscategorie.VORDERINGEN or gegeven.inhoud is None:
                    continue
                inhoud = open_vordering(gegeven.inhoud)
                if inhoud is None:
                    onleesbaar += 1
                else:
                    vorderingen.append(Vordering.uit(gegeven.pseudoniem, inhoud))
        geweigerd = next((v for v in keten if v.status is VerzoekStatus.REFUSED), None)
        delen.append(
            UitvoerderSchulden(
                uitvoerder=deel.uitvoerder,
                status=samengestelde_status(keten),
                late=any(v.is_late(nu) for v in keten),
                redencode=geweigerd.redencode if geweigerd else None,
                reden=geweigerd.reden if geweigerd else None,
                vorderingen=tuple(vorderingen),
                onleesbaar=onleesbaar,
                alles_gegeven=all(
                    v.status is VerzoekStatus.CONFIRMED
                    or (v.status is VerzoekStatus.REFUSED and v.redencode in GEEN_VORDERINGEN)
                    for v in keten
                ),
            )
        )
    return Schuldenoverzicht(
        schuldenoverzicht_id=verzoek.informatieverzoek_id,
        casus_id=verzoek.casus_id,
        status=overzicht_status(delen),
        gevraagd_op=verzoek.gevraagd_op,
        reageer_uiterlijk=verzoek.reageer_uiterlijk,
        uitvoerders=tuple(delen),
        verwijderd_op=max(verwijderd) if verwijderd else None,
    )
