"""Identifiers that travel in messages: OIN, source URNs, casus ids."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

OIN_PATTERN = r"^[0-9]{20}$"
SOURCE_PATTERN = r"^urn:nld:oin:[0-9]{20}:systeem:[a-z0-9][a-z0-9-]*$"
CASUS_ID_PATTERN = r"^MWL-[0-9]{4}-[0-9A-HJKMNP-TV-Z]{10}$"
SUBJECT_PATTERN = r"^(MWL-[0-9]{4}-[0-9A-HJKMNP-TV-Z]{10}|[0-9]{20})$"
"""Any valid CloudEvents ``subject``: a casus id, or an OIN for messages that belong to no casus."""

Oin = Annotated[
    str,
    StringConstraints(pattern=OIN_PATTERN),
    Field(
        description="Organisatie-identificatienummer: exactly 20 digits.",
        examples=["00000001234567890000"],
    ),
]

CasusId = Annotated[
    str,
    StringConstraints(pattern=CASUS_ID_PATTERN),
    Field(
        description="The loket's casus id: 'MWL-', the year, '-', ten Crockford base32 characters.",
        examples=["MWL-2026-0A1B2C3D4E"],
    ),
]

Pseudoniem = Annotated[
    str,
    StringConstraints(pattern=r"^psn-[0-9a-f]{32}$"),
    Field(description="Pseudonym of a household member (keyed hash, never reversible to a BSN)."),
]


def elfproef(value: str) -> bool:
    """Whether nine digits pass the BSN's elfproef (11-check)."""
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def _elfproef(value: str) -> str:
    if not elfproef(value):
        raise ValueError("BSN fails the elfproef (11-check)")
    return value


Bsn = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{9}$"),
    AfterValidator(_elfproef),
    Field(description="Burgerservicenummer: 9 digits passing the elfproef. Never put on a topic."),
]


def systeem_source(oin: str, systeem: str) -> str:
    """The CloudEvents ``source`` of a system: ``urn:nld:oin:<OIN>:systeem:<name>``."""
    source = f"urn:nld:oin:{oin}:systeem:{systeem}"
    if not re.fullmatch(SOURCE_PATTERN, source):
        raise ValueError(f"not a valid source: {source!r}")
    return source
