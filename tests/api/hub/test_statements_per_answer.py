"""How many SQL statements a batch of answers costs: the order's rows are read once per batch.

The answer consumer records a batch of answers in one transaction, each answer a savepoint
(``hub.entrypoints.antwoord_stream``). The agencies answer an order within a few hundred
milliseconds of each other, so a batch mostly holds several answers to one order. Each answer
read the whole order again (the order, its eight requests, its changes), looked up its event id
and its request one statement each, and read the chain's statuses back: about a dozen round
trips per answer. Now the batch looks up its event ids and requests at once and loads an order
once; what each answer still costs is its own savepoint and the writes of its own answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from faststream.exceptions import NackMessage

from hub.adapters.metrics import HubMetrics
from hub.entrypoints.antwoord_stream import AntwoordConsumer
from hub.entrypoints.redelivery import Redelivery, RedeliveryPolicy
from schemas import CloudEvent, parse_event
from schemas.informatie import Weigeringsgrond
from schemas.topics import (
    informatie_antwoord_topic,
    informatie_verzoek_topic,
    opschorting_antwoord_topic,
)
from simulators import AGENCIES
from tests.api.hub.conftest import wait_for
from tests.api.hub.test_api import answer_event, order
from tests.api.hub.test_informatie_api import body, casus, geweigerd, verstrekt, vraag
from tests.support.records import record_of
from tests.support.statements import statements


class Consumer:
    """The answer consumer as the hub's subscriber builds it, handed records by the test."""

    def __init__(self, app: Any) -> None:
        self.dead: list[str] = []
        self.offset = 0

        async def set_aside(_record: Any, code: str, _detail: str) -> None:
            self.dead.append(code)

        async def retry_later(*_args: Any) -> NoReturn:
            raise NackMessage()

        self.consumer = AntwoordConsumer(
            lambda: app.state.hub,
            HubMetrics(),
            Redelivery(RedeliveryPolicy(max_attempts=3)),
            set_aside,
            retry_later,
        )

    async def batch(self, events: Sequence[tuple[CloudEvent[Any], str]]) -> list[str]:
        """Record ``events`` (each with its topic) as one batch; the statements it ran."""
        records = []
        for e, topic in events:
            self.offset += 1
            records.append(record_of(e, self.offset, topic=topic))
        with statements() as seen:
            await self.consumer.batch(records)
        assert self.dead == []
        return seen


def _op(e: CloudEvent[Any]) -> tuple[CloudEvent[Any], str]:
    return e, opschorting_antwoord_topic(e.data.uitvoerder).name


def _info(e: CloudEvent[Any]) -> tuple[CloudEvent[Any], str]:
    return e, informatie_antwoord_topic(e.data.verstrekker).name


def _time_out_answers(chain: dict[str, Any]) -> list[tuple[CloudEvent[Any], str]]:
    """Every agency's answer: half confirm with their reference, half refuse with a reason."""
    return [_op(answer_event(chain, a, refused=n % 2 == 1)) for n, a in enumerate(AGENCIES)]


def _gemeente_first(
    answers: list[tuple[CloudEvent[Any], str]],
) -> list[tuple[CloudEvent[Any], str]]:
    """The gemeente's answer first: only it looks up the municipality its instruction went to
    (the gemeente connector serves many), so a batch that starts with it has every kind of
    statement a batch of answers to one order has."""
    return sorted(answers, key=lambda a: _agency(a[0]) != "gemeente")


def _agency(e: CloudEvent[Any]) -> str:
    data = e.data
    return str(getattr(data, "uitvoerder", None) or data.verstrekker)


async def test_a_batch_of_answers_to_one_order_reads_the_order_once(loket):
    # A batch of one record is taken on its own (AntwoordConsumer.batch): compare two with eight.
    consumer = Consumer(loket.app)
    await consumer.batch(_time_out_answers(await order(loket))[:2])  # warm
    two = await consumer.batch(_gemeente_first(_time_out_answers(await order(loket)))[:2])
    chain = await order(loket)
    eight = await consumer.batch(_gemeente_first(_time_out_answers(chain)))

    assert len(AGENCIES) == 8
    # Each further answer: its savepoint, its request's UPDATE, the savepoint's release.
    assert len(eight) == len(two) + 6 * 3, "\n".join(eight)
    view = (await loket.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    assert view["status"] == "incomplete"
    assert sorted(s["status"] for s in view["keten"]) == ["confirmed"] * 4 + ["refused"] * 4


async def _informatieverzoek(loket) -> list[CloudEvent[Any]]:
    """An information request to every agency about one person: the eight messages."""
    casus_id, personen = await casus(loket)
    verzoek = body(personen[:1], *((a, ["vorderingen"]) for a in AGENCIES))
    await vraag(loket, casus_id, verzoek)
    gevraagd = []
    for agency in AGENCIES:
        topic = informatie_verzoek_topic(agency).name
        raw = await wait_for(
            lambda topic=topic: [
                e for e in map(parse_event, loket.published.get(topic, [])) if e.subject == casus_id
            ]
        )
        gevraagd.extend(raw)
    return gevraagd


def _informatie_answers(gevraagd: list[CloudEvent[Any]]) -> list[tuple[CloudEvent[Any], str]]:
    return [
        _info(
            verstrekt(e, {"vorderingen": "geen"})
            if n % 2 == 0
            else geweigerd(e, Weigeringsgrond.GEEN_GEGEVENS, "Niet bekend")
        )
        for n, e in enumerate(gevraagd)
    ]


async def test_a_batch_of_answers_to_one_information_request_reads_it_once(loket):
    consumer = Consumer(loket.app)
    await consumer.batch(_informatie_answers(await _informatieverzoek(loket))[:2])  # warm
    two = await consumer.batch(
        _gemeente_first(_informatie_answers(await _informatieverzoek(loket)))[:2]
    )
    gevraagd = await _informatieverzoek(loket)
    eight = await consumer.batch(_gemeente_first(_informatie_answers(gevraagd)))

    # Each further answer: its savepoint, its request's UPDATE, what it gave or withheld, the
    # savepoint's release.
    assert len(eight) <= len(two) + 6 * 4, "\n".join(eight)
    view = (await loket.get(f"/api/v1/informatieverzoeken/{gevraagd[0].data.verzoek_id}")).json()
    assert view["status"] == "incomplete"
