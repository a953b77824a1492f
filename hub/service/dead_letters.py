"""Operators' questions about dead letters: which ones, by what criteria, which page.

:class:`ZoekDeadLetters` is what an operator sends (it doubles as the API's query parameters, so
its validation errors name the field); ``hub.domain.selectie.DeadLetterFilter`` is what the
repository answers to. The same filter selects what to replay (``hub.service.replay``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hub.domain.dead_letter import RecordedDeadLetter
from hub.domain.selectie import DeadLetterFilter, Pagina
from hub.service.invoer import Geheel, Moment, Paginanummer
from hub.service.unit_of_work import UnitOfWork

MAX_PER_PAGINA = 500


@dataclass(frozen=True, slots=True)
class DeadLetterLijst:
    items: list[RecordedDeadLetter]
    totaal: int
    pagina: int
    per_pagina: int


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


class ZoekDeadLetters(BaseModel):
    """List dead letters: filters and page, newest first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    redencode: list[str] = Field(default_factory=list, description="Any of these reason codes.")
    origin_topic: list[str] = Field(
        default_factory=list, description="Read from any of these topics."
    )
    consumer: list[str] = Field(
        default_factory=list, description="Given up by any of these consumer groups."
    )
    event_type: list[str] = Field(default_factory=list, description="Any of these event types.")
    vanaf: Moment | None = Field(
        default=None, description="Read by the hub at or after this instant (UTC if no offset)."
    )
    tot: Moment | None = Field(default=None, description="Read by the hub before this instant.")
    replayed: bool | None = Field(
        default=None, description="true: only replayed ones; false: only those never replayed."
    )
    pagina: Paginanummer = 1
    per_pagina: Geheel = Field(default=50, ge=1, le=MAX_PER_PAGINA)

    @field_validator("vanaf", "tot")
    @classmethod
    def _in_utc(cls, moment: dt.datetime | None) -> dt.datetime | None:
        return _utc(moment)

    @field_validator("tot")
    @classmethod
    def _tot_na_vanaf(cls, tot: dt.datetime | None, info: ValidationInfo) -> dt.datetime | None:
        vanaf = info.data.get("vanaf")
        if tot is not None and vanaf is not None and tot <= vanaf:
            raise ValueError("tot must lie after vanaf")
        return tot

    def filter(self) -> DeadLetterFilter:
        return DeadLetterFilter(
            redencodes=tuple(self.redencode),
            origin_topics=tuple(self.origin_topic),
            consumers=tuple(self.consumer),
            event_types=tuple(self.event_type),
            vanaf=self.vanaf,
            tot=self.tot,
            replayed=self.replayed,
        )

    def als_pagina(self) -> Pagina:
        return Pagina(nummer=self.pagina, grootte=self.per_pagina)


async def zoek_dead_letters(vraag: ZoekDeadLetters, uow: UnitOfWork) -> DeadLetterLijst:
    """One page of the dead letters that pass the filters, newest first, and how many pass."""
    async with uow:
        items = await uow.dead_letters.search(vraag.filter(), vraag.als_pagina())
        totaal = await uow.dead_letters.count_matching(vraag.filter())
    return DeadLetterLijst(
        items=items, totaal=totaal, pagina=vraag.pagina, per_pagina=vraag.per_pagina
    )
