"""Replaying dead letters (``hub.service.replay``) on fakes: which are selected, who produces
them, what is refused and why, and that a replay happens once unless asked again."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from hub.adapters.dead_letter_reader import Placement, StoredRecord
from hub.domain.dead_letter import DeadLetter, RecordedDeadLetter, Replay
from hub.domain.selectie import DeadLetterFilter, Pagina
from hub.service.errors import Conflict, NietGevonden
from hub.service.replay import (
    HEADER_REPLAYED_FROM,
    ReplayKafka,
    Selectie,
    Uitkomst,
    Weigering,
    replay,
    replay_een,
    replay_headers,
)
from schemas.topics import (
    LEGACY_DEAD_LETTER,
    OPSCHORTING,
    dead_letter_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from tests.unit.hub.fakes import REPOSITORIES, FakeUnitOfWork, Klok, Store, fake_deps

OPERATOR = "urn:nld:oin:00000001999999990301"
INSTRUCTIE = instructie_topic("cjib").name
ANTWOORD = opschorting_antwoord_topic("cjib").name


class FakeDeadLetters:
    """``DeadLetterRepository`` in memory: recorded dead letters by id."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _rows(self) -> dict[int, RecordedDeadLetter]:
        return self._uow.work.tables.setdefault("dead_letters", {})

    def _passing(self, c: DeadLetterFilter) -> list[RecordedDeadLetter]:
        def passes(r: RecordedDeadLetter) -> bool:
            return (
                (not c.ids or r.id in c.ids)
                and (not c.redencodes or r.letter.redencode in c.redencodes)
                and (not c.origin_topics or r.letter.origin_topic in c.origin_topics)
                and (c.replayed is None or (r.replay is not None) == c.replayed)
            )

        return [r for _, r in sorted(self._rows.items()) if passes(r)]

    async def search(self, c: DeadLetterFilter, page: Pagina) -> list[RecordedDeadLetter]:
        newest_first = list(reversed(self._passing(c)))
        return newest_first[page.offset : page.offset + page.grootte]

    async def count_matching(self, c: DeadLetterFilter) -> int:
        return len(self._passing(c))

    async def ids_matching(self, c: DeadLetterFilter, limit: int) -> list[int]:
        return [r.id for r in self._passing(c)][:limit]

    async def mark_replayed(self, letter_id: int, *, at: dt.datetime, by: str) -> None:
        row = self._rows[letter_id]
        count = 1 if row.replay is None else row.replay.count + 1
        self._rows[letter_id] = replace(row, replay=Replay(at=at, by=by, count=count))


REPOSITORIES["dead_letters"] = FakeDeadLetters


@dataclass
class Source:
    """The topics: records by (topic, partition, offset)."""

    records: dict[tuple[str, int, int], StoredRecord] = field(default_factory=dict)
    opened: int = 0

    @contextlib.asynccontextmanager
    async def open(self):
        self.opened += 1
        yield self

    async def read(self, topic: str, partition: int, offset: int) -> StoredRecord | None:
        return self.records.get((topic, partition, offset))


@dataclass
class Producer:
    sent: list[tuple[str, bytes | None, bytes | None, list[tuple[str, bytes]]]] = field(
        default_factory=list
    )
    fails: BaseException | None = None

    async def send(self, topic, *, key, value, headers) -> Placement:
        if self.fails is not None:
            raise self.fails
        self.sent.append((topic, key, value, headers))
        return Placement(0, len(self.sent) - 1)


