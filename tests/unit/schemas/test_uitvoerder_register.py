"""The agencies are what is installed: the registry read from the entry points.

An extra agency is registered here by adding an entry point to what ``importlib.metadata``
finds (the end-to-end proof with a real installed package is tests/e2e/test_plugin_agency.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint, entry_points

import pytest
from pydantic import BaseModel, ValidationError

from connectors.base.koppeling import OnbekendeUitvoerder, laad_koppeling
from schemas import organisaties
from schemas.organisaties import (
    ENTRY_POINT_GROUP,
    UITVOERDERS,
    AansluitingOngeldig,
    Uitvoerder,
    Uitvoeringsorganisatie,
    uitvoerders,
)
from schemas.topics import AGENCIES, acl_entries, catalogue, principal
from simulators import POORTEN

WATERSCHAP = Uitvoeringsorganisatie(
    "waterschap", "Waterschap Voorbeeld", "00000001999999990109", "connector-waterschap", poort=8109
)
SOCIALE_DIENST = Uitvoeringsorganisatie(
    "sociale-dienst", "Sociale Dienst Regio", "00000001999999990110", "connector-sd", poort=8110,
    per_gemeente=True,
)  # fmt: skip
NAAMLOOS = object()
OIN_VAN_CJIB = Uitvoeringsorganisatie("dubbel", "Dubbel", "00000001999999990102", "x", poort=8190)

EIGEN = ("belastingdienst", "cjib", "duo", "cak", "svb", "uwv", "ind", "gemeente")


class Bericht(BaseModel):
    uitvoerder: Uitvoerder


@pytest.fixture
def registreer(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Registers extra entry points (name -> ``module:attribute``) beside the installed ones."""
    echte = tuple(entry_points(group=ENTRY_POINT_GROUP))

    def met(**extra: str) -> None:
        erbij = tuple(EntryPoint(n, v, ENTRY_POINT_GROUP) for n, v in extra.items())
        monkeypatch.setattr(organisaties, "entry_points", lambda group: (*echte, *erbij))
        uitvoerders.cache_clear()

    yield met
    monkeypatch.undo()
    uitvoerders.cache_clear()


def test_the_installed_agencies_are_the_projects_own_in_the_order_of_their_oins():
    assert tuple(Uitvoerder) == EIGEN
    assert tuple(AGENCIES) == EIGEN == tuple(UITVOERDERS) == tuple(POORTEN)
    assert Uitvoerder("cjib") is Uitvoerder.CJIB and Uitvoerder.CJIB.value == "cjib"
    assert POORTEN["cjib"] == 8102 and UITVOERDERS["cjib"].naam.startswith("Centraal")


def test_a_contract_refuses_an_agency_nobody_installed_naming_the_field():
    assert Bericht(uitvoerder="duo").uitvoerder is Uitvoerder.DUO  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as refused:
        Bericht(uitvoerder="waterschap")  # type: ignore[arg-type]
    (error,) = refused.value.errors()
    assert error["loc"] == ("uitvoerder",) and error["type"] == "uitvoerder"
    assert error["msg"].startswith("unknown agency waterschap; installed: belastingdienst, cjib")
    with pytest.raises(ValueError, match="unknown agency 'waterschap'"):
        Uitvoerder("waterschap")


def test_an_agency_registered_by_entry_point_joins_contracts_topics_and_acls(registreer):
    registreer(waterschap=f"{__name__}:WATERSCHAP")
    assert tuple(Uitvoerder) == (*EIGEN, "waterschap")
    assert Bericht(uitvoerder="waterschap").uitvoerder == "waterschap"  # type: ignore[arg-type]
    assert Bericht.model_json_schema()["$defs"]["Uitvoerder"]["enum"][-1] == "waterschap"
    eigen = {t.name for t in catalogue() if t.eigenaar == "waterschap"}
    assert eigen == {
        "maatwerk.opschorting.instructie.waterschap.v1",
        "maatwerk.opschorting.antwoord.waterschap.v1",
        "maatwerk.informatie.verzoek.waterschap.v1",
        "maatwerk.informatie.antwoord.waterschap.v1",
        "maatwerk.signalering.waterschap.v1",
    }
    wie = principal("waterschap")
    assert wie == "User:00000001999999990109"
    assert ("WRITE", "maatwerk.opschorting.antwoord.waterschap.v1") in {
        (a.operation, a.resource) for a in acl_entries() if a.principal == wie
    }
    # Registered, but no connector installed for it: said so, not an import error.
    with pytest.raises(OnbekendeUitvoerder, match="no connector installed for 'waterschap'"):
        laad_koppeling("waterschap")


@pytest.mark.parametrize(
    ("naam", "waarde", "fout"),
    [
        ("naamloos", f"{__name__}:NAAMLOOS", "is no Uitvoeringsorganisatie"),
        ("anders", f"{__name__}:WATERSCHAP", "with code 'anders'"),
        ("dubbel", f"{__name__}:OIN_VAN_CJIB", "its code or OIN is already taken"),
    ],
)
def test_a_malformed_or_clashing_description_stops_the_process(registreer, naam, waarde, fout):
    registreer(**{naam: waarde})
    with pytest.raises(AansluitingOngeldig, match=fout):
        uitvoerders()


def test_without_any_installed_agency_the_process_says_how_to_install(monkeypatch):
    monkeypatch.setattr(organisaties, "entry_points", lambda group: ())
    uitvoerders.cache_clear()
    try:
        with pytest.raises(AansluitingOngeldig, match=r"pip install -e \."):
            uitvoerders()
    finally:
        monkeypatch.undo()
        uitvoerders.cache_clear()


def test_an_agency_that_serves_the_municipalities_is_routed_by_the_woongemeente(registreer):
    """The hub knows no agency by name: a plug-in that serves several municipalities through one
    connector (``per_gemeente``) gets what gemeente gets, from its description."""
    from types import SimpleNamespace

    from hub.domain.casus import Casus

    registreer(**{"sociale-dienst": f"{__name__}:SOCIALE_DIENST"})
    assert organisaties.per_gemeente("sociale-dienst")
    assert organisaties.per_gemeente("gemeente")
    assert not organisaties.per_gemeente("cjib")
    assert not organisaties.per_gemeente("waterschap"), "not installed"
    utrecht = "00000001999999990201"
    met, zonder = SimpleNamespace(woongemeente=utrecht), SimpleNamespace(woongemeente=None)
    assert Casus.gemeente_voor(met, "sociale-dienst") == utrecht  # type: ignore[arg-type]
    assert Casus.gemeente_voor(met, "cjib") is None  # type: ignore[arg-type]
    assert not Casus.bereikbaar(zonder, "sociale-dienst")  # type: ignore[arg-type]
    assert Casus.bereikbaar(zonder, "cjib")  # type: ignore[arg-type]
