"""The time-out (opschorting) aggregate: one order, one request per agency, and its changes.

The order goes to each agency in scope as a :class:`~hub.domain.verzoek.Verzoek`; an extension or
a lifting (:class:`Wijziging`) goes to every agency that did not refuse the order, each change
with a chain of its own. The aggregate checks every rule of the time-out and records what
happened (:class:`Opgedragen`, :class:`Verlengd`, :class:`Opgeheven`, :class:`Verlopen`,
:class:`Beantwoord`); the message bus turns those into contract messages.

Pure Python: no I/O. The service layer loads it, calls its methods and saves it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from hub.domain.model import Aggregaat, Gebeurtenis
from hub.domain.verzoek import (
    KetenStatus,
    OnverwachtAntwoord,
    Uitkomst,
    Verzoek,
    VerzoekSoort,
    VerzoekStatus,
    keten_compleet_op,
    keten_status,
    keten_telling,
)

NL = ZoneInfo("Europe/Amsterdam")

MAX_TERUG = dt.timedelta(days=366)
"""How far back a time-out may begin: an order backdated more than a year is a typo, not a
decision (an agency cannot undo a year of collection)."""
MAX_VOORUIT = dt.timedelta(days=5 * 366)
"""How far ahead a time-out may end: the longest instrument (CJIB's 4 + 8 months, a moratorium's
6) is far shorter; an end date years away is a typo that would stop collection for good."""


def _controleer_bereik(datum: dt.date, nu: dt.datetime, *, field: str, terug: bool) -> None:
    """Dates within sane reach of today (in the Netherlands)."""
    vandaag = nu.astimezone(NL).date()
    if terug and datum < vandaag - MAX_TERUG:
        raise OngeldigeOpschorting(
            f"{field} must not lie more than {MAX_TERUG.days} days in the past", field=field
        )
    if datum > vandaag + MAX_VOORUIT:
        raise OngeldigeOpschorting(
            f"{field} must not lie more than {MAX_VOORUIT.days} days in the future", field=field
        )


"""Dates in orders are Dutch calendar days."""


class OngeldigeOpschorting(ValueError):
    """An order or a change the time-out cannot take. ``field`` names the input at fault; without
    one, the state of the time-out is what forbids it (a conflict)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class WijzigingSoort(StrEnum):
    VERLENGING = "verlenging"
    OPHEFFING = "opheffing"


@dataclass(slots=True)
class Wijziging:
    """An extension or a lifting of a time-out, with its own chain of agency requests."""

    wijziging_id: str
    soort: WijzigingSoort
    reden: str
    gewijzigd_op: dt.datetime
    nieuwe_einddatum: dt.date | None = None
    opheffingsdatum: dt.date | None = None
    keten: list[Verzoek] = field(default_factory=list)

    @property
    def status(self) -> KetenStatus:
        return keten_status(v.status for v in self.keten)

    @property
    def compleet_op(self) -> dt.datetime | None:
        return keten_compleet_op(self.keten)


@dataclass(frozen=True, kw_only=True)
class Opgedragen(Gebeurtenis):
    opschorting: Opschorting


@dataclass(frozen=True, kw_only=True)
class Verlengd(Gebeurtenis):
    opschorting: Opschorting
    wijziging: Wijziging
    vorige_einddatum: dt.date


@dataclass(frozen=True, kw_only=True)
class Opgeheven(Gebeurtenis):
    opschorting: Opschorting
    wijziging: Wijziging


@dataclass(frozen=True, kw_only=True)
class Verlopen(Gebeurtenis):
    opschorting: Opschorting


@dataclass(frozen=True, kw_only=True)
class Beantwoord(Gebeurtenis):
    """An agency answered one of the time-out's requests (``gewijzigd``: False when the request
    had its answer already and this one changed nothing)."""

    opschorting: Opschorting
    verzoek: Verzoek
    gewijzigd: bool
    antwoord_id: str
    """Event id of the answer."""


@dataclass(frozen=True, slots=True)
class Scope:
    """One agency in an order, which of its claims (``None``: all of the household's) and which
    household members, by pseudonym (``None``: the whole household): an agency gets only the
    persons who hold the claims in its scope."""

    uitvoerder: str
    vorderingen: tuple[str, ...] | None = None
    personen: tuple[str, ...] | None = None