@dataclass
class World:
    store: Store
    deps: Any
    source: Source
    hub: Producer
    operator: Producer | None
    next_offset: int = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, self.deps)

    @property
    def kafka(self) -> ReplayKafka:
        return ReplayKafka(open_source=self.source.open, hub=self.hub, operator=self.operator)

    def dead_letter(
        self,
        origin: str | None = INSTRUCTIE,
        *,
        reason: str = "backoffice-weigert",
        value: bytes = b'{"id": "e-1"}',
        headers: tuple[tuple[str, bytes | None], ...] = (),
        on_topic: bool = True,
        writer: str = "cjib",
        at_origin: bytes | None = b"",
    ) -> int:
        """A dead letter ``writer`` set aside on its own dead-letter topic; ``at_origin``: the
        value at its origin (b"": the same as the copy's; None: nothing there)."""
        offset = self.next_offset
        dlq_topic = (
            LEGACY_DEAD_LETTER.name if writer == "legacy" else dead_letter_topic(writer).name
        )
        self.next_offset += 1
        stored = [
            ("content-type", b"application/cloudevents+json; charset=UTF-8"),
            ("traceparent", b"00-abc-def-01"),
            ("dlq-reason", f"{reason}: no".encode()),
            ("dlq-reason-code", reason.encode()),
            ("dlq-origin-topic", (origin or "").encode()),
            *headers,
        ]
        if on_topic:
            self.source.records[(dlq_topic, 0, offset)] = StoredRecord(
                b"MWL-2026-0000000001", value, stored
            )
        if origin and at_origin is not None:
            self.source.records[(origin, 1, 100 + offset)] = StoredRecord(
                b"MWL-2026-0000000001", at_origin or value, stored[:2]
            )
        letter = DeadLetter(
            dlq_topic=dlq_topic,
            dlq_partition=0,
            dlq_offset=offset,
            origin_topic=origin,
            origin_partition=1,
            origin_offset=100 + offset,
            reason=f"{reason}: no",
            redencode=reason,
            consumer="connector-cjib",
            failed_by=None,
            dead_lettered_at=None,
            key="MWL-2026-0000000001",
            event_type="nl.maatwerk.opschorting.instructie.v1",
            event_id="e-1",
            value_size=len(value),
            value_sha256=hashlib.sha256(value).hexdigest(),
        )
        letter_id = offset + 1
        rows = self.store.tables.setdefault("dead_letters", {})
        rows[letter_id] = RecordedDeadLetter(letter_id, self.deps.clock(), letter)
        return letter_id

    async def replay(self, *ids: int, opnieuw: bool = False, criteria=None):
        selectie = Selectie(ids=ids, criteria=criteria)
        return await replay(
            selectie, self.uow, self.deps, self.kafka, door=OPERATOR, opnieuw=opnieuw
        )


@pytest.fixture
def world(tmp_path) -> World:
    return World(Store(), fake_deps(tmp_path, Klok()), Source(), Producer(), Producer())


def test_a_replayed_record_loses_its_dlq_headers_and_says_where_it_was_replayed_from():
    record = StoredRecord(
        b"k",
        b"v",
        [("content-type", b"x"), ("dlq-reason", b"r"), ("empty", None), ("dlq-origin-topic", b"t")],
    )
    assert replay_headers(record, "maatwerk.deadletter.cjib.v1", 0, 41) == [
        ("content-type", b"x"),
        ("empty", b""),
        (HEADER_REPLAYED_FROM, b"maatwerk.deadletter.cjib.v1:0:41"),
    ]


async def test_a_dead_letter_is_produced_once_to_its_origin_and_recorded_and_audited(world):
    letter = world.dead_letter()
    [first] = (await world.replay(letter)).resultaten
    assert first.uitkomst is Uitkomst.REPLAYED and first.topic == INSTRUCTIE
    [(topic, key, value, headers)] = world.hub.sent
    assert (topic, key, value) == (INSTRUCTIE, b"MWL-2026-0000000001", b'{"id": "e-1"}')
    assert [name for name, _ in headers] == ["content-type", "traceparent", HEADER_REPLAYED_FROM]
    assert world.operator.sent == []  # the hub writes its own topics itself

    [again] = (await world.replay(letter)).resultaten
    assert again.uitkomst is Uitkomst.ALREADY_REPLAYED and OPERATOR in (again.reden or "")
    assert len(world.hub.sent) == 1
    [entry] = [e for e in world.store.audit if e.actie == "dead-letter.replay"]
    assert entry.actor == OPERATOR and entry.casus_id == "MWL-2026-0000000001"
    assert entry.details["dead_letter_id"] == letter and entry.details["topic"] == INSTRUCTIE

    [forced] = (await world.replay(letter, opnieuw=True)).resultaten
    assert forced.uitkomst is Uitkomst.REPLAYED and len(world.hub.sent) == 2
    assert world.store.tables["dead_letters"][letter].replay.count == 2
    assert len([e for e in world.store.audit if e.actie == "dead-letter.replay"]) == 2


