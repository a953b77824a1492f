"""The organisations that take part, with the OIN each uses as message source.

The agencies (uitvoerders) are not listed here: each is a package that registers its description
(:class:`Uitvoeringsorganisatie`) under the entry-point group :data:`ENTRY_POINT_GROUP`, and
what is installed is what takes part (:func:`uitvoerders`). The project's own agencies register
theirs in ``pyproject.toml`` exactly as an outside package would (``schemas/uitvoerders.py``).

The OINs are fictitious example numbers for development and tests (20 digits, prefix
``0000000`` like real government OINs); a deployment sets the real ones through configuration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, TypeVar, overload

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

ENTRY_POINT_GROUP = "maatwerk_hub.agencies"
"""Where an agency's package registers its :class:`Uitvoeringsorganisatie` (name = its code)."""

_OIN = re.compile(r"\d{20}")
_CODE = re.compile(r"[a-z][a-z0-9-]{1,30}")


@dataclass(frozen=True, slots=True)
class Organisatie:
    """A connected organisation: its code (also its Kafka principal name), name, OIN and system."""

    code: str
    naam: str
    oin: str
    systeem: str

    @property
    def source(self) -> str:
        return f"urn:nld:oin:{self.oin}:systeem:{self.systeem}"


@dataclass(frozen=True, slots=True)
class Uitvoeringsorganisatie(Organisatie):
    """An agency that receives instructions from the hub, as its package describes it.

    Usage (the object an entry point of :data:`ENTRY_POINT_GROUP` names)::

        CJIB = Uitvoeringsorganisatie(
            "cjib", "Centraal Justitieel Incassobureau", "00000001999999990102",
            "connector-cjib", poort=8102,
        )
    """

    poort: int = 0
    """Where its back-office listens on a development machine (its simulator, and its connector's
    default back-office URL); the local stack runs its connector's probes ten above it."""
    per_gemeente: bool = False
    """It serves several municipalities through one connector (the municipalities' social
    services): each instruction names the municipality (the casus's woongemeente, without which
    it cannot be routed), each answer the municipality that gave it, and it takes part as a
    municipality (``Partijsoort.GEMEENTE``)."""


def per_gemeente(code: str) -> bool:
    """Whether the installed agency ``code`` serves several municipalities through one connector
    (:attr:`Uitvoeringsorganisatie.per_gemeente`); False for a code not installed here."""
    organisatie = uitvoerders().get(code)
    return organisatie is not None and organisatie.per_gemeente


class AansluitingOngeldig(RuntimeError):
    """An installed agency description that cannot take part: the hub refuses to start with it
    rather than route instructions to a half-known agency."""


LOKET = Organisatie(
    "loket", "Landelijk Maatwerkloket Multiproblematiek", "00000001999999990001", "loket"
)
HUB = Organisatie("hub", "maatwerk-hub", "00000001999999990002", "maatwerk-hub")
LET = Organisatie("let", "Landelijk Escalatie Team", "00000001999999990003", "let")
BEHEER = Organisatie("beheer", "Beheer maatwerk-hub", "00000001999999990004", "beheer")
"""The hub's operators."""

DEELNEMERS: tuple[Organisatie, ...] = (
    Organisatie("gemeente-utrecht", "Gemeente Utrecht", "00000001999999990201", "maatwerk"),
    Organisatie("gemeente-rotterdam", "Gemeente Rotterdam", "00000001999999990202", "maatwerk"),
    Organisatie("gemeente-zwolle", "Gemeente Zwolle", "00000001999999990203", "maatwerk"),
    Organisatie("zorgverzekeraar", "Zorgverzekeraar Voorbeeld", "00000001999999990301", "maatwerk"),
    Organisatie("zorgkantoor", "Zorgkantoor Voorbeeld", "00000001999999990302", "maatwerk"),
)
"""Organisations that take part without a connector: municipalities, a health insurer and a care
office. They use the hub's API (the register, what is shared with them); their back-offices get
no instructions from the hub."""


