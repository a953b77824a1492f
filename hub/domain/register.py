"""Landelijk Maatwerkregister: each organisation's maatwerkfunctionaris, as the hub keeps it.

One :class:`Registratie` per organisation, keyed by its OIN. The organisation enters it, changes
it and removes it (by its certificate; operators may change any entry). The hub reads it to find
whom to tell: a chain link's contact, who to invite to an escalation, whom to warn. An organisation
without an entry has no contact, and the views that need one say so (never a silent skip).

Pure Python: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import ClassVar

from hub.domain.model import Aggregaat, Gebeurtenis
from schemas.gedeeld import Partijsoort


@dataclass(frozen=True, slots=True)
class Mandaat:
    """What the maatwerkfunctionaris may decide without going back to the board."""

    omschrijving: str
    verleend_door: str
    instrumenten: tuple[str, ...] = ()
    maximum_bedrag_centen: int | None = None
    """Financial ceiling per casus in euro cents, if any."""


@dataclass(frozen=True, slots=True)
class Gegevens:
    """What an organisation enters about its maatwerkfunctionaris (a team, not a person)."""

    organisatie_naam: str
    organisatiesoort: Partijsoort
    team: str
    email: str
    telefoon: str
    mandaat: Mandaat
    domeinen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    """What a view shows of an organisation's registered contact."""

    organisatie_oin: str
    organisatie_naam: str
    team: str
    email: str
    telefoon: str


@dataclass(frozen=True, slots=True)
class Registerfilter:
    """Each given criterion narrows the search; several values of one criterion mean any."""

    organisaties: tuple[str, ...] = ()
    """OINs."""
    soorten: tuple[Partijsoort, ...] = ()
    domeinen: tuple[str, ...] = ()
    naam: str | None = None
    """Part of the organisation's or the team's name, any case."""


class RegisterFout(Exception):
    """A step the entry does not allow (e.g. changing a removed entry): 409 at the API."""

    def __init__(self, message: str, *, toegestaan: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.toegestaan = toegestaan


@dataclass(frozen=True, kw_only=True)
class RegisterGebeurtenis(Gebeurtenis):
    organisatie_oin: str
    actie: ClassVar[str]


@dataclass(frozen=True, kw_only=True)
class Geregistreerd(RegisterGebeurtenis):
    actie: ClassVar[str] = "register.geregistreerd"
    gegevens: Gegevens


@dataclass(frozen=True, kw_only=True)
class Gewijzigd(RegisterGebeurtenis):
    actie: ClassVar[str] = "register.gewijzigd"
    gegevens: Gegevens
    gewijzigde_velden: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Verwijderd(RegisterGebeurtenis):
    actie: ClassVar[str] = "register.verwijderd"
    reden: str | None


@dataclass(kw_only=True)
class Registratie(Aggregaat):
    """One organisation's entry. A removed entry stays (its removal is its last state on the
    compacted topic); registering again brings it back."""

    organisatie_oin: str
    gegevens: Gegevens
    geregistreerd_op: dt.datetime
    gewijzigd_op: dt.datetime
    verwijderd_op: dt.datetime | None = None
    gebeurtenissen: list[Gebeurtenis] = field(default_factory=list, repr=False, compare=False)

    @property
    def verwijderd(self) -> bool:
        return self.verwijderd_op is not None

    @property
    def contact(self) -> Contact:
        return Contact(
            organisatie_oin=self.organisatie_oin,
            organisatie_naam=self.gegevens.organisatie_naam,
            team=self.gegevens.team,
            email=self.gegevens.email,
            telefoon=self.gegevens.telefoon,
        )

    @classmethod
    def schrijf_in(cls, oin: str, gegevens: Gegevens, *, door: str, op: dt.datetime) -> Registratie:
        registratie = cls(
            organisatie_oin=oin, gegevens=gegevens, geregistreerd_op=op, gewijzigd_op=op
        )
        registratie.registreer(
            Geregistreerd(door=door, op=op, organisatie_oin=oin, gegevens=gegevens)
        )
        return registratie

    def schrijf_opnieuw_in(self, gegevens: Gegevens, *, door: str, op: dt.datetime) -> None:
        """A removed organisation enters itself again: a new registration of the same key."""
        if not self.verwijderd:
            raise RegisterFout(
                f"organisation {self.organisatie_oin} is registered already",
                toegestaan=("wijzigen", "verwijderen"),
            )
        self.gegevens, self.verwijderd_op = gegevens, None
        self.geregistreerd_op = self.gewijzigd_op = op
        self.registreer(
            Geregistreerd(door=door, op=op, organisatie_oin=self.organisatie_oin, gegevens=gegevens)
        )

    def wijzig(self, gegevens: Gegevens, *, door: str, op: dt.datetime) -> None:
        """Replace the entry. An unchanged entry records nothing (a retried PUT is no change)."""
        self._niet_verwijderd()
        velden = tuple(
            veld.name
            for veld in fields(Gegevens)
            if getattr(gegevens, veld.name) != getattr(self.gegevens, veld.name)
        )
        if not velden:
            return
        self.gegevens, self.gewijzigd_op = gegevens, op
        self.registreer(
            Gewijzigd(
                door=door,
                op=op,
                organisatie_oin=self.organisatie_oin,
                gegevens=gegevens,
                gewijzigde_velden=velden,
            )
        )

    def verwijder(self, reden: str | None, *, door: str, op: dt.datetime) -> None:
        self._niet_verwijderd()
        self.verwijderd_op = op
        self.registreer(
            Verwijderd(door=door, op=op, organisatie_oin=self.organisatie_oin, reden=reden)
        )

    def _niet_verwijderd(self) -> None:
        if self.verwijderd:
            raise RegisterFout(
                f"organisation {self.organisatie_oin} has no entry (removed)",
                toegestaan=("registreren",),
            )