async def test_an_answer_topic_is_written_with_the_operators_identity_or_refused_without_it(world):
    letter = world.dead_letter(ANTWOORD)
    [done] = (await world.replay(letter)).resultaten
    assert done.uitkomst is Uitkomst.REPLAYED
    assert [s[0] for s in world.operator.sent] == [ANTWOORD] and world.hub.sent == []

    world.operator = None
    other = world.dead_letter(ANTWOORD)
    [refused] = (await world.replay(other)).resultaten
    assert refused.weigering is Weigering.GEEN_IDENTITEIT
    assert "only cjib may write" in (refused.reden or "")
    assert world.store.tables["dead_letters"][other].replay is None


@pytest.mark.parametrize(
    ("kwargs", "weigering"),
    [
        ({"headers": (("dlq-value-cut", b"true"),)}, Weigering.WAARDE_AFGEKAPT),
        ({"on_topic": False}, Weigering.NIET_MEER_OP_TOPIC),
        ({"origin": None}, Weigering.GEEN_HERKOMST),
        ({"origin": "somewhere.else.v1"}, Weigering.ONBEKEND_TOPIC),
        ({"origin": LEGACY_DEAD_LETTER.name}, Weigering.DEAD_LETTER_TOPIC),
        ({"origin": dead_letter_topic("duo").name}, Weigering.DEAD_LETTER_TOPIC),
    ],
)
async def test_what_cannot_be_replayed_as_it_was_is_refused_with_why(world, kwargs, weigering):
    letter = world.dead_letter(**kwargs)
    [result] = (await world.replay(letter)).resultaten
    assert (result.uitkomst, result.weigering) == (Uitkomst.REFUSED, weigering)
    assert result.reden
    assert world.hub.sent == [] and world.operator.sent == []
    assert world.store.tables["dead_letters"][letter].replay is None
    assert not [e for e in world.store.audit if e.actie == "dead-letter.replay"]


async def test_a_record_that_is_not_the_one_recorded_is_refused(world):
    letter = world.dead_letter()
    place = (dead_letter_topic("cjib").name, 0, 0)
    world.source.records[place] = replace(world.source.records[place], value=b"something else")
    [result] = (await world.replay(letter)).resultaten
    assert result.weigering is Weigering.ANDER_RECORD


async def test_a_record_the_broker_does_not_take_is_refused_and_stays_to_be_replayed(world):
    letter = world.dead_letter()
    world.hub.fails = ConnectionError("broker away")
    [result] = (await world.replay(letter)).resultaten
    assert result.weigering is Weigering.NIET_GEPRODUCEERD and "broker away" in (result.reden or "")
    world.hub.fails = None
    [later] = (await world.replay(letter)).resultaten
    assert later.uitkomst is Uitkomst.REPLAYED


async def test_a_reason_selects_its_dead_letters_never_replayed_oldest_first(world):
    first = world.dead_letter(reason="a")
    world.dead_letter(reason="b")
    cut = world.dead_letter(reason="a", headers=(("dlq-value-cut", b"true"),))
    to_opschorting = world.dead_letter(OPSCHORTING.name, reason="a")
    last = world.dead_letter(reason="a")
    await world.replay(first)

    uitslag = await world.replay(criteria=DeadLetterFilter(redencodes=("a",)))
    assert [r.id for r in uitslag.resultaten] == [cut, to_opschorting, last]
    assert uitslag.aantal(Uitkomst.REPLAYED) == 2 and uitslag.aantal(Uitkomst.REFUSED) == 1
    assert uitslag.resterend == 1  # the cut one
    assert world.source.opened == 2  # one reader per request

    narrowed = await world.replay(
        criteria=DeadLetterFilter(redencodes=("a",), origin_topics=(INSTRUCTIE,)),
        opnieuw=True,
    )
    assert [r.id for r in narrowed.resultaten] == [first, cut, last]


async def test_unknown_ids_are_named_in_a_selection(world):
    letter = world.dead_letter()
    uitslag = await world.replay(letter, 999)
    outcome = {r.id: r for r in uitslag.resultaten}
    assert outcome[999].weigering is Weigering.ONBEKEND
    assert outcome[letter].uitkomst is Uitkomst.REPLAYED


async def test_one_dead_letter_unknown_is_404_and_refused_is_409_naming_why(world):
    with pytest.raises(NietGevonden) as unknown:
        await replay_een(5, world.uow, world.deps, world.kafka, door=OPERATOR)
    assert unknown.value.field == "letter_id"
    letter = world.dead_letter(LEGACY_DEAD_LETTER.name)
    with pytest.raises(Conflict) as refused:
        await replay_een(letter, world.uow, world.deps, world.kafka, door=OPERATOR)
    assert refused.value.type == "dead-letter-topic"
    assert "is a dead-letter topic" in refused.value.message


