"""The information request (informatieverzoek): purpose-bound questions to agencies, and their
minimised answers.

One request names a purpose (``doel``), a legal ground, per agency the agreement relied on and the
categories asked, and the persons (pseudonyms). It goes out as one message per agency per person,
each a :class:`~hub.domain.verzoek.Verzoek` (soort ``informatie``) in the request's chain; what
the message asks of its agency about its person is a :class:`Vraag`.

The answers are checked a second time here (:meth:`Informatieverzoek.neem_verstrekt`): only the
categories asked of that agency, only about the person asked, content sealed. What an agency
gives is kept as it arrived: sealed for the receiver (the hub itself, or the requester), until
the retention purge deletes the content (the fact that it was shared stays).

Pure Python: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hub.domain.model import Aggregaat, Gebeurtenis
from hub.domain.verzoek import (
    KetenStatus,
    OnverwachtAntwoord,
    Uitkomst,
    Verzoek,
    VerzoekSoort,
    VerzoekStatus,
    keten_status,
)
from schemas.gedeeld import Regel
from schemas.versleuteling import is_sealed


class Ontvanger(StrEnum):
    """Who can open the content of the answers."""

    HUB = "hub"
    """The hub's own key: the hub opens the content for the requester when it is read."""
    VERZOEKER = "verzoeker"
    """The requester's key: the hub keeps sealed text it cannot read."""


@dataclass(frozen=True, slots=True)
class Deel:
    """What is asked of one agency, and the agreement (version) that allows it."""

    uitvoerder: str
    categorieen: tuple[str, ...]
    kenmerk: str
    versie: int
    toegestane_categorieen: tuple[str, ...]
    """Everything that agreement allows (the message names it)."""


@dataclass(slots=True)
class OntvangenGegeven:
    """Information of one category about one person, as an agency gave it: the content sealed
    (``None`` once purged, ``verwijderd_op`` set)."""

    categorie: str
    pseudoniem: str
    peildatum: dt.date
    inhoud: str | None
    ontvangen_op: dt.datetime
    verwijderd_op: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class NietGegeven:
    """A category asked but withheld, and why."""

    categorie: str
    redencode: str


@dataclass(slots=True)
class Vraag:
    """What one message asks of one agency about one person, and what it gave."""

    instructie_id: str
    uitvoerder: str
    pseudoniem: str
    categorieen: tuple[str, ...]
    gegevens: list[OntvangenGegeven] = field(default_factory=list)
    niet_verstrekt: tuple[NietGegeven, ...] = ()


@dataclass(frozen=True, slots=True)
class Verstrekking:
    """An agency's answer with information (``InformatieVerstrekt``) as the domain sees it."""

    instructie_id: str
    verzoek_id: str
    gevraagde_categorieen: tuple[str, ...]
    gegevens: tuple[OntvangenGegeven, ...]
    niet_verstrekt: tuple[NietGegeven, ...]
    verstrekt_op: dt.datetime


@dataclass(frozen=True, slots=True)
class Weigering:
    """An agency's refusal of the whole question (``InformatieGeweigerd``)."""

    instructie_id: str
    verzoek_id: str
    redencode: str
    reden: str
    geweigerd_op: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Gevraagd(Gebeurtenis):
    informatieverzoek: Informatieverzoek


@dataclass(frozen=True, kw_only=True)
class Beantwoord(Gebeurtenis):
    """An agency answered one question (``gewijzigd``: False when it had its answer already)."""

    informatieverzoek: Informatieverzoek
    verzoek: Verzoek
    vraag: Vraag
    gewijzigd: bool
    antwoord_id: str


