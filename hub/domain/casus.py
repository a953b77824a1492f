"""The casus: the loket's intake of a stuck case."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class CasusStatus(StrEnum):
    INGEDIEND = "ingediend"
    IN_BEHANDELING = "in_behandeling"
    OPGESCHAALD = "opgeschaald"
    OPGELOST = "opgelost"
    GESLOTEN = "gesloten"


def nieuw_casus_id(now: dt.datetime) -> str:
    """``MWL-<year>-<10 random Crockford base32 characters>`` (50 bits of randomness)."""
    suffix = "".join(secrets.choice(_CROCKFORD) for _ in range(10))
    return f"MWL-{now.year:04d}-{suffix}"


@dataclass(frozen=True, slots=True)
class Lid:
    """A household member as the hub keeps it: a pseudonym and the BSN sealed at rest."""

    pseudoniem: str
    rol: str
    bsn_opgeslagen: str
