"""What an agency package declares so the shared runtime can serve it.

An agency package ``connectors.<code>`` exposes ``KOPPELING``: a :class:`Koppeling` naming the
agency, its back-office client and its two pure translations of the order, and (optionally) a
:class:`Wijzigingsvertaling` for extension and lifting; without it those are dead-lettered as
``niet-ondersteund``. The runtime finds it by the agency code (:func:`laad_koppeling`), so adding
an agency means adding a package, nothing else.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.base.antwoord import Uitkomst
from connectors.base.backoffice import BackofficeAntwoord, BackofficeClient, HttpVerzoek
from connectors.base.opdracht import (
    Opdracht,
    Opheffingsopdracht,
    Verlengingsopdracht,
    Wijzigingsopdracht,
)
from schemas.opschorting import Antwoord
from schemas.organisaties import UITVOERDERS, Organisatie, Uitvoerder

NaarVerzoek = Callable[[Opdracht], "Mapping[str, Any] | Uitkomst"]
"""Instruction -> the agency's request body, or an outcome right away when nothing can be sent."""

NaarAntwoord = Callable[[Opdracht, BackofficeAntwoord, datetime], Antwoord]
"""The agency's HTTP answer -> the contract answer (``beantwoord_op`` as third argument)."""


@dataclass(frozen=True)
class Wijzigingsvertaling:
    """How one agency takes an extension and a lifting: pure functions, no I/O.

    The runtime needs the agency's reference of the suspension. It takes ``referentie`` from the
    instruction when the hub sends it; otherwise it asks the back-office with
    ``zoek_opschorting(original instruction id)`` (the id was the original request's idempotency
    key) and reads the answer with ``lees_opschorting``: the reference, or an outcome (e.g. a
    refusal when the agency registered nothing for that instruction).
    """

    zoek_opschorting: Callable[[str], HttpVerzoek]
    """Original instruction id -> the back-office look-up of the suspension registered for it."""
    lees_opschorting: Callable[[BackofficeAntwoord], str | Uitkomst]
    """The look-up's answer -> the agency's reference, or an outcome to answer at once."""
    naar_verlenging: Callable[[Verlengingsopdracht, str], HttpVerzoek | Uitkomst]
    """Extension + reference -> the agency's request, or an outcome when nothing can be sent."""
    naar_opheffing: Callable[[Opheffingsopdracht, str], HttpVerzoek | Uitkomst]
    """Lifting + reference -> the agency's request, or an outcome when nothing can be sent."""
    naar_antwoord: Callable[[Wijzigingsopdracht, str, BackofficeAntwoord, datetime], Antwoord]
    """The agency's HTTP answer to the change -> the contract answer (reference of the
    suspension as second argument, ``beantwoord_op`` last)."""


@dataclass(frozen=True)
class Koppeling:
    """One agency's connection: who it is, how to reach it, how to translate."""

    uitvoerder: Uitvoerder
    standaard_url: str
    """Where the back-office listens by default (the local simulator)."""
    client: Callable[..., BackofficeClient]
    naar_verzoek: NaarVerzoek
    naar_antwoord: NaarAntwoord
    wijzigingen: Wijzigingsvertaling | None = None
    """Extension and lifting; ``None``: dead-lettered as ``niet-ondersteund``."""

    @property
    def organisatie(self) -> Organisatie:
        return UITVOERDERS[self.uitvoerder]

    @property
    def naam(self) -> str:
        """The connector's name: ``connector-<agency>`` (also its consumer group)."""
        return f"connector-{self.uitvoerder.value}"


class OnbekendeUitvoerder(LookupError):
    pass


def laad_koppeling(agency: str) -> Koppeling:
    """The ``KOPPELING`` of package ``connectors.<agency>``."""
    try:
        uitvoerder = Uitvoerder(agency)
    except ValueError:
        raise OnbekendeUitvoerder(f"unknown agency {agency!r}") from None
    try:
        module = importlib.import_module(f"connectors.{uitvoerder.value}")
    except ModuleNotFoundError:
        raise OnbekendeUitvoerder(f"no connector package for {agency!r}") from None
    koppeling = getattr(module, "KOPPELING", None)
    if not isinstance(koppeling, Koppeling) or koppeling.uitvoerder is not uitvoerder:
        raise OnbekendeUitvoerder(f"connectors.{agency} does not declare a KOPPELING for {agency}")
    return koppeling
