"""Dead-letter decisions: which messages a connector can never process."""

import datetime as dt
import json
import uuid

import pytest

from connectors.base.opdracht import DeadLetterReden, Onverwerkbaar, lees_event, lees_instructie
from schemas import make_event
from schemas.casus import CasusIngediend
from schemas.opschorting import OpschortingOpheffingInstructie, OpschortingVerlengingInstructie
from schemas.organisaties import HUB, Uitvoerder
from schemas.versleuteling import seal
from tests.unit.connectors.berichten import (
    casus_id,
    instructie,
    opheffing,
    sleutel,
    verlenging,
)

BSNS = ["999990019", "999990020"]


@pytest.fixture
def key():
    return sleutel()


def _reden(raw: bytes, key, uitvoerder=Uitvoerder.CJIB) -> DeadLetterReden:
    with pytest.raises(Onverwerkbaar) as info:
        lees_instructie(raw, uitvoerder=uitvoerder, sleutel=key)
    assert "9999900" not in info.value.detail  # never a BSN in the reason
    return info.value.reden


def test_a_valid_instruction_is_opened(key):
    event = instructie("cjib", BSNS, key.public_key())
    opdracht = lees_instructie(event.to_bytes(), uitvoerder=Uitvoerder.CJIB, sleutel=key)
    assert opdracht.instructie_id == event.id
    assert opdracht.bsns == tuple(BSNS)
    assert "9999900" not in repr(opdracht)


@pytest.mark.parametrize("raw", [b"", b"\xff\xfe garbage", b"[1, 2]", b'{"type": 3}', b"null"])
def test_garbage_is_ongeldig(raw, key):
    assert _reden(raw, key) is DeadLetterReden.ONGELDIG_BERICHT


def test_schema_violation_is_ongeldig(key):
    body = json.loads(instructie("cjib", BSNS, key.public_key()).to_bytes())
    body["data"]["maatregelen"] = []
    assert _reden(json.dumps(body).encode(), key) is DeadLetterReden.ONGELDIG_BERICHT


def test_another_message_type_is_onverwacht(key):
    ander = CasusIngediend.model_validate(
        {
            "casus_id": casus_id(),
            "indiener_oin": "00000001999999990201",
            "maatwerkfunctionaris": {"naam": "Team", "email": "team@gemeente.example"},
            "huishouden": [{"pseudoniem": f"psn-{uuid.uuid4().hex}", "rol": "aanvrager"}],
            "probleemdomeinen": ["schulden"],
            "betrokken_organisaties": ["cjib"],
            "geprobeerd": "Regeling geprobeerd",
            "urgentie": "hoog",
            "gevraagde_instrumenten": ["time-out"],
            "ingediend_op": dt.datetime.now(dt.UTC),
        }
    )
    event = make_event(ander, source=HUB.source, subject=ander.casus_id)
    assert _reden(event.to_bytes(), key) is DeadLetterReden.ONVERWACHT_TYPE


def test_an_instruction_for_another_agency(key):
    event = instructie("duo", BSNS, key.public_key())
    assert _reden(event.to_bytes(), key) is DeadLetterReden.ANDERE_UITVOERDER


def test_a_bsn_sealed_for_someone_else(key):
    event = instructie("cjib", BSNS, sleutel().public_key())
    assert _reden(event.to_bytes(), key) is DeadLetterReden.BSN_NIET_TE_OPENEN


def test_a_sealed_value_that_is_no_bsn(key):
    body = json.loads(instructie("cjib", BSNS, key.public_key()).to_bytes())
    body["data"]["personen"][0]["bsn_versleuteld"] = seal("123456789", key.public_key())
    assert _reden(json.dumps(body).encode(), key) is DeadLetterReden.BSN_NIET_TE_OPENEN


def test_an_extension_is_read_with_the_original_instruction_and_its_bsns(key):
    origineel = instructie("cjib", BSNS, key.public_key())
    event = verlenging(origineel, referentie="CJIB-OPS-00000001")
    opdracht = lees_instructie(event.to_bytes(), uitvoerder=Uitvoerder.CJIB, sleutel=key)
    assert isinstance(opdracht.instructie, OpschortingVerlengingInstructie)
    assert opdracht.instructie_id == event.id
    assert opdracht.instructie.instructie_id == origineel.id
    assert opdracht.instructie.referentie == "CJIB-OPS-00000001"
    assert opdracht.bsns == tuple(BSNS)
    assert "9999900" not in repr(opdracht)


def test_a_lifting_is_read_without_a_reference(key):
    origineel = instructie("cjib", BSNS, key.public_key())
    event = opheffing(origineel, opheffingsdatum=dt.date(2027, 1, 15))
    opdracht = lees_instructie(event.to_bytes(), uitvoerder=Uitvoerder.CJIB, sleutel=key)
    assert isinstance(opdracht.instructie, OpschortingOpheffingInstructie)
    assert opdracht.instructie.referentie is None
    assert opdracht.instructie.opheffingsdatum == dt.date(2027, 1, 15)


def test_changes_get_the_same_checks_as_the_order(key):
    voor_duo = instructie("duo", BSNS, key.public_key())
    assert _reden(verlenging(voor_duo).to_bytes(), key) is DeadLetterReden.ANDERE_UITVOERDER
    vreemd = instructie("cjib", BSNS, sleutel().public_key())
    assert _reden(opheffing(vreemd).to_bytes(), key) is DeadLetterReden.BSN_NIET_TE_OPENEN
    body = json.loads(verlenging(instructie("cjib", BSNS, key.public_key())).to_bytes())
    body["subject"] = casus_id()
    assert _reden(json.dumps(body).encode(), key) is DeadLetterReden.ONGELDIG_BERICHT


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"\xff\xfe\xfa",
        b"\xc3\x28",
        b"x" * (1024 * 1024),
        b"",
        b"null",
        b'{"type": {"nested": true}}',
        b'{"type": "' + b"\\" * 10 + b'"}',
    ],
    ids=[
        "deep-array",
        "deep-object",
        "not-utf8",
        "bad-utf8",
        "1MiB",
        "empty",
        "null",
        "type",
        "esc",
    ],
)
def test_any_bytes_give_an_event_or_ongeldig_bericht(raw):
    with pytest.raises(Onverwerkbaar) as fout:
        lees_event(raw)
    assert fout.value.reden is DeadLetterReden.ONGELDIG_BERICHT


def test_parse_event_refuses_nesting_before_parsing_with_invalid_event():
    from schemas import InvalidEvent, parse_event

    for raw in (b"[" * 40 + b"]" * 40, "[" * 100_000, "\ud800"):
        with pytest.raises(InvalidEvent):
            parse_event(raw)
