"""What an agency package declares so the shared runtime can serve it.

An agency package ``connectors.<code>`` exposes ``KOPPELING``: a :class:`Koppeling` naming the
agency, its back-office client and its two pure translations. The runtime finds it by the agency
code (:func:`laad_koppeling`), so adding an agency means adding a package, nothing else.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.base.antwoord import Uitkomst
from connectors.base.backoffice import BackofficeAntwoord, BackofficeClient
from connectors.base.opdracht import Opdracht
from schemas.opschorting import Antwoord
from schemas.organisaties import UITVOERDERS, Organisatie, Uitvoerder

NaarVerzoek = Callable[[Opdracht], "Mapping[str, Any] | Uitkomst"]
"""Instruction -> the agency's request body, or an outcome right away when nothing can be sent."""

NaarAntwoord = Callable[[Opdracht, BackofficeAntwoord, datetime], Antwoord]
"""The agency's HTTP answer -> the contract answer (``beantwoord_op`` as third argument)."""


@dataclass(frozen=True)
class Koppeling:
    """One agency's connection: who it is, how to reach it, how to translate."""

    uitvoerder: Uitvoerder
    standaard_url: str
    """Where the back-office listens by default (the local simulator)."""
    client: Callable[..., BackofficeClient]
    naar_verzoek: NaarVerzoek
    naar_antwoord: NaarAntwoord

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
