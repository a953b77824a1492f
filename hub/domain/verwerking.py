"""The processing log (verwerkingslog): one :class:`Verwerking` per exchange of personal data.

Each entry says who asked (``vrager``), who gave the data (``verstrekker``), who received it
(``ontvanger``), why (``doel``), on which legal ground (``grondslag``), which data categories,
about whom (each person by pseudonym and/or the hub's lookup key, never a BSN), on which casus if
any, and the trace id of the request that caused it. It answers a person's right of access:
"who shared what about me, why, and when".

Pure Python: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from schemas.organisaties import HUB

DOEL_CONTROLE = "controle-opschorting"
"""An agency checks whether a time-out is in force for a person before it collects."""
DOEL_INSTRUCTIE = "opschorting-instructie"
"""The hub sends an agency a time-out instruction (or a change of one) with the household."""
GRONDSLAG_TIME_OUT = "Time-outbevoegdheid Landelijk Maatwerkloket"
"""The legal ground of the time-out and of every check on it."""
HUB_OIN = HUB.oin
DOEL_ESCALATIE = "escalatie-let"
"""The loket's escalation dossier shared with the LET and the organisations it invites."""
GRONDSLAG_ESCALATIE = "Escalatie naar het Landelijk Escalatie Team (Programma Maatwerk)"
"""The ground the dossier is shared on: the organisations' agreement to the LET's procedure."""

CATEGORIE_OPSCHORTING = "opschorting"
"""Whether a time-out is in force, its period and measures."""
CATEGORIE_BSN = "bsn"
"""The person's BSN (sealed for the receiver alone)."""
CATEGORIE_ESCALATIEDOSSIER = "escalatiedossier"
"""The escalation dossier: the household's situation in words, what was tried, instruments."""


@dataclass(frozen=True, slots=True)
class Betrokkene:
    """A person an exchange is about: its pseudonym (in a casus) and/or the hub's lookup key of
    its BSN (the same in every casus; never leaves the hub). Never the BSN itself."""

    pseudoniem: str | None = None
    bsn_zoeksleutel: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.pseudoniem is None and self.bsn_zoeksleutel is None:
            raise ValueError("a person needs a pseudonym or a lookup key")


@dataclass(frozen=True, slots=True)
class Verwerking:
    """One processing activity."""

    verwerking_id: str
    op: dt.datetime
    vrager: str
    """OIN of the party that asked."""
    verstrekker: str
    """OIN of the party that gave the data."""
    ontvanger: str
    """OIN of the party that received the data."""
    doel: str
    grondslag: str
    categorieen: tuple[str, ...]
    betrokkenen: tuple[Betrokkene, ...]
    casus_id: str | None = None
    uitkomst: str | None = None
    """What was answered, in one word (e.g. ``in-force`` / ``not-in-force``)."""
    trace_id: str | None = None


def oin_van_door(door: str) -> str:
    """The OIN in an actor urn (``urn:nld:oin:<OIN>``); anything else as it is."""
    prefix = "urn:nld:oin:"
    return door.removeprefix(prefix).split(":", 1)[0] if door.startswith(prefix) else door