def toets_verstrekking(vraag: Vraag, antwoord: Verstrekking) -> None:
    """The hub's second minimisation check: an answer carries only what was asked of that agency
    about that person, its content sealed. :class:`OnverwachtAntwoord` naming what is wrong."""
    wie = vraag.uitvoerder
    for i, gegeven in enumerate(antwoord.gegevens):
        if gegeven.categorie not in vraag.categorieen:
            raise OnverwachtAntwoord(f"gegevens carries {gegeven.categorie}, not asked of {wie}")
        if gegeven.pseudoniem != vraag.pseudoniem:
            raise OnverwachtAntwoord(
                f"gegevens.{i} is about {gegeven.pseudoniem}, not the person asked of {wie}"
            )
        if gegeven.inhoud is None or not is_sealed(gegeven.inhoud):
            raise OnverwachtAntwoord(f"gegevens.{i}.inhoud is not sealed for the receiver")
    for niet in antwoord.niet_verstrekt:
        if niet.categorie not in vraag.categorieen:
            raise OnverwachtAntwoord(f"niet_verstrekt names {niet.categorie}, not asked of {wie}")
    if set(antwoord.gevraagde_categorieen) != set(vraag.categorieen):
        raise OnverwachtAntwoord(
            f"gevraagde_categorieen {', '.join(antwoord.gevraagde_categorieen)} are not what was "
            f"asked of {wie} ({', '.join(vraag.categorieen)})"
        )


def verstrekking_status(vraag: Vraag, antwoord: Verstrekking) -> VerzoekStatus:
    """Everything asked given: confirmed; otherwise (some withheld): partially confirmed."""
    gegeven = {g.categorie for g in antwoord.gegevens}
    if set(vraag.categorieen) <= gegeven and not antwoord.niet_verstrekt:
        return VerzoekStatus.CONFIRMED
    return VerzoekStatus.PARTIALLY_CONFIRMED


