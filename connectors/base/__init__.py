"""The connector runtime shared by every agency (``connectors.<agency>`` packages plug into it).

Its names load on first use (PEP 562): a command that needs one part (``maatwerk-connector keygen``
needs the key pair, not the Kafka runtime) does not pay for importing them all."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from connectors.base.backoffice import (
        BackofficeAntwoord,
        BackofficeClient,
        BackofficeOnbereikbaar,
        HttpVerzoek,
        padsegment,
    )
    from connectors.base.koppeling import Koppeling, OnbekendeUitvoerder, laad_koppeling
    from connectors.base.lezer import Antwoordlezer, Foutbericht, Gelukt, Lezer
    from connectors.base.opdracht import (
        DeadLetterReden,
        Onverwerkbaar,
        Opdracht,
        lees_event,
        lees_instructie,
        open_opdracht,
    )
    from connectors.base.opschorting import (
        Bevestiging,
        Uitkomst,
        Weigering,
        maak_antwoord,
        niets_geregistreerd,
        onverwacht,
    )
    from connectors.base.runtime import (
        ANTWOORD_NAMESPACE,
        Herhaalbeleid,
        InstructieVerwerker,
        antwoord_event_id,
        bouw_broker,
    )
    from connectors.base.settings import ConnectorSettings, get_settings
    from connectors.base.vertaling import Opzoeking, Vertaling

_MODULES: dict[str, str] = {
    "BackofficeAntwoord": "connectors.base.backoffice",
    "BackofficeClient": "connectors.base.backoffice",
    "BackofficeOnbereikbaar": "connectors.base.backoffice",
    "HttpVerzoek": "connectors.base.backoffice",
    "padsegment": "connectors.base.backoffice",
    "Koppeling": "connectors.base.koppeling",
    "OnbekendeUitvoerder": "connectors.base.koppeling",
    "laad_koppeling": "connectors.base.koppeling",
    "Antwoordlezer": "connectors.base.lezer",
    "Foutbericht": "connectors.base.lezer",
    "Gelukt": "connectors.base.lezer",
    "Lezer": "connectors.base.lezer",
    "DeadLetterReden": "connectors.base.opdracht",
    "Onverwerkbaar": "connectors.base.opdracht",
    "Opdracht": "connectors.base.opdracht",
    "lees_event": "connectors.base.opdracht",
    "lees_instructie": "connectors.base.opdracht",
    "open_opdracht": "connectors.base.opdracht",
    "Bevestiging": "connectors.base.opschorting",
    "Uitkomst": "connectors.base.opschorting",
    "Weigering": "connectors.base.opschorting",
    "maak_antwoord": "connectors.base.opschorting",
    "niets_geregistreerd": "connectors.base.opschorting",
    "onverwacht": "connectors.base.opschorting",
    "ANTWOORD_NAMESPACE": "connectors.base.runtime",
    "Herhaalbeleid": "connectors.base.runtime",
    "InstructieVerwerker": "connectors.base.runtime",
    "antwoord_event_id": "connectors.base.runtime",
    "bouw_broker": "connectors.base.runtime",
    "ConnectorSettings": "connectors.base.settings",
    "get_settings": "connectors.base.settings",
    "Opzoeking": "connectors.base.vertaling",
    "Vertaling": "connectors.base.vertaling",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "ANTWOORD_NAMESPACE",
    "Antwoordlezer",
    "BackofficeAntwoord",
    "BackofficeClient",
    "BackofficeOnbereikbaar",
    "Bevestiging",
    "ConnectorSettings",
    "DeadLetterReden",
    "Foutbericht",
    "Gelukt",
    "Herhaalbeleid",
    "HttpVerzoek",
    "InstructieVerwerker",
    "Koppeling",
    "Lezer",
    "OnbekendeUitvoerder",
    "Onverwerkbaar",
    "Opdracht",
    "Opzoeking",
    "Uitkomst",
    "Vertaling",
    "Weigering",
    "antwoord_event_id",
    "bouw_broker",
    "get_settings",
    "laad_koppeling",
    "lees_event",
    "lees_instructie",
    "maak_antwoord",
    "niets_geregistreerd",
    "onverwacht",
    "open_opdracht",
    "padsegment",
]
