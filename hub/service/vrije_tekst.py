"""Free text in commands: screened for BSNs.

A loket employee who pastes a citizen's BSN into a reason or a note would put it where nothing
protects it: the casus history, the audit trail and the contract messages carry free text in the
clear, while a BSN belongs only in the household list, encrypted at rest. So every free-text field
of a command is :data:`VrijeTekst`, which refuses text holding nine digits that pass the
elfproef, written together or as 4-2-3 groups (``1234.56.782``, ``1234 56 782``). The error names
the field and never repeats the number. Other 9-digit numbers (a claim reference, a postcode and
house number) pass: one in eleven passes the elfproef by chance, and is refused all the same,
which the message explains.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from schemas.ids import elfproef

_BSN_VORM = re.compile(r"(?<![0-9])([0-9]{4})[ .-]?([0-9]{2})[ .-]?([0-9]{3})(?![0-9])")


def bevat_bsn(tekst: str) -> bool:
    """Whether ``tekst`` holds a number shaped like a BSN (9 digits passing the elfproef)."""
    return any(elfproef("".join(m.groups())) for m in _BSN_VORM.finditer(tekst))


def _geen_bsn(tekst: str) -> str:
    if bevat_bsn(tekst):
        raise ValueError(
            "contains a number shaped like a BSN (9 digits passing the elfproef); personal "
            "identifiers do not belong in free text (write a reference number otherwise)"
        )
    return tekst


VrijeTekst = Annotated[str, AfterValidator(_geen_bsn)]
"""A free-text field: any text without a BSN in it. Lengths are set per field (``Field``)."""