@dataclass(kw_only=True)
class Informatieverzoek(Aggregaat):
    """One request for information on a casus, its chain of questions and their answers."""

    informatieverzoek_id: str
    casus_id: str
    verzoeker: str
    """Organisation code of the requester (``loket`` or an agency)."""
    door: str
    """The proven actor that asked (``urn:nld:oin:<OIN>``)."""
    doel: str
    grondslag: Regel
    delen: tuple[Deel, ...]
    personen: tuple[str, ...]
    ontvanger: Ontvanger
    ontvanger_sleutel: str | None
    """The requester's public key text when it is the receiver; None when the hub is."""
    gevraagd_op: dt.datetime
    reageer_uiterlijk: dt.datetime
    schuldenoverzicht: bool = False
    """Asked as a debt overview (the hub assembles the answers)."""
    keten: list[Verzoek] = field(default_factory=list)
    vragen: list[Vraag] = field(default_factory=list)

    @classmethod
    def vraag(
        cls,
        *,
        informatieverzoek_id: str,
        casus_id: str,
        verzoeker: str,
        doel: str,
        grondslag: Regel,
        delen: Sequence[Deel],
        personen: Sequence[str],
        ontvanger_sleutel: str | None,
        reageer_uiterlijk: dt.datetime,
        nieuw_id: Callable[[], str],
        nu: dt.datetime,
        door: str,
        schuldenoverzicht: bool = False,
    ) -> Informatieverzoek:
        """The request: one question (and one :class:`Verzoek`) per agency per person, each
        with the instruction id ``nieuw_id()`` gives."""
        if not delen or not personen:
            raise ValueError("a request asks at least one agency about at least one person")
        verzoek = cls(
            informatieverzoek_id=informatieverzoek_id,
            casus_id=casus_id,
            verzoeker=verzoeker,
            door=door,
            doel=doel,
            grondslag=grondslag,
            delen=tuple(delen),
            personen=tuple(personen),
            ontvanger=Ontvanger.HUB if ontvanger_sleutel is None else Ontvanger.VERZOEKER,
            ontvanger_sleutel=ontvanger_sleutel,
            gevraagd_op=nu,
            reageer_uiterlijk=reageer_uiterlijk,
            schuldenoverzicht=schuldenoverzicht,
        )
        for deel in delen:
            for pseudoniem in personen:
                instructie_id = nieuw_id()
                verzoek.vragen.append(
                    Vraag(instructie_id, deel.uitvoerder, pseudoniem, deel.categorieen)
                )
                verzoek.keten.append(
                    Verzoek(
                        instructie_id=instructie_id,
                        soort=VerzoekSoort.INFORMATIE,
                        keten_id=informatieverzoek_id,
                        instrument_id=informatieverzoek_id,
                        casus_id=casus_id,
                        uitvoerder=deel.uitvoerder,
                        reageer_uiterlijk=reageer_uiterlijk,
                    )
                )
        verzoek.registreer(Gevraagd(informatieverzoek=verzoek, door=door, op=nu))
        return verzoek

    @property
    def status(self) -> KetenStatus:
        return keten_status(v.status for v in self.keten)

    def deel_van(self, uitvoerder: str) -> Deel:
        for deel in self.delen:
            if deel.uitvoerder == uitvoerder:
                return deel
        raise OnverwachtAntwoord(f"{uitvoerder} was not asked in {self.informatieverzoek_id}")

    def verzoek(self, instructie_id: str) -> Verzoek:
        for verzoek in self.keten:
            if verzoek.instructie_id == instructie_id:
                return verzoek
        raise OnverwachtAntwoord(f"no question {instructie_id} in {self.informatieverzoek_id}")

    def vraag_van(self, instructie_id: str) -> Vraag:
        for vraag in self.vragen:
            if vraag.instructie_id == instructie_id:
                return vraag
        raise OnverwachtAntwoord(f"no question {instructie_id} in {self.informatieverzoek_id}")

    def _te_beantwoorden(
        self, uitvoerder: str, instructie_id: str, verzoek_id: str
    ) -> tuple[Verzoek, Vraag]:
        if verzoek_id != self.informatieverzoek_id:
            raise OnverwachtAntwoord(
                f"verzoek_id {verzoek_id} is not the request of instruction {instructie_id}"
            )
        verzoek, vraag = self.verzoek(instructie_id), self.vraag_van(instructie_id)
        if verzoek.uitvoerder != uitvoerder:
            raise OnverwachtAntwoord(
                f"instruction {instructie_id} was for {verzoek.uitvoerder}, not {uitvoerder}"
            )
        return verzoek, vraag

    def neem_verstrekt(
        self,
        uitvoerder: str,
        antwoord: Verstrekking,
        *,
        nu: dt.datetime,
        door: str,
        antwoord_id: str,
    ) -> bool:
        """Take an agency's information after the minimisation check (:func:`toets_verstrekking`;
        a failed check raises and changes nothing, so a later valid answer is still taken).
        Returns False when the question had its answer already (the first answer wins)."""
        verzoek, vraag = self._te_beantwoorden(
            uitvoerder, antwoord.instructie_id, antwoord.verzoek_id
        )
        toets_verstrekking(vraag, antwoord)
        gewijzigd = verzoek.verwerk(
            Uitkomst(
                instructie_id=antwoord.instructie_id,
                status=verstrekking_status(vraag, antwoord),
                beantwoord_op=antwoord.verstrekt_op,
            ),
            nu,
        )
        if gewijzigd:
            vraag.gegevens = list(antwoord.gegevens)
            vraag.niet_verstrekt = antwoord.niet_verstrekt
        self._beantwoord(verzoek, vraag, gewijzigd, nu=nu, door=door, antwoord_id=antwoord_id)
        return gewijzigd

    def neem_geweigerd(
        self, uitvoerder: str, weigering: Weigering, *, nu: dt.datetime, door: str, antwoord_id: str
    ) -> bool:
        """Take an agency's refusal of a question."""
        verzoek, vraag = self._te_beantwoorden(
            uitvoerder, weigering.instructie_id, weigering.verzoek_id
        )
        gewijzigd = verzoek.verwerk(
            Uitkomst(
                instructie_id=weigering.instructie_id,
                status=VerzoekStatus.REFUSED,
                beantwoord_op=weigering.geweigerd_op,
                redencode=weigering.redencode,
                reden=weigering.reden,
            ),
            nu,
        )
        self._beantwoord(verzoek, vraag, gewijzigd, nu=nu, door=door, antwoord_id=antwoord_id)
        return gewijzigd

    def _beantwoord(
        self,
        verzoek: Verzoek,
        vraag: Vraag,
        gewijzigd: bool,
        *,
        nu: dt.datetime,
        door: str,
        antwoord_id: str,
    ) -> None:
        self.registreer(
            Beantwoord(
                informatieverzoek=self,
                verzoek=verzoek,
                vraag=vraag,
                gewijzigd=gewijzigd,
                antwoord_id=antwoord_id,
                door=door,
                op=nu,
            )
        )
