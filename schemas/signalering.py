"""Deadline signals of a time-out (signalering): the hub tells whom it concerns, in time.

Two things need a person's attention, not a system's:

- ``OpschortingAntwoordtermijnVerstreken``: an agency did not answer an instruction (an order, an
  extension, a lifting) within its deadline. The hub escalates it to that agency's
  maatwerkfunctionaris, whom the Landelijk Maatwerkregister names (``contact``; null when the
  agency has no registered contact: the signal still goes, and the loket sees the gap).
- ``OpschortingLooptAf``: a time-out ends within the configured number of days. The loket gets one
  naming every agency in it (with each one's contact), each agency one naming only itself.

Both go to the agency on its own signal topic (``maatwerk.signalering.<agency>.v1``, read by that
agency alone, never by its connector: nothing there is an instruction); the loket's copy of
``OpschortingLooptAf`` goes on ``maatwerk.opschorting.v1``. Each is sent once: the event id is
derived from what it is about, so a repeat is a duplicate.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from schemas.envelope import Contract, EventData, register
from schemas.ids import CasusId, Oin
from schemas.organisaties import Uitvoerdercode


class Contactpunt(Contract):
    """An organisation's maatwerkfunctionaris as the register names it (a team, not a person)."""

    organisatie_oin: Oin = Field(description="The organisation's OIN.")
    organisatie_naam: str = Field(
        min_length=1, max_length=200, description="The organisation's name."
    )
    team: str = Field(min_length=1, max_length=200, description="The maatwerkfunctionaris' team.")
    email: str = Field(min_length=1, max_length=320, description="The team's central e-mail.")
    telefoon: str = Field(min_length=1, max_length=40, description="The team's central phone.")


class Instructiesoort(StrEnum):
    """What the unanswered instruction asked."""

    OPSCHORTING = "opschorting"
    VERLENGING = "verlenging"
    OPHEFFING = "opheffing"


@register
class OpschortingAntwoordtermijnVerstreken(EventData):
    """An agency has not answered an instruction of a time-out by its deadline: escalated to its
    maatwerkfunctionaris."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.antwoordtermijn-verstreken.v1"
    casus_id: CasusId = Field(description="The casus of the time-out.")
    opschorting_id: str = Field(min_length=1, max_length=64, description="The time-out's id.")
    keten_id: str = Field(
        min_length=1,
        max_length=64,
        description="The chain the instruction went out with: the order's id, or the change's.",
    )
    soort: Instructiesoort = Field(description="The kind of instruction left unanswered.")
    instructie_id: str = Field(
        min_length=1, max_length=64, description="Event id of the unanswered instruction."
    )
    uitvoerder: Uitvoerdercode = Field(description="The agency that has not answered.")
    reageer_uiterlijk: AwareDatetime = Field(description="The deadline that passed.")
    onbestelbaar: bool = Field(
        default=False,
        description="True when the instruction could not even be delivered to the agency's "
        "back-office (its status is undeliverable).",
    )
    contact: Contactpunt | None = Field(
        description="The agency's registered maatwerkfunctionaris; null: the agency has no "
        "contact in the register."
    )
    gesignaleerd_op: AwareDatetime = Field(description="When the hub escalated it.")


class Ketenpartij(Contract):
    """An agency in a time-out, and its registered contact (null: none registered)."""

    uitvoerder: Uitvoerdercode = Field(description="The agency.")
    contact: Contactpunt | None = Field(
        description="Its registered maatwerkfunctionaris; null: none in the register."
    )


@register
class OpschortingLooptAf(EventData):
    """A time-out ends soon: whoever wants it to go on must extend it before then."""

    event_type: ClassVar[str] = "nl.maatwerk.opschorting.loopt-af.v1"
    casus_id: CasusId = Field(description="The casus of the time-out.")
    opschorting_id: str = Field(min_length=1, max_length=64, description="The time-out's id.")
    einddatum: dt.date = Field(description="The last day of the time-out (inclusive).")
    dagen_resterend: int = Field(
        ge=0, description="Days from today (in the Netherlands) to the last day."
    )
    uitvoerders: tuple[Ketenpartij, ...] = Field(
        description="The agencies that applied it (did not refuse): every one in the loket's "
        "copy, only the receiving agency itself in an agency's copy."
    )
    gesignaleerd_op: AwareDatetime = Field(description="When the hub gave the warning.")