DUO_INSTRUCTIE = instructie_topic("duo").name
DUO_ANTWOORD = opschorting_antwoord_topic("duo").name


@pytest.mark.parametrize("origin", [DUO_INSTRUCTIE, DUO_ANTWOORD])
@pytest.mark.parametrize("at_origin", [None, b'{"id": "the real one"}'])
async def test_a_forged_dead_letter_is_refused_whatever_origin_it_names(world, origin, at_origin):
    """The CJIB sets aside bytes it made up, naming DUO's topics as their origin: they are not
    there, and the CJIB may not write those topics, so nothing is produced in anyone's name."""
    forged = world.dead_letter(
        origin, reason="backoffice-fout", value=b'{"id": "forged"}', at_origin=at_origin
    )
    uitslag = await world.replay(criteria=DeadLetterFilter(redencodes=("backoffice-fout",)))
    [result] = uitslag.resultaten
    assert (result.id, result.weigering) == (forged, Weigering.NIET_OP_HERKOMST)
    assert "cjib" in (result.reden or "") and origin in (result.reden or "")
    assert world.hub.sent == [] and world.operator.sent == []
    assert world.store.tables["dead_letters"][forged].replay is None


async def test_a_verified_replay_sends_the_original_record_not_the_copy(world):
    """The copy's key and headers are the writer's to choose; what goes back is the record as it
    is at its origin."""
    letter = world.dead_letter(DUO_INSTRUCTIE, writer="duo", headers=(("ce_source", b"x"),))
    place = (DUO_INSTRUCTIE, 1, 100)
    world.source.records[place] = replace(world.source.records[place], key=b"the-origin-key")
    [result] = (await world.replay(letter)).resultaten
    assert result.uitkomst is Uitkomst.REPLAYED
    [(topic, key, value, headers)] = world.hub.sent
    assert (topic, key, value) == (DUO_INSTRUCTIE, b"the-origin-key", b'{"id": "e-1"}')
    assert "ce_source" not in dict(headers)


async def test_bytes_not_at_the_origin_go_back_only_where_their_proven_writer_may_write(world):
    """DUO set aside an answer of its own that is gone from its topic: DUO may write that topic,
    so replaying the copy publishes nothing it could not have sent itself."""
    own = world.dead_letter(DUO_ANTWOORD, writer="duo", at_origin=None)
    hub_own = world.dead_letter(OPSCHORTING.name, writer="hub", at_origin=None)
    uitslag = await world.replay(own, hub_own)
    assert uitslag.aantal(Uitkomst.REPLAYED) == 2
    assert [s[0] for s in world.operator.sent] == [DUO_ANTWOORD]
    assert [s[0] for s in world.hub.sent] == [OPSCHORTING.name]


async def test_the_former_shared_topic_proves_no_writer_only_bytes_at_the_origin_go_back(world):
    there = world.dead_letter(DUO_ANTWOORD, writer="legacy")
    gone = world.dead_letter(DUO_ANTWOORD, writer="legacy", at_origin=None)
    outcome = {r.id: r for r in (await world.replay(there, gone)).resultaten}
    assert outcome[there].uitkomst is Uitkomst.REPLAYED
    assert outcome[gone].weigering is Weigering.NIET_OP_HERKOMST
    assert "no proven writer" in (outcome[gone].reden or "")
    assert [s[0] for s in world.operator.sent] == [DUO_ANTWOORD]


@pytest.mark.parametrize(
    "selectie",
    [
        {"criteria": DeadLetterFilter(redencodes=("bestaat-niet",))},
        {"criteria": DeadLetterFilter(redencodes=("a",), origin_topics=(OPSCHORTING.name,))},
        {"ids": ()},
    ],
)
async def test_a_selection_that_matches_nothing_replays_nothing(world, selectie):
    world.dead_letter(reason="a")
    world.dead_letter(reason="b")
    uitslag = await replay(Selectie(**selectie), world.uow, world.deps, world.kafka, door=OPERATOR)
    assert uitslag.resultaten == [] and uitslag.geselecteerd == 0
    assert world.hub.sent == [] and world.operator.sent == []
    assert world.source.opened == 0
    assert all(r.replay is None for r in world.store.tables["dead_letters"].values())