@cache
def uitvoerders() -> Mapping[str, Uitvoeringsorganisatie]:
    """Every installed agency by code, in the order of their OINs (a stable order for the topic
    catalogue, the published contract and the dashboard).

    Read once per process from the entry points of :data:`ENTRY_POINT_GROUP`; a description that
    is malformed or clashes with another organisation raises :class:`AansluitingOngeldig`.
    """
    gevonden: dict[str, Uitvoeringsorganisatie] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        org = ep.load()
        if not isinstance(org, Uitvoeringsorganisatie) or org.code != ep.name:
            raise AansluitingOngeldig(
                f"entry point {ep.name} = {ep.value} ({ENTRY_POINT_GROUP}) is no "
                f"Uitvoeringsorganisatie with code {ep.name!r}"
            )
        if gevonden.get(org.code, org) != org:
            raise AansluitingOngeldig(f"agency {org.code!r} is registered twice, differently")
        gevonden[org.code] = org
    if not gevonden:
        raise AansluitingOngeldig(
            f"no agency registered under the entry-point group {ENTRY_POINT_GROUP}: install the "
            "project (pip install -e .) and the agencies' packages"
        )
    _controleer((LOKET, HUB, LET, BEHEER, *DEELNEMERS), tuple(gevonden.values()))
    return MappingProxyType(dict(sorted(gevonden.items(), key=lambda kv: kv[1].oin)))


def _controleer(
    vast: tuple[Organisatie, ...], agencies: tuple[Uitvoeringsorganisatie, ...]
) -> None:
    """Codes are Kafka principal and topic name parts, OINs identities: each must be well formed
    and name one organisation only."""
    codes: set[str] = set()
    oins: set[str] = set()
    for org in (*vast, *agencies):
        if isinstance(org, Uitvoeringsorganisatie):
            if not _CODE.fullmatch(org.code):
                raise AansluitingOngeldig(f"agency code {org.code!r}: use a-z, 0-9 and -")
            if not _OIN.fullmatch(org.oin):
                raise AansluitingOngeldig(f"agency {org.code!r}: OIN {org.oin!r} is not 20 digits")
            if not 1024 <= org.poort <= 65525:
                raise AansluitingOngeldig(f"agency {org.code!r}: port {org.poort} out of range")
        if org.code in codes or org.oin in oins:
            raise AansluitingOngeldig(f"agency {org.code!r}: its code or OIN is already taken")
        codes.add(org.code)
        oins.add(org.oin)


class _Register(type):
    """Iterating over :class:`Uitvoerder` gives the installed agencies (as a ``StrEnum`` did)."""

    def __iter__(cls) -> Iterator[Uitvoerder]:
        return iter([Uitvoerder(code) for code in uitvoerders()])

    def __len__(cls) -> int:
        return len(uitvoerders())

    def __contains__(cls, code: object) -> bool:
        return code in uitvoerders()


_BESCHRIJVING = "Agencies and other organisations that receive instructions from the hub."


class Uitvoerder(str, metaclass=_Register):
    """The code of an installed agency: ``Uitvoerder("cjib")``, validated against the registry.

    A ``str``, so it goes into a topic name, a column or JSON as it is; one object per code
    (``Uitvoerder("cjib") is Uitvoerder.CJIB``). In a pydantic model an unknown code is refused
    naming the field and the installed agencies; the JSON Schema lists the installed ones.
    The project's own agencies keep constants (``Uitvoerder.CJIB``) so code reads as it did.
    """

    BELASTINGDIENST: ClassVar[Uitvoerder]
    CJIB: ClassVar[Uitvoerder]
    DUO: ClassVar[Uitvoerder]
    CAK: ClassVar[Uitvoerder]
    SVB: ClassVar[Uitvoerder]
    UWV: ClassVar[Uitvoerder]
    IND: ClassVar[Uitvoerder]
    GEMEENTE: ClassVar[Uitvoerder]

    _objecten: ClassVar[dict[str, Uitvoerder]] = {}

    def __new__(cls, code: str) -> Uitvoerder:
        code = str(code)
        if code not in uitvoerders():
            raise ValueError(f"unknown agency {code!r}; installed: {', '.join(uitvoerders())}")
        return cls._van(code)

    @classmethod
    def _van(cls, code: str) -> Uitvoerder:
        gevonden = cls._objecten.get(code)
        if gevonden is None:
            gevonden = cls._objecten[code] = str.__new__(cls, code)
        return gevonden

    def __getnewargs__(self) -> tuple[str]:
        return (str.__str__(self),)

    def __repr__(self) -> str:
        return f"Uitvoerder({str.__str__(self)!r})"

    def __str__(self) -> str:
        return str.__str__(self)

    @property
    def value(self) -> str:
        """The plain code (as ``StrEnum.value`` gave it)."""
        return str.__str__(self)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(
            _als_uitvoerder, core_schema.str_schema(), ref="Uitvoerder"
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "description": _BESCHRIJVING,
            "enum": list(uitvoerders()),
            "title": "Uitvoerder",
            "type": "string",
        }


