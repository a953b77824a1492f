"""How an agency runs on a development machine (``make run``): its optional local run recipe.

Most agencies need nothing special: the stack runner starts their simulated back-office on their
port over plain HTTP and their connector pointed at it. An agency whose back-office needs more (the
municipalities' one serves several municipalities over mutual TLS, each with its own certificate)
registers a recipe under the entry-point group :data:`ENTRY_POINT_GROUP` (name = its code): a
callable that gets the local environment (:class:`LokaleOmgeving`), may write its files into the
state directory, and says what to add (:class:`LokaalRecept`). The stack runner names no agency; a
plug-in agency uses the same hook as the project's own.

Plain dataclasses on purpose: the recipe is part of an agency package's registration, read by the
stack runner, and this package imports nothing else of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType

ENTRY_POINT_GROUP = "maatwerk_hub.local_run"
"""Where an agency's package registers its local run recipe (entry point name = agency code):
``recept(omgeving: LokaleOmgeving) -> LokaalRecept``. Optional."""


@dataclass(frozen=True, slots=True)
class LokaleOmgeving:
    """What the local stack offers a recipe.

    ``pki_dir`` holds the local CA (``ca.pem``) and a certificate and key per organisation
    (``<code>.pem`` / ``<code>.key``, ``deploy/pki/local_ca.py``); ``var_dir`` is the stack's state
    directory, where a recipe may write the files its connector or simulator reads."""

    agency: str
    pki_dir: Path
    var_dir: Path


@dataclass(frozen=True, slots=True)
class LokaalRecept:
    """What a recipe adds to the agency's two processes in the local stack."""

    simulator_args: tuple[str, ...] = ()
    """Extra arguments of ``maatwerk-simulator run`` (e.g. ``--tls-cert``)."""
    simulator_tls: bool = False
    """The simulator serves HTTPS with a certificate of the local CA: its health check and the
    connector's default back-office URL use ``https``."""
    connector_env: Mapping[str, str] = field(default_factory=dict)
    """Extra environment of ``maatwerk-connector run`` (its settings, e.g. a file the recipe
    wrote into ``var_dir``)."""
    toelichting: str = ""
    """A few words the stack adds to the simulator's line of its table."""


Recept = Callable[[LokaleOmgeving], LokaalRecept]


@cache
def recepten() -> Mapping[str, Recept]:
    """The registered recipes by agency code, each loaded (read once per process).

    A recipe that is not callable is refused here, naming its entry point, rather than half-way
    through starting the stack."""
    gevonden: dict[str, Recept] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        recept = ep.load()
        if not callable(recept):
            raise TypeError(f"{ep.name} = {ep.value} ({ENTRY_POINT_GROUP}) is no callable")
        gevonden[ep.name] = recept
    return MappingProxyType(gevonden)


def recept_voor(omgeving: LokaleOmgeving) -> LokaalRecept:
    """The agency's recipe applied to ``omgeving``; nothing extra when it registered none."""
    recept = recepten().get(omgeving.agency)
    if recept is None:
        return LokaalRecept()
    uitkomst = recept(omgeving)
    if not isinstance(uitkomst, LokaalRecept):
        raise TypeError(f"the local run recipe of {omgeving.agency} returned no LokaalRecept")
    return uitkomst