@dataclass(kw_only=True)
class Opschorting(Aggregaat):
    """A loket time-out order on a casus and the chain of agencies that must apply it.

    ``einddatum`` is the current last day: an extension moves it.
    """

    opschorting_id: str
    casus_id: str
    maatregelen: tuple[str, ...]
    ingangsdatum: dt.date
    einddatum: dt.date
    grondslag: str
    reden: str
    opgedragen_op: dt.datetime
    keten: list[Verzoek] = field(default_factory=list)
    wijzigingen: list[Wijziging] = field(default_factory=list)
    opgeheven_per: dt.date | None = None
    verlopen_op: dt.datetime | None = None
    einde_gewaarschuwd_voor: dt.date | None = None
    """The end date the loket and agencies were last warned of (``hub.domain.signalering``):
    once per end date, so an extension is warned of again."""

    @classmethod
    def draag_op(
        cls,
        *,
        opschorting_id: str,
        casus_id: str,
        scope: Sequence[Scope],
        maatregelen: tuple[str, ...],
        ingangsdatum: dt.date,
        einddatum: dt.date,
        grondslag: str,
        reden: str,
        instructies: Mapping[str, str],
        reageer_uiterlijk: dt.datetime,
        nu: dt.datetime,
        door: str,
        huishouden: Collection[str] = (),
    ) -> Opschorting:
        """The loket's order: one request per agency in ``scope``; ``instructies`` maps each
        agency to the id of its instruction. A scope's ``personen`` must be members of the
        casus household (``huishouden``: their pseudonyms, in its order, which the requests
        keep)."""
        _controleer_personen(scope, huishouden)
        _controleer_bereik(ingangsdatum, nu, field="ingangsdatum", terug=True)
        _controleer_bereik(einddatum, nu, field="einddatum", terug=False)
        if einddatum < ingangsdatum:
            raise OngeldigeOpschorting(
                "einddatum must not lie before ingangsdatum", field="einddatum"
            )
        _controleer_ids({s.uitvoerder for s in scope}, instructies)
        opschorting = cls(
            opschorting_id=opschorting_id,
            casus_id=casus_id,
            maatregelen=maatregelen,
            ingangsdatum=ingangsdatum,
            einddatum=einddatum,
            grondslag=grondslag,
            reden=reden,
            opgedragen_op=nu,
        )
        opschorting.keten = [
            opschorting._verzoek(
                VerzoekSoort.OPSCHORTING,
                opschorting_id,
                s.uitvoerder,
                instructies[s.uitvoerder],
                reageer_uiterlijk,
                s.vorderingen,
                _in_volgorde(s.personen, huishouden),
            )
            for s in scope
        ]
        opschorting.registreer(Opgedragen(opschorting=opschorting, door=door, op=nu))
        return opschorting

    def _verzoek(
        self,
        soort: VerzoekSoort,
        keten_id: str,
        uitvoerder: str,
        instructie_id: str,
        reageer_uiterlijk: dt.datetime,
        vorderingen: tuple[str, ...] | None,
        personen: tuple[str, ...] | None,
    ) -> Verzoek:
        return Verzoek(
            instructie_id=instructie_id,
            soort=soort,
            keten_id=keten_id,
            instrument_id=self.opschorting_id,
            casus_id=self.casus_id,
            uitvoerder=uitvoerder,
            reageer_uiterlijk=reageer_uiterlijk,
            vorderingen_in_scope=vorderingen,
            personen_in_scope=personen,
        )

    def verzoek_van(self, uitvoerder: str) -> Verzoek:
        """The order's request to ``uitvoerder``."""
        for verzoek in self.keten:
            if verzoek.uitvoerder == uitvoerder:
                return verzoek
        raise OnverwachtAntwoord(f"{uitvoerder} is not in the chain of {self.opschorting_id}")

    def verzoeken(self) -> list[Verzoek]:
        """Every request of the order and of its changes."""
        return [*self.keten, *(v for w in self.wijzigingen for v in w.keten)]

    @property
    def status(self) -> KetenStatus:
        return keten_status(v.status for v in self.keten)

    @property
    def compleet_op(self) -> dt.datetime | None:
        return keten_compleet_op(self.keten)

    def telling(self) -> dict[str, int]:
        return keten_telling(self.keten)

    @property
    def lopend(self) -> bool:
        """Neither lifted nor expired."""
        return self.opgeheven_per is None and self.verlopen_op is None

    def verzoek(self, instructie_id: str) -> Verzoek:
        """The request (of the order or of a change) whose instruction had this id."""
        for verzoek in self.verzoeken():
            if verzoek.instructie_id == instructie_id:
                return verzoek
        raise OnverwachtAntwoord(f"no instruction {instructie_id} in {self.opschorting_id}")

    def beantwoord(
        self, uitvoerder: str, uitkomst: Uitkomst, *, nu: dt.datetime, door: str, antwoord_id: str
    ) -> bool:
        """Record an agency's answer to one of the requests (of the order or of a change).
        Returns False when it changes nothing (the request had its answer already)."""
        verzoek = self.verzoek(uitkomst.instructie_id)
        if verzoek.uitvoerder != uitvoerder:
            raise OnverwachtAntwoord(
                f"instruction {uitkomst.instructie_id} was for {verzoek.uitvoerder}, "
                f"not {uitvoerder}"
            )
        gewijzigd = verzoek.verwerk(uitkomst, nu)
        self.registreer(
            Beantwoord(
                opschorting=self,
                verzoek=verzoek,
                gewijzigd=gewijzigd,
                antwoord_id=antwoord_id,
                door=door,
                op=nu,
            )
        )
        return gewijzigd

    def ontvangers_van_wijziging(self) -> list[Verzoek]:
        """The order's requests whose agencies a change goes to: all that did not refuse."""
        return [v for v in self.keten if v.status is not VerzoekStatus.REFUSED]

    def _controleer_wijzigbaar(self) -> list[Verzoek]:
        if self.opgeheven_per is not None:
            raise OngeldigeOpschorting(f"the time-out was lifted as of {self.opgeheven_per}")
        if self.verlopen_op is not None:
            raise OngeldigeOpschorting(f"the time-out ended on {self.einddatum}")
        ontvangers = self.ontvangers_van_wijziging()
        if not ontvangers:
            raise OngeldigeOpschorting("every agency refused the time-out: nothing to change")
        return ontvangers

    def verleng(
        self,
        *,
        wijziging_id: str,
        einddatum: dt.date,
        reden: str,
        nu: dt.datetime,
        instructies: Mapping[str, str],
        reageer_uiterlijk: dt.datetime,
        door: str,
    ) -> Wijziging:
        """Extend to ``einddatum``; ``instructies`` maps each receiving agency to the id of its
        instruction (see :meth:`ontvangers_van_wijziging`)."""
        ontvangers = self._controleer_wijzigbaar()
        if einddatum <= self.einddatum:
            raise OngeldigeOpschorting(
                f"einddatum must lie after the current einddatum {self.einddatum}",
                field="einddatum",
            )
        _controleer_bereik(einddatum, nu, field="einddatum", terug=False)
        vorige = self.einddatum
        wijziging = self._voeg_toe(
            Wijziging(
                wijziging_id, WijzigingSoort.VERLENGING, reden, nu, nieuwe_einddatum=einddatum
            ),
            ontvangers,
            instructies,
            reageer_uiterlijk,
        )
        self.einddatum = einddatum
        self.registreer(
            Verlengd(
                opschorting=self,
                wijziging=wijziging,
                vorige_einddatum=vorige,
                door=door,
                op=nu,
            )
        )
        return wijziging

    def hef_op(
        self,
        *,
        wijziging_id: str,
        opheffingsdatum: dt.date,
        reden: str,
        nu: dt.datetime,
        instructies: Mapping[str, str],
        reageer_uiterlijk: dt.datetime,
        door: str,
    ) -> Wijziging:
        """Lift the time-out: collection may resume on ``opheffingsdatum``."""
        ontvangers = self._controleer_wijzigbaar()
        if opheffingsdatum > self.einddatum:
            raise OngeldigeOpschorting(
                f"opheffingsdatum must not lie after the einddatum {self.einddatum}",
                field="opheffingsdatum",
            )
        if opheffingsdatum < self.ingangsdatum:
            raise OngeldigeOpschorting(
                f"opheffingsdatum must not lie before the time-out began ({self.ingangsdatum})",
                field="opheffingsdatum",
            )
        wijziging = self._voeg_toe(
            Wijziging(
                wijziging_id, WijzigingSoort.OPHEFFING, reden, nu, opheffingsdatum=opheffingsdatum
            ),
            ontvangers,
            instructies,
            reageer_uiterlijk,
        )
        self.opgeheven_per = opheffingsdatum
        self.registreer(Opgeheven(opschorting=self, wijziging=wijziging, door=door, op=nu))
        return wijziging

    def _voeg_toe(
        self,
        wijziging: Wijziging,
        ontvangers: list[Verzoek],
        instructies: Mapping[str, str],
        reageer_uiterlijk: dt.datetime,
    ) -> Wijziging:
        _controleer_ids({v.uitvoerder for v in ontvangers}, instructies)
        soort = VerzoekSoort(wijziging.soort.value)
        wijziging.keten = [
            self._verzoek(
                soort,
                wijziging.wijziging_id,
                v.uitvoerder,
                instructies[v.uitvoerder],
                reageer_uiterlijk,
                v.vorderingen_in_scope,
                v.personen_in_scope,
            )
            for v in ontvangers
        ]
        self.wijzigingen.append(wijziging)
        return wijziging

    def voor_uitvoerder(self, uitvoerder: str) -> Opschorting | None:
        """The part of this time-out one agency may see: its own requests only (in the order
        and in each change it received), so the counts and statuses are of its own part too.
        ``None`` when it takes no part. A read-only copy: never stored."""
        eigen = [v for v in self.keten if v.uitvoerder == uitvoerder]
        if not eigen:
            return None
        wijzigingen = [
            dataclasses.replace(w, keten=[v for v in w.keten if v.uitvoerder == uitvoerder])
            for w in self.wijzigingen
            if any(v.uitvoerder == uitvoerder for v in w.keten)
        ]
        return dataclasses.replace(self, keten=eigen, wijzigingen=wijzigingen, gebeurtenissen=[])

    def verloop(self, nu: dt.datetime, *, door: str) -> bool:
        """Record that the time-out ran out: it is the day after einddatum in the Netherlands.
        True when it did now."""
        if not self.lopend or nu.astimezone(NL).date() <= self.einddatum:
            return False
        self.verlopen_op = nu
        self.registreer(Verlopen(opschorting=self, door=door, op=nu))
        return True


