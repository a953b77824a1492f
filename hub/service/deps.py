"""What the handlers need besides a unit of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from hub.adapters.secrets import AgencyKeys, HubSecrets
from hub.service.routes import Route
from hub.settings import Settings


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    secrets: HubSecrets
    keys: AgencyKeys
    antwoorden: Mapping[str, Route]
    """The answer types the hub takes and their routes (``hub.bootstrap.ANTWOORD_ROUTES``)."""
    clock: Callable[[], dt.datetime] = field(default=utc_now)