def _als_uitvoerder(code: str) -> Uitvoerder:
    if code not in uitvoerders():
        raise PydanticCustomError(
            "uitvoerder",
            "unknown agency {code}; installed: {installed}",
            {"code": code, "installed": ", ".join(uitvoerders())},
        )
    return Uitvoerder(code)


class _ElkeCode:
    """Marks an :class:`Uitvoerder` field of an event as read from a topic: any well-formed code."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(
            _als_code, core_schema.str_schema(pattern=f"^{_CODE.pattern}$"), ref="Uitvoerdercode"
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "description": _BESCHRIJVING_CODE,
            "examples": list(uitvoerders()),
            "pattern": f"^{_CODE.pattern}$",
            "title": "Uitvoerdercode",
            "type": "string",
        }


_BESCHRIJVING_CODE = (
    "The code of an agency that receives instructions from the hub. A reader accepts any "
    "well-formed code: an agency joins by installing its package, so an event may name one the "
    "reader does not know yet (the examples are those installed where this contract was made)."
)


def _als_code(code: str) -> Uitvoerder:
    """An installed agency's own object; another well-formed code as an :class:`Uitvoerder` that
    is not installed here (``code in Uitvoerder`` is false, and acting on it, e.g. finding its
    topic, is refused)."""
    if code in uitvoerders():
        return Uitvoerder._van(code)
    return str.__new__(Uitvoerder, code)


Uitvoerdercode = Annotated[Uitvoerder, _ElkeCode()]
"""An agency code in an event read from a topic (forward compatible): every well-formed code is
accepted, also one of an agency this reader has no plug-in for, so a reader never dead-letters the
events of a newer agency. Where input is acted on (the API ordering an instrument, the hub routing
an instruction) the field stays an :class:`Uitvoerder`: an agency not installed is refused, naming
the field."""


for _code in ("belastingdienst", "cjib", "duo", "cak", "svb", "uwv", "ind", "gemeente"):
    setattr(Uitvoerder, _code.upper(), Uitvoerder._van(_code))

T = TypeVar("T")


class Levend(Sequence[T]):
    """A read-only sequence computed from the registry on each use, so a module constant stays
    true to what is installed without reading the entry points at import."""

    def __init__(self, bron: Callable[[], Sequence[T]]) -> None:
        self._bron = bron

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        return self._bron()[index]

    def __len__(self) -> int:
        return len(self._bron())

    def __repr__(self) -> str:
        return repr(tuple(self._bron()))


class _Uitvoerders(Mapping[str, Uitvoeringsorganisatie]):
    """:data:`UITVOERDERS`: the registry as a mapping, read on each use."""

    def __getitem__(self, code: str) -> Uitvoeringsorganisatie:
        return uitvoerders()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(uitvoerders())

    def __len__(self) -> int:
        return len(uitvoerders())


UITVOERDERS: Mapping[str, Uitvoeringsorganisatie] = _Uitvoerders()
"""Every installed agency by code (an :class:`Uitvoerder` is a code): :func:`uitvoerders`."""

ORGANISATIES: Sequence[Organisatie] = Levend(
    lambda: (LOKET, HUB, LET, BEHEER, *uitvoerders().values(), *DEELNEMERS)
)
"""Every organisation that takes part, each with its own identity (OIN)."""
