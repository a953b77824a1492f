"""Pieces the simulated back-offices' own request models share."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel


class CamelModel(BaseModel):
    """A request body in camelCase, as these back-offices speak; unknown fields are refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


Bsn = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]
"""A BSN as a back-office accepts it: nine digits (the simulators check the elfproef themselves)."""


def centen(bedrag: str) -> int:
    """An amount as the seeds write it (euros, ``"1840.00"``) in integer cents, exactly."""
    waarde = Decimal(bedrag) * 100
    if waarde != waarde.to_integral_value():
        raise ValueError(f"not a whole number of cents: {bedrag}")
    return int(waarde)