def _controleer_personen(scope: Sequence[Scope], huishouden: Collection[str]) -> None:
    """Every person named in a scope is a member of the household, named once; a scope names at
    least one."""
    leden = set(huishouden)
    for i, s in enumerate(scope):
        if s.personen is None:
            continue
        if not s.personen:
            raise OngeldigeOpschorting(
                "personen must name at least one household member (omit it for the household)",
                field=f"uitvoerders.{i}.personen",
            )
        if len(set(s.personen)) != len(s.personen):
            raise OngeldigeOpschorting(
                "each person may appear only once", field=f"uitvoerders.{i}.personen"
            )
        for j, pseudoniem in enumerate(s.personen):
            if pseudoniem not in leden:
                raise OngeldigeOpschorting(
                    "not a member of the casus household", field=f"uitvoerders.{i}.personen.{j}"
                )


def _in_volgorde(
    personen: tuple[str, ...] | None, huishouden: Collection[str]
) -> tuple[str, ...] | None:
    """``personen`` in the household's order."""
    return None if personen is None else tuple(p for p in huishouden if p in personen)


def _controleer_ids(ontvangers: set[str], instructies: Mapping[str, str]) -> None:
    missing = ontvangers - instructies.keys()
    if missing:
        raise ValueError(f"no instruction id for {sorted(missing)}")
