"""The operators' dead-letter API as JSON: one dead letter, a page of them, a replay's outcome."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hub.domain.dead_letter import RecordedDeadLetter
from hub.domain.selectie import DeadLetterFilter
from hub.service.dead_letters import DeadLetterLijst
from hub.service.invoer import Moment, RijId, Uniek
from hub.service.replay import MAX_SELECTIE, ReplayResultaat, ReplayUitslag, Selectie, Uitkomst


class ReplayView(BaseModel):
    at: dt.datetime = Field(description="When it was last replayed.")
    by: str = Field(description="Who replayed it last: urn:nld:oin:<OIN> of the operator.")
    count: int = Field(description="How often it was replayed.")


class DeadLetterView(BaseModel):
    """A record on the dead-letter topic: why and where from. The value itself is never kept."""

    id: int
    received_at: dt.datetime = Field(description="When the hub read it from the dead-letter topic.")
    dead_lettered_at: dt.datetime | None = Field(description="Header dlq-time.")
    reason: str | None = Field(description="Header dlq-reason (nine-digit numbers masked).")
    redencode: str | None = Field(description="Header dlq-reason-code.")
    consumer: str | None = Field(description="Header dlq-consumer: the group that gave up.")
    failed_by: str | None = Field(
        description="Who set it aside: the Kafka principal of the one producer the ACLs let "
        "write the dead-letter topic it is on (not the dlq-failed-by header, a claim). Null on "
        "the former shared topic maatwerk.deadletter.v1, which proves no writer."
    )
    origin_topic: str | None
    origin_partition: int | None
    origin_offset: int | None
    dlq_topic: str = Field(description="The dead-letter topic it is on: one per producer.")
    dlq_partition: int
    dlq_offset: int
    key: str | None = Field(description="The record key: the casus id, when it was set.")
    event_type: str | None = Field(description="The value's 'type', when it is such JSON.")
    event_id: str | None = Field(description="The value's 'id', when it is such JSON.")
    value_size: int = Field(description="Size of the value in bytes.")
    value_sha256: str = Field(description="SHA-256 of the value, hex.")
    replayed: ReplayView | None = Field(description="The last replay; null: never replayed.")

    @classmethod
    def of(cls, recorded: RecordedDeadLetter) -> DeadLetterView:
        letter = recorded.letter
        replay = recorded.replay
        return cls(
            id=recorded.id,
            received_at=recorded.received_at,
            dead_lettered_at=letter.dead_lettered_at,
            reason=letter.reason,
            redencode=letter.redencode,
            consumer=letter.consumer,
            failed_by=letter.failed_by,
            origin_topic=letter.origin_topic,
            origin_partition=letter.origin_partition,
            origin_offset=letter.origin_offset,
            dlq_topic=letter.dlq_topic,
            dlq_partition=letter.dlq_partition,
            dlq_offset=letter.dlq_offset,
            key=letter.key,
            event_type=letter.event_type,
            event_id=letter.event_id,
            value_size=letter.value_size,
            value_sha256=letter.value_sha256,
            replayed=(
                None
                if replay is None
                else ReplayView(at=replay.at, by=replay.by, count=replay.count)
            ),
        )


class DeadLetterPagina(BaseModel):
    totaal: int = Field(description="How many dead letters pass the filters, over all pages.")
    pagina: int
    per_pagina: int
    items: list[DeadLetterView]

    @classmethod
    def of(cls, lijst: DeadLetterLijst) -> DeadLetterPagina:
        return cls(
            totaal=lijst.totaal,
            pagina=lijst.pagina,
            per_pagina=lijst.per_pagina,
            items=[DeadLetterView.of(item) for item in lijst.items],
        )


class ReplayVerzoek(BaseModel):
    """What to replay: ``ids``, or every dead letter of ``redencode`` (optionally narrowed by
    ``origin_topic`` and the time range), at most 500 per request, oldest first."""

    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[RijId], Uniek] = Field(default_factory=list, max_length=MAX_SELECTIE)
    redencode: str | None = Field(default=None, min_length=1, max_length=60)
    origin_topic: str | None = Field(default=None, min_length=1, max_length=249)
    vanaf: Moment | None = None
    tot: Moment | None = None
    opnieuw: bool = Field(
        default=False,
        description="Replay those replayed before too (otherwise they are left alone).",
    )

    @field_validator("vanaf", "tot")
    @classmethod
    def _in_utc(cls, moment: dt.datetime | None) -> dt.datetime | None:
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=dt.UTC)

    @model_validator(mode="after")
    def _one_selection(self) -> ReplayVerzoek:
        if bool(self.ids) == (self.redencode is not None):
            raise ValueError("give either ids or redencode")
        if self.ids and (self.origin_topic or self.vanaf or self.tot):
            raise ValueError("origin_topic, vanaf and tot narrow a redencode, not ids")
        if self.vanaf and self.tot and self.tot <= self.vanaf:
            raise ValueError("tot must lie after vanaf")
        return self

    def selectie(self) -> Selectie:
        if self.ids:
            return Selectie(ids=tuple(self.ids))
        return Selectie(
            criteria=DeadLetterFilter(
                redencodes=(str(self.redencode),),
                origin_topics=(self.origin_topic,) if self.origin_topic else (),
                vanaf=self.vanaf,
                tot=self.tot,
            )
        )


class ReplayResultaatView(BaseModel):
    id: int
    outcome: Uitkomst
    refusal: str | None = Field(description="Why it was refused: a short code.")
    reason: str | None = Field(description="Why it was refused, or when it was replayed before.")
    topic: str | None = Field(description="The origin topic it went (or would go) to.")
    partition: int | None = Field(description="Where the replay landed on it.")
    offset: int | None

    @classmethod
    def of(cls, r: ReplayResultaat) -> ReplayResultaatView:
        return cls(
            id=r.id,
            outcome=r.uitkomst,
            refusal=r.weigering.value if r.weigering else None,
            reason=r.reden,
            topic=r.topic,
            partition=r.placement.partition if r.placement else None,
            offset=r.placement.offset if r.placement else None,
        )


class ReplayUitslagView(BaseModel):
    matched: int = Field(description="How many dead letters the selection matched.")
    message: str = Field(description="What happened, in one line (nothing matched: says so).")
    replayed: int
    already_replayed: int
    refused: int
    results: list[ReplayResultaatView]
    remaining: int | None = Field(
        description="With a redencode: how many that pass are still not replayed (more than "
        "one request takes, or refused)."
    )

    @classmethod
    def of(cls, uitslag: ReplayUitslag) -> ReplayUitslagView:
        replayed = uitslag.aantal(Uitkomst.REPLAYED)
        refused = uitslag.aantal(Uitkomst.REFUSED)
        if uitslag.geselecteerd == 0 and not uitslag.resultaten:
            message = "no dead letter matches the selection: nothing replayed"
        else:
            message = f"{uitslag.geselecteerd} matched: {replayed} replayed, {refused} refused"
        return cls(
            matched=uitslag.geselecteerd,
            message=message,
            replayed=replayed,
            already_replayed=uitslag.aantal(Uitkomst.ALREADY_REPLAYED),
            refused=refused,
            results=[ReplayResultaatView.of(r) for r in uitslag.resultaten],
            remaining=uitslag.resterend,
        )
