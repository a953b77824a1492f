"""What an agency package declares so the shared runtime can serve it.

An agency package ``connectors.<code>`` exposes ``KOPPELING``: a :class:`Koppeling` naming the
agency, where its back-office listens by default, and per CloudEvent type the
:class:`~connectors.base.vertaling.Vertaling` it applies. The runtime reads every topic of the
agency that carries one of those types; a type without a translation is dead-lettered
(``niet-ondersteund``). The runtime finds the ``KOPPELING`` through the package's entry point
in the group :data:`ENTRY_POINT_GROUP`, named by the agency code (:func:`laad_koppeling`), so
adding an agency means installing a package, and adding an instrument for an agency means adding
a translation, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from connectors.base.backoffice import Backoffice
from connectors.base.opdracht import is_instructie
from connectors.base.settings import ConnectorSettings
from connectors.base.vertaling import Vertaling
from schemas import event_types
from schemas.organisaties import UITVOERDERS, Organisatie, Uitvoerder
from schemas.topics import Topic, catalogue


@dataclass(frozen=True)
class Proefpersonen:
    """The test persons the conformance kit (``maatwerk-connector certify``) uses at this
    agency's back-office: one whose time-out it confirms and one it refuses.

    The defaults hold for every simulated back-office: 999990019 is seeded at each of them with
    claims it suspends, 999999011 (elfproef-valid) is seeded at none, so each refuses it as an
    unknown person. An agency whose test environment differs declares its own.
    """

    bevestigd: str = "999990019"
    geweigerd: str = "999999011"
    gemeente: str | None = None
    """The municipality (OIN) the kit's instructions name, for the connector that serves many
    (``gemeente``); ``None`` for every other agency."""


@dataclass(frozen=True)
class Koppeling:
    """One agency's connection: who it is, where it listens, how it translates each type.

    Usage::

        Koppeling(
            uitvoerder=Uitvoerder.CJIB,
            standaard_url="http://127.0.0.1:8102",
            vertalingen={OpschortingInstructie.event_type: OPDRACHT, ...},
        )
    """

    uitvoerder: Uitvoerder
    standaard_url: str
    """Where the back-office listens by default (the local simulator)."""
    vertalingen: Mapping[str, Vertaling[Any, Any]]
    """CloudEvent type -> its translation for this agency."""
    proefpersonen: Proefpersonen = Proefpersonen()
    """Who the conformance kit uses at the back-office (:class:`Proefpersonen`)."""
    maak_backoffice: (
        Callable[[ConnectorSettings], AbstractAsyncContextManager[Backoffice]] | None
    ) = None
    """How the connector reaches its back-office(s) when one :class:`~connectors.base.backoffice.
    BackofficeClient` on ``backoffice_url`` is not it: the gemeente connector routes to each
    municipality's back-office with that municipality's certificate."""

    def __post_init__(self) -> None:
        # A typo here would otherwise only show as dead letters in production.
        bekend = event_types()
        for event_type in self.vertalingen:
            model = bekend.get(event_type)
            if model is None or not is_instructie(model):
                raise ValueError(f"{event_type} is no registered instruction type")
            if not any(event_type in t.message_types for t in self.topics):
                raise ValueError(f"no topic of {self.uitvoerder.value} carries {event_type}")

    @property
    def organisatie(self) -> Organisatie:
        return UITVOERDERS[self.uitvoerder]

    @property
    def naam(self) -> str:
        """The connector's name: ``connector-<agency>`` (also its consumer group)."""
        return f"connector-{self.uitvoerder.value}"

    @property
    def topics(self) -> tuple[Topic, ...]:
        """The topics the connector reads: the agency's own (it is among their consumers) that carry
        a translated type."""
        code = self.uitvoerder.value
        return tuple(
            t
            for t in catalogue()
            if code in t.consumers and any(m in self.vertalingen for m in t.message_types)
        )


ENTRY_POINT_GROUP = "maatwerk_hub.connectors"
"""Where an agency's package registers its :class:`Koppeling` (entry point name = agency code)."""


class OnbekendeUitvoerder(LookupError):
    pass


def laad_koppeling(agency: str) -> Koppeling:
    """The ``KOPPELING`` the entry point ``agency`` of :data:`ENTRY_POINT_GROUP` names."""
    try:
        uitvoerder = Uitvoerder(agency)
    except ValueError as exc:
        raise OnbekendeUitvoerder(str(exc)) from None
    gevonden = entry_points(group=ENTRY_POINT_GROUP, name=uitvoerder.value)
    if not gevonden:
        raise OnbekendeUitvoerder(f"no connector installed for {agency!r} ({ENTRY_POINT_GROUP})")
    ep = next(iter(gevonden))
    koppeling = ep.load()
    if not isinstance(koppeling, Koppeling) or koppeling.uitvoerder is not uitvoerder:
        raise OnbekendeUitvoerder(f"{ep.value} is no Koppeling for {agency}")
    return koppeling
