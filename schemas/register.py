"""Landelijk Maatwerkregister: each organisation's maatwerkfunctionaris, as events.

Register messages belong to no casus. Their ``subject`` (and Kafka key) is the organisation's OIN
(``subject_kind = SubjectKind.OIN``), and ``maatwerk.register.v1`` is a compacted topic: the last
message per OIN is the current entry. ``Geregistreerd`` and ``Gewijzigd`` carry the whole entry, so
a consumer reading the compacted topic from the start rebuilds the register; ``Verwijderd`` stays as
the last state of a removed organisation.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from schemas.casus import Instrument, Probleemdomein
from schemas.envelope import Contract, EventData, SubjectKind, register
from schemas.gedeeld import Bedrag, Partijsoort
from schemas.ids import Oin

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
TELEFOON_PATTERN = r"^\+?[0-9][0-9 -]{5,19}$"


class Mandaat(Contract):
    """What the maatwerkfunctionaris may decide without going back to the board."""

    omschrijving: str = Field(description="The mandate in words.", min_length=1, max_length=2000)
    verleend_door: str = Field(
        description="The body that granted it, e.g. 'college van burgemeester en wethouders'.",
        min_length=1,
        max_length=200,
    )
    instrumenten: tuple[Instrument, ...] = Field(
        default=(), description="Instruments the officer may apply on behalf of the organisation."
    )
    maximum_bedrag: Bedrag | None = Field(
        default=None, description="Financial ceiling of the mandate per casus, if any."
    )


class _Registerbericht(EventData):
    subject_kind: ClassVar[SubjectKind] = SubjectKind.OIN

    organisatie_oin: Oin = Field(description="OIN of the organisation: the key of the entry.")

    def event_subject(self) -> str:
        return self.organisatie_oin


class _Inschrijving(_Registerbericht):
    organisatie_naam: str = Field(
        description="Name of the organisation.", min_length=1, max_length=200
    )
    organisatiesoort: Partijsoort = Field(description="Kind of organisation.")
    team: str = Field(
        description="Name of the maatwerkfunctionaris' team (not a person).",
        min_length=1,
        max_length=200,
    )
    email: str = Field(description="Central e-mail address of the team.", pattern=EMAIL_PATTERN)
    telefoon: str = Field(description="Central phone number of the team.", pattern=TELEFOON_PATTERN)
    mandaat: Mandaat = Field(description="The mandate the board gave the maatwerkfunctionaris.")
    domeinen: tuple[Probleemdomein, ...] = Field(
        min_length=1, description="Areas of life the organisation can help with."
    )


@register
class MaatwerkfunctionarisGeregistreerd(_Inschrijving):
    """An organisation entered its maatwerkfunctionaris in the register."""

    event_type: ClassVar[str] = "nl.maatwerk.register.maatwerkfunctionaris-geregistreerd.v1"
    geregistreerd_op: AwareDatetime = Field(description="When the entry was made.")


@register
class MaatwerkfunctionarisGewijzigd(_Inschrijving):
    """An organisation changed its entry; the message carries the whole new entry."""

    event_type: ClassVar[str] = "nl.maatwerk.register.maatwerkfunctionaris-gewijzigd.v1"
    gewijzigd_op: AwareDatetime = Field(description="When the entry was changed.")


@register
class MaatwerkfunctionarisVerwijderd(_Registerbericht):
    """An organisation's entry was removed from the register."""

    event_type: ClassVar[str] = "nl.maatwerk.register.maatwerkfunctionaris-verwijderd.v1"
    reden: str | None = Field(
        default=None, description="Why the entry was removed.", max_length=2000
    )
    verwijderd_op: AwareDatetime = Field(description="When the entry was removed.")
