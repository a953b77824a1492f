"""Pieces the simulated back-offices' own request models share."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic.alias_generators import to_camel


class CamelModel(BaseModel):
    """A request body in camelCase, as these back-offices speak; unknown fields are refused."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


Bsn = Annotated[str, StringConstraints(pattern=r"^[0-9]{9}$")]
"""A BSN as a back-office accepts it: nine digits (the simulators check the elfproef themselves)."""
