"""Questions the loket asks the hub (the read side): which casussen, in what order, which page.

:class:`ZoekCasussen` is what the loket sends (it doubles as the API's query parameters, so its
validation errors name the field); ``CasusFilter``, ``CasusSortering`` and ``Pagina``
(``hub.domain.selectie``, where the adapters may import them) are what a repository answers to,
in the hub's own terms (instants, not days).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from hub.domain.casus import CasusStatus
from hub.domain.opschorting import NL
from hub.domain.selectie import CasusFilter, CasusSortering, Pagina
from hub.domain.verzoek import VerzoekStatus
from hub.service.invoer import Dag, Geheel, Paginanummer
from schemas.casus import Urgentie
from schemas.organisaties import Uitvoerder

MAX_PER_PAGINA = 100


class ZoekCasussen(BaseModel):
    """List casussen: filters, order, page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: list[CasusStatus] = Field(default_factory=list, description="Any of these statuses.")
    urgentie: list[Urgentie] = Field(default_factory=list, description="Any of these urgencies.")
    organisatie: list[Uitvoerder] = Field(
        default_factory=list, description="At least one of these organisations is involved."
    )
    ingediend_vanaf: Dag | None = Field(
        default=None, description="Submitted on or after this day (Dutch calendar)."
    )
    ingediend_tot: Dag | None = Field(
        default=None, description="Submitted on or before this day (Dutch calendar)."
    )
    sorteer: CasusSortering = CasusSortering.INGEDIEND_OP_AFLOPEND
    pagina: Paginanummer = 1
    per_pagina: Geheel = Field(default=20, ge=1, le=MAX_PER_PAGINA)

    @field_validator("ingediend_tot")
    @classmethod
    def _tot_na_vanaf(cls, tot: dt.date | None, info: ValidationInfo) -> dt.date | None:
        vanaf = info.data.get("ingediend_vanaf")
        if tot is not None and vanaf is not None and tot < vanaf:
            raise ValueError("ingediend_tot must not lie before ingediend_vanaf")
        return tot

    def filter(self) -> CasusFilter:
        """Days are Dutch calendar days, both ends included: ``tot`` becomes the start of the
        next day."""
        return CasusFilter(
            statussen=tuple(self.status),
            urgenties=tuple(self.urgentie),
            organisaties=tuple(self.organisatie),
            vanaf=_begin_van(self.ingediend_vanaf) if self.ingediend_vanaf else None,
            tot=(
                _begin_van(self.ingediend_tot + dt.timedelta(days=1))
                if self.ingediend_tot
                else None
            ),
        )

    def als_pagina(self) -> Pagina:
        return Pagina(nummer=self.pagina, grootte=self.per_pagina)


def _begin_van(dag: dt.date) -> dt.datetime:
    return dt.datetime.combine(dag, dt.time(), tzinfo=NL).astimezone(dt.UTC)


class ZoekVerzoeken(BaseModel):
    """An agency lists its own requests: by default the open ones, soonest deadline first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: list[VerzoekStatus] = Field(
        default_factory=lambda: [VerzoekStatus.PENDING, VerzoekStatus.UNDELIVERABLE],
        description="Any of these statuses (default: pending and undeliverable, the ones still "
        "to answer).",
    )
    pagina: Paginanummer = 1
    per_pagina: Geheel = Field(default=20, ge=1, le=MAX_PER_PAGINA)

    def als_pagina(self) -> Pagina:
        return Pagina(nummer=self.pagina, grootte=self.per_pagina)
