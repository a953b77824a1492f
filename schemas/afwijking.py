"""Afwijkingsbevoegdheid: an organisation deviates from a rule to deliver a custom solution.

The decision, its grounds and who took it are recorded on the casus (``maatwerk.afwijking.v1``,
keyed on casus id), so the deviation can be accounted for afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from pydantic import AwareDatetime, Field

from schemas.envelope import Contract, EventData, register
from schemas.gedeeld import Partij, Regel
from schemas.ids import CasusId, Pseudoniem
from schemas.opschorting import Periode


class Besluitnemer(Contract):
    """Who took a decision: the organisation and the role holding the mandate."""

    partij: Partij = Field(description="The organisation that decided.")
    functie: str = Field(
        description="The role that decided under mandate, e.g. 'maatwerkfunctionaris'.",
        min_length=1,
        max_length=200,
    )


@register
class AfwijkingBesloten(EventData):
    """An organisation decided to deviate from a rule for this household."""

    event_type: ClassVar[str] = "nl.maatwerk.afwijking.besloten.v1"
    afwijking_id: str = Field(description="Id of the decision (UUID).", min_length=1, max_length=64)
    casus_id: CasusId = Field(description="The casus the deviation is for.")
    regel: Regel = Field(description="The rule deviated from.")
    afwijking: str = Field(
        description="What is done instead of what the rule prescribes.",
        min_length=1,
        max_length=4000,
    )
    motivering: str = Field(
        description="Why deviating serves the household better (no personal identifiers).",
        min_length=1,
        max_length=4000,
    )
    besloten_door: Besluitnemer = Field(description="Who decided.")
    betrokkenen: tuple[Pseudoniem, ...] = Field(
        default=(), description="Household members the deviation applies to (pseudonyms)."
    )
    geldigheid: Periode | None = Field(
        default=None, description="When the deviation applies; null means for this casus, once."
    )
    besluitdatum: dt.date = Field(description="Day of the decision.")
    vastgelegd_op: AwareDatetime = Field(description="When the decision was recorded.")
    mandaat: str | None = Field(
        default=None,
        description="The mandate the decision was taken under, e.g. the mandate decree and its "
        "article (no personal identifiers). Null in messages from before it was recorded.",
        max_length=2000,
    )
    knelpunt_id: str | None = Field(
        default=None,
        description="The LET's knelpunt (systemic bottleneck) this deviation points to (UUID), "
        "if any.",
        pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    )
