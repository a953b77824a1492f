"""Input rules of the hygiene work, without FastAPI: free text without BSNs in every command,
list maximums, the time-out's date ranges, the token bucket, the idempotency request hash."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from hub.domain.opschorting import OngeldigeOpschorting, Opschorting, Scope
from hub.entrypoints.token_bucket import TokenBuckets, retry_after
from hub.service import commands as c
from hub.service.idempotentie import request_hash
from hub.service.vrije_tekst import bevat_bsn
from tests.support.loket import casus_body, opschorting_body
from tests.unit.hub.test_opschorting_domain import NOW, order

BSN = "999990019"


@pytest.mark.parametrize(
    "tekst",
    [BSN, f"BSN {BSN}.", "9999.90.019", "9999 90 019", "9999-90-019", f"a{BSN}b"],
)
def test_bsn_shaped_numbers_are_found(tekst):
    assert bevat_bsn(tekst)


@pytest.mark.parametrize(
    "tekst",
    ["123456789", "dossier 1999990019", "0612345678", "99999001", "2026-12-01", "geen nummer"],
)
def test_other_numbers_pass(tekst):
    assert not bevat_bsn(tekst)


FREE_TEXT = [
    (c.DienCasusIn, casus_body(BSN), "geprobeerd"),
    (c.Contactpersoon, {"naam": "n", "email": "a@b.nl"}, "naam"),
    (c.NieuwLid, {"bsn": BSN, "rol": "kind"}, "rol"),
    (c.AccepteerCasus, {}, "toelichting"),
    (c.WijsCasusAf, {"redencode": "onvolledig", "reden": "r"}, "reden"),
    (c.WijsCasusAf, {"redencode": "onvolledig", "reden": "r"}, "advies"),
    (c.NeemCasusInBehandeling, {"behandelteam": "t"}, "behandelteam"),
    (c.SchaalCasusOp, {"reden": "r"}, "reden"),
    (c.LosCasusOp, {"oplossing": "o"}, "oplossing"),
    (c.SluitCasus, {"redencode": "opgelost"}, "toelichting"),
    (c.DraagOpschortingOp, opschorting_body("cjib"), "grondslag"),
    (c.DraagOpschortingOp, opschorting_body("cjib"), "reden"),
    (c.VerlengOpschorting, {"einddatum": "2027-01-01", "reden": "r"}, "reden"),
    (c.HefOpschortingOp, {"reden": "r"}, "reden"),
]


@pytest.mark.parametrize(("command", "body", "field"), FREE_TEXT)
def test_every_free_text_field_refuses_a_bsn_naming_the_field(command, body, field):
    command.model_validate(body)
    with pytest.raises(ValidationError) as caught:
        command.model_validate({**body, field: f"zie 9999.90.019 ({field})"})
    errors = caught.value.errors(include_input=False)
    assert [e["loc"] for e in errors] == [(field,)]
    assert "9999" not in str(errors)


@pytest.mark.parametrize(
    ("command", "body", "field", "too_many"),
    [
        (c.DienCasusIn, casus_body(BSN), "probleemdomeinen", ["schulden"] * 20),
        (c.DienCasusIn, casus_body(BSN), "gevraagde_instrumenten", ["time-out"] * 20),
        (c.DienCasusIn, casus_body(BSN), "betrokken_organisaties", ["cjib"] * 20),
        (c.LosCasusOp, {"oplossing": "o"}, "ingezette_instrumenten", ["time-out"] * 20),
        (c.DraagOpschortingOp, opschorting_body("cjib"), "maatregelen", ["beslag"] * 20),
        (c.ScopeIn, {"uitvoerder": "cjib"}, "vorderingen", ["V"] * (c.MAX_VORDERINGEN + 1)),
    ],
)
def test_lists_have_a_maximum(command, body, field, too_many):
    with pytest.raises(ValidationError) as caught:
        command.model_validate({**body, field: too_many})
    assert caught.value.errors()[0]["loc"] == (field,)


def _order(ingangsdatum: dt.date, einddatum: dt.date) -> Opschorting:
    return Opschorting.draag_op(
        opschorting_id="o-1",
        casus_id="MWL-2026-0A1B2C3D4E",
        scope=[Scope("cjib")],
        maatregelen=("beslag",),
        ingangsdatum=ingangsdatum,
        einddatum=einddatum,
        grondslag="g",
        reden="r",
        instructies={"cjib": "i-cjib"},
        reageer_uiterlijk=NOW,
        nu=NOW,
        door="loket",
    )


def test_time_out_dates_stay_within_reach_of_today():
    today = NOW.date()
    _order(today - dt.timedelta(days=300), today + dt.timedelta(days=4 * 365))
    with pytest.raises(OngeldigeOpschorting) as caught:
        _order(today - dt.timedelta(days=400), today)
    assert caught.value.field == "ingangsdatum"
    with pytest.raises(OngeldigeOpschorting) as caught:
        _order(today, dt.date(2226, 1, 1))
    assert caught.value.field == "einddatum"
    with pytest.raises(OngeldigeOpschorting) as caught:
        order("cjib").verleng(
            wijziging_id="w",
            einddatum=dt.date(2040, 1, 1),
            reden="r",
            nu=NOW,
            instructies={"cjib": "v"},
            reageer_uiterlijk=NOW,
            door="loket",
        )
    assert caught.value.field == "einddatum"


def test_no_lifting_before_the_time_out_began():
    o = order("cjib")  # begins 2026-12-01
    with pytest.raises(OngeldigeOpschorting) as caught:
        o.hef_op(
            wijziging_id="w",
            opheffingsdatum=dt.date(2026, 11, 30),
            reden="r",
            nu=NOW,
            instructies={"cjib": "v"},
            reageer_uiterlijk=NOW,
            door="loket",
        )
    assert caught.value.field == "opheffingsdatum"
    o.hef_op(
        wijziging_id="w",
        opheffingsdatum=dt.date(2026, 12, 1),
        reden="r",
        nu=NOW,
        instructies={"cjib": "v"},
        reageer_uiterlijk=NOW,
        door="loket",
    )


def test_the_token_bucket_allows_a_burst_then_the_rate():
    now = [0.0]
    buckets = TokenBuckets(rate=2, burst=3, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0  # each caller its own bucket
    now[0] = 0.5
    assert buckets.take("a") == 0
    assert retry_after(buckets.take("a")) == "1"
    now[0] = 100
    assert [buckets.take("a") for _ in range(4)][:3] == [0, 0, 0]  # never more than the burst


def test_the_request_hash_covers_method_path_and_body():
    key = b"k" * 32
    base = request_hash("POST", "/a", b"{}", key=key)
    assert base == request_hash("POST", "/a", b"{}", key=key)
    assert (
        len(
            {
                base,
                request_hash("POST", "/b", b"{}", key=key),
                request_hash("POST", "/a", b"{ }", key=key),
            }
        )
        == 3
    )
    assert request_hash("POST", "/ab", b"", key=key) != request_hash("POST", "/a", b"b", key=key)
    # Keyed: whoever reads the table cannot find a BSN in it by hashing every candidate body.
    body = b'{"bsn": "999990019"}'
    assert request_hash("POST", "/z", body, key=key) != request_hash(
        "POST", "/z", body, key=b"x" * 32
    )
