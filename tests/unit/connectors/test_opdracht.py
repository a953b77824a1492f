"""Dead-letter decisions: which messages a connector can never process."""

import datetime as dt
import json
import uuid

import pytest

from connectors.base.opdracht import DeadLetterReden, Onverwerkbaar, lees_instructie
from schemas import make_event, opschorting
from schemas.casus import CasusIngediend
from schemas.organisaties import HUB, Uitvoerder
from schemas.versleuteling import seal
from tests.unit.connectors.berichten import casus_id, instructie, sleutel

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


def test_an_extension_instruction_is_parked_as_not_supported_yet(key):
    verlenging = getattr(opschorting, "OpschortingVerlengingInstructie", None)
    if verlenging is None:
        pytest.skip("the contract has no extension instruction yet")
    basis = instructie("cjib", BSNS, key.public_key()).data
    data = verlenging(
        opschorting_id=basis.opschorting_id,
        casus_id=basis.casus_id,
        uitvoerder=basis.uitvoerder,
        instructie_id=str(uuid.uuid4()),
        personen=basis.personen,
        reden="Meer tijd nodig",
        reageer_uiterlijk=basis.reageer_uiterlijk,
        periode=basis.periode,
    )
    event = make_event(data, source=HUB.source, subject=basis.casus_id)
    assert _reden(event.to_bytes(), key) is DeadLetterReden.NIET_ONDERSTEUND
