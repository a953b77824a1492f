"""The connector runtime shared by every agency (``connectors.<agency>`` packages plug into it)."""

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
