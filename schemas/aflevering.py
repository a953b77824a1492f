"""Delivery (aflevering) trouble: a connector tells the hub it could not deliver an instruction or
request to its agency's back-office.

The answers of each instrument say what the agency decided. This message says that no decision
could be had: the back-office kept failing (``definitief`` false: the connector is still retrying,
with backoff) or the instruction was set aside on the dead-letter topic (``definitief`` true: it
waits for an operator to fix the cause and replay it). The hub shows the request as
``undeliverable`` with the reason at once, instead of only after the answer deadline; an answer
that arrives later (after a retry or a replay) takes its place.

It travels on the agency's own answer topic of the instrument, so the broker binds it to the
agency as it binds the answers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AliasChoices, AwareDatetime, Field

from schemas.envelope import EventData, register
from schemas.ids import CasusId
from schemas.organisaties import Uitvoerdercode


class AfleveringReden(StrEnum):
    """Why the connector could not get a decision from its back-office."""

    BACKOFFICE_ONBEREIKBAAR = "backoffice-onbereikbaar"
    """The back-office did not answer (down, timed out, overloaded): still retrying."""
    BACKOFFICE_FOUT = "backoffice-fout"
    """The back-office kept failing on this one instruction (a server error each attempt)."""
    BACKOFFICE_AFGEWEZEN = "backoffice-afgewezen"
    """The back-office rejected the request itself (a client error): retrying will not help."""
    ONVERWERKBAAR = "onverwerkbaar"
    """The connector could not process the instruction (it cannot open it, or translate it)."""


@register
class AfleveringMislukt(EventData):
    """The connector could not deliver one instruction to its back-office (yet)."""

    event_type: ClassVar[str] = "nl.maatwerk.aflevering.mislukt.v1"
    casus_id: CasusId = Field(description="The casus the instruction belongs to.")
    uitvoerder: Uitvoerdercode = Field(description="The agency whose connector reports.")
    instructie_id: str = Field(
        description="Event id of the instruction or request that could not be delivered."
    )
    instructie_type: str = Field(
        description="CloudEvent type of that instruction or request.", max_length=200
    )
    redencode: AfleveringReden = Field(
        description="Why, as a code (`redencode`, as in every answer of the contract).",
        validation_alias=AliasChoices("redencode", "reden_code"),
    )
    """Read also as ``reden_code``, its name before one word was used for it everywhere: a record
    written by a connector of that time still opens."""
    toelichting: str = Field(
        description="What went wrong, in words, without personal data.",
        min_length=1,
        max_length=500,
    )
    definitief: bool = Field(
        description="True: set aside on the dead-letter topic, waiting for an operator to replay "
        "it. False: the connector is still retrying it with backoff."
    )
    pogingen: int = Field(ge=1, description="Delivery attempts made so far.")
    gemeld_op: AwareDatetime = Field(description="When the connector reported this.")
