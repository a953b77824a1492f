"""Loads the agreement table (``hub/afspraken/afspraken.v1.yaml`` by default) at start.

The file is checked whole with pydantic (every field, known agencies, receivers and categories,
no version twice, no two agreements in force for the same agency, purpose and receiver on one
day); anything wrong is :class:`AfsprakenOngeldig`, whose message names the file and the entry,
and the hub does not start.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hub.domain.afspraak import LOKET, Afspraak, Afsprakentabel, Doel, OngeldigeTabel
from schemas.gedeeld import Regel
from schemas.informatie import Gegevenscategorie
from schemas.organisaties import Uitvoerder

STANDAARD_BESTAND = Path(__file__).resolve().parent.parent / "afspraken" / "afspraken.v1.yaml"
"""The table the hub ships with."""

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: the same documents and errors, parsed
about ten times faster (the pure-Python one took some 20 ms of each hub start)."""

ONTVANGERS = frozenset({LOKET, *(u.value for u in Uitvoerder)})
"""Who can receive: the loket or a connected organisation, by its code."""


class AfsprakenOngeldig(RuntimeError):
    """The agreement file cannot be read or breaks a rule: the hub must not start with it."""


class _Afspraak(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kenmerk: str = Field(min_length=1, max_length=100, pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    versie: int = Field(ge=1)
    geldig_vanaf: dt.date
    geldig_tot: dt.date | None = None
    verstrekker: Uitvoerder
    ontvangers: tuple[str, ...] = Field(min_length=1)
    doel: Doel
    grondslag: Regel
    categorieen: tuple[Gegevenscategorie, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _regels(self) -> Self:
        if self.geldig_tot is not None and self.geldig_tot < self.geldig_vanaf:
            raise ValueError("geldig_tot is before geldig_vanaf")
        onbekend = sorted(set(self.ontvangers) - ONTVANGERS)
        if onbekend:
            raise ValueError(f"unknown receivers: {', '.join(onbekend)}")
        if len(set(self.categorieen)) != len(self.categorieen):
            raise ValueError("categorieen names a category twice")
        return self

    def naar_domein(self) -> Afspraak:
        return Afspraak(
            kenmerk=self.kenmerk,
            versie=self.versie,
            geldig_vanaf=self.geldig_vanaf,
            geldig_tot=self.geldig_tot,
            verstrekker=self.verstrekker,
            ontvangers=frozenset(self.ontvangers),
            doel=self.doel,
            grondslag=self.grondslag,
            categorieen=self.categorieen,
        )


class _Bestand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    formaat: Literal[1]
    editie: str = Field(min_length=1, max_length=40)
    afspraken: tuple[_Afspraak, ...] = Field(min_length=1)


def lees_afspraken(tekst: str, *, bron: str = "<text>") -> Afsprakentabel:
    """The table in ``tekst`` (YAML), or :class:`AfsprakenOngeldig` naming what is wrong.

    The same text gives the same table, checked once per process: the table is immutable, and
    building it (the YAML loader's constructor and the checks are Python, 1.5 ms) was part of
    every hub start where a test process starts hundreds of hubs from the one shipped file. The
    file is read at every start, so a changed file is read and checked anew, and a broken one is
    refused at every start."""
    return _gelezen(tekst, bron)


@functools.lru_cache(maxsize=8)
def _gelezen(tekst: str, bron: str) -> Afsprakentabel:
    try:
        ruw = yaml.load(tekst, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise AfsprakenOngeldig(f"agreement file {bron} is not valid YAML: {exc}") from exc
    try:
        bestand = _Bestand.model_validate(ruw)
    except ValidationError as exc:
        fouten = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in exc.errors()
        )
        raise AfsprakenOngeldig(f"agreement file {bron} is invalid: {fouten}") from exc
    try:
        return Afsprakentabel(
            editie=bestand.editie, afspraken=tuple(a.naar_domein() for a in bestand.afspraken)
        )
    except OngeldigeTabel as exc:
        raise AfsprakenOngeldig(f"agreement file {bron} is invalid: {exc}") from exc


def laad_afspraken(pad: Path | None = None) -> Afsprakentabel:
    """Read and check the agreement file (the shipped one when ``pad`` is None)."""
    bestand = pad or STANDAARD_BESTAND
    try:
        tekst = bestand.read_text(encoding="utf-8")
    except OSError as exc:
        raise AfsprakenOngeldig(f"agreement file {bestand} cannot be read: {exc}") from exc
    return lees_afspraken(tekst, bron=str(bestand))
