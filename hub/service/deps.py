"""What the handlers need besides a unit of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from hub.adapters.secrets import AgencyKeys, HubSecrets
from hub.settings import Settings


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Deps:
    settings: Settings
    secrets: HubSecrets
    keys: AgencyKeys
    clock: Callable[[], dt.datetime] = field(default=utc_now)
