"""HTTPS delivery's rules: who gets which message, what a receiver's answer means, how long to
wait (Retry-After, backoff), and the Standard Webhooks signature a receiver checks."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from hub.adapters.webhook import onderteken
from hub.domain.aflevering import (
    RETRY_AFTER_MAX,
    Poging,
    Uitkomst,
    beoordeel,
    geadresseerden,
    lees_retry_after,
    ontvangbare_types,
    volgende_poging,
)
from hub.service.abonnementen import NieuwAbonnement, _controleer, nieuw_geheim
from hub.service.errors import HubError
from schemas.topics import OVERBRUGGING, instructie_topic

NU = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
TERUGBETALING = "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1"
OINS = {"cjib": "00000001999999990102"}


def test_a_party_may_subscribe_to_its_own_topics_and_what_names_it_only():
    cjib = ontvangbare_types("cjib")
    assert "nl.maatwerk.opschorting.instructie.v1" in cjib and TERUGBETALING in cjib
    deelnemer = ontvangbare_types(None)
    assert "nl.maatwerk.opschorting.instructie.v1" not in deelnemer
    assert deelnemer == {TERUGBETALING, "nl.maatwerk.escalatie.overleg-gepland.v1"}
    assert "nl.maatwerk.casus.ingediend.v1" not in cjib  # the loket's, not an agency's


def test_the_addressee_is_the_topics_one_reader_or_the_party_named():
    instructie = geadresseerden(
        "nl.maatwerk.opschorting.instructie.v1", None, instructie_topic("cjib").name, OINS.get
    )
    assert instructie == {OINS["cjib"]}
    data = SimpleNamespace(betaler=SimpleNamespace(oin="00000001999999990201"))
    assert geadresseerden(TERUGBETALING, data, OVERBRUGGING.name, OINS.get) == {
        "00000001999999990201"
    }
    aangevraagd = "nl.maatwerk.overbrugging.aangevraagd.v1"
    assert geadresseerden(aangevraagd, data, OVERBRUGGING.name, OINS.get) == frozenset()


@pytest.mark.parametrize(
    ("status", "uitkomst"),
    [
        (200, Uitkomst.AFGELEVERD),
        (201, Uitkomst.AFGELEVERD),
        (202, Uitkomst.AFGELEVERD),
        (204, Uitkomst.AFGELEVERD),
        (410, Uitkomst.BEEINDIGD),
        (415, Uitkomst.ONBESTELBAAR),
        (429, Uitkomst.OPNIEUW),
        (500, Uitkomst.OPNIEUW),
        (404, Uitkomst.OPNIEUW),
        (301, Uitkomst.OPNIEUW),
        (None, Uitkomst.OPNIEUW),
    ],
)
def test_what_a_receivers_answer_means(status, uitkomst):
    assert beoordeel(status, None, NU).uitkomst is uitkomst


def test_retry_after_in_seconds_or_as_a_date_and_capped():
    assert lees_retry_after("7", NU) == dt.timedelta(seconds=7)
    assert lees_retry_after("Sun, 06 Dec 2026 12:00:30 GMT", NU) == dt.timedelta(seconds=30)
    assert lees_retry_after("Sun, 06 Dec 2026 11:00:00 GMT", NU) == dt.timedelta(0)
    assert lees_retry_after("999999", NU) == RETRY_AFTER_MAX
    assert lees_retry_after("soon", NU) is None
    assert lees_retry_after(None, NU) is None
    assert beoordeel(429, "3", NU) == Poging(Uitkomst.OPNIEUW, dt.timedelta(seconds=3))


def test_the_next_attempt_honours_retry_after_and_ends_after_the_last():
    backoff = dt.timedelta(seconds=1)
    wacht = Poging(Uitkomst.OPNIEUW, dt.timedelta(seconds=30))
    assert volgende_poging(wacht, backoff, 1, 5) == dt.timedelta(seconds=30)
    assert volgende_poging(Poging(Uitkomst.OPNIEUW), backoff, 1, 5) == backoff
    assert volgende_poging(Poging(Uitkomst.OPNIEUW), backoff, 5, 5) is None
    assert volgende_poging(Poging(Uitkomst.ONBESTELBAAR), backoff, 1, 5) is None


def test_the_signature_is_what_a_standard_webhooks_receiver_checks():
    geheim = nieuw_geheim()
    body = json.dumps({"id": "e1", "type": TERUGBETALING}).encode()
    moment = dt.datetime.now(dt.UTC)
    headers = onderteken(geheim, "e1", moment, body)
    assert headers["webhook-id"] == "e1"
    assert Webhook(geheim).verify(body, headers)["id"] == "e1"
    with pytest.raises(WebhookVerificationError):
        Webhook(geheim).verify(body.replace(b"e1", b"e2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(nieuw_geheim()).verify(body, headers)


@pytest.mark.parametrize(
    ("protocol", "types", "endpoint", "field"),
    [
        ("http-pull", ("nl.maatwerk.opschorting.instructie.v1",), None, "types"),
        ("https-push", (TERUGBETALING,), "http://gemeente.example/hook", "endpoint"),
        ("https-push", (TERUGBETALING,), "https://u:geheim@gemeente.example/hook", "endpoint"),
        ("https-push", (TERUGBETALING,), None, "endpoint"),
        ("http-pull", (TERUGBETALING,), "https://gemeente.example/hook", "endpoint"),
    ],
)
def test_a_subscription_that_may_not_be_is_refused_naming_its_field(
    protocol, types, endpoint, field
):
    with pytest.raises(HubError) as refused:
        _controleer(NieuwAbonnement(protocol, types, endpoint), None)
    assert refused.value.field == field


def test_a_party_subscribes_to_what_is_addressed_to_it():
    _controleer(NieuwAbonnement("https-push", (TERUGBETALING,), "https://g.example/hook"), None)
    _controleer(NieuwAbonnement("http-pull", ("nl.maatwerk.opschorting.instructie.v1",)), "cjib")
