"""Operators replay dead letters: put a dead-lettered record back on the topic it came from.

The hub keeps only metadata of a dead letter, never its value; the record itself stays on the
dead-letter topic. A replay reads it there at its partition and offset (:class:`RecordSource`),
checks it is the record the hub recorded (same SHA-256), and then proves it may be re-sent at all.
A dead letter is its writer's account: its ``dlq-origin-*`` headers say where the record came
from, and nothing stops a writer from naming a topic it may not write. So a replay re-sends

- the ORIGINAL record, read back at its origin topic, partition and offset, when its value has the
  same SHA-256 as the dead-letter copy: bytes that were on that topic already; or
- the copy itself, when the dead letter's proven writer (the one producer the ACLs let write the
  dead-letter topic it is on, ``schemas.topics.dead_letter_topic``) may write the origin topic
  itself: nothing it could not have sent there on its own;

and refuses anything else (:attr:`Weigering.NIET_OP_HERKOMST`). So no organisation can make the
hub or the operators publish, on a topic it may not write, bytes that were not already there. A
dead letter on the former shared topic proves no writer: only the first way is open to it.

What is produced: the record's key, value and headers without the ``dlq-*`` ones, plus
:data:`HEADER_REPLAYED_FROM` (``<dead-letter topic>:<partition>:<offset>``; consumers ignore it),
waiting for all in-sync replicas (acks=all).

Who produces: a topic the hub itself writes (its own topics, the instructions to the agencies) is
written with the hub's own producer; a topic only an agency may write (its answers) cannot be, the
broker's ACLs refuse the hub: it is written with the operators' identity (``beheer``, a super
user of the broker) when the hub is given it (``HUB_REPLAY_KAFKA_SSL_*``), else refused.

Refused, per record and with the reason: a copy whose value was cut (``dlq-value-cut``), a record
no longer on the topic (retention) or not the one recorded, an origin that is missing, not in the
catalogue or a dead-letter topic, bytes not at the origin that the writer may not write there, and
a topic there is no identity to write.

A selection that matches nothing replays nothing (and says so: no results, ``geselecteerd`` 0).

Idempotent: each replay is recorded on the dead letter (when, by whom, how often); a dead letter
replayed before is left alone unless the operator asks again (``opnieuw``). The consumers are
idempotent on the event id as well, so a replay of something already processed changes nothing.
Audited: each replay is an audit entry with the proven operator as actor.

Records are produced first (up to :data:`CHUNK` at once) and recorded after, in one transaction;
a crash in between means a later replay produces them again, which the consumers' idempotency
absorbs (at least once, never lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

import structlog

from hub.adapters.dead_letter_reader import Placement, StoredRecord
from hub.domain.dead_letter import RecordedDeadLetter
from hub.domain.selectie import DeadLetterFilter, Pagina
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden
from hub.service.unit_of_work import UnitOfWork
from schemas.deadletter import HEADER_VALUE_CUT
from schemas.topics import Topic, catalogue, enige_producent, is_dead_letter_topic

log = structlog.get_logger(__name__)

HEADER_REPLAYED_FROM = "dlq-replayed-from"
"""Added to a replayed record: ``<topic>:<partition>:<offset>`` of the dead-letter copy."""

MAX_SELECTIE = 500
"""Most dead letters one replay request takes on."""

CHUNK = 100
"""Dead letters produced at once, then recorded in one transaction."""

CASUS_ID_CHARS = 24
"""The audit trail's casus id column; a key that is longer is no casus id."""


class RecordSource(Protocol):
    async def read(self, topic: str, partition: int, offset: int) -> StoredRecord | None:
        """The record at that place; None when it is not there (any more)."""


class ReplayProducer(Protocol):
    async def send(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: list[tuple[str, bytes]],
    ) -> Placement:
        """Produce one record and wait until all in-sync replicas have it."""


@dataclass(frozen=True, slots=True)
class ReplayKafka:
    """What a replay needs of Kafka: a reader of single records (the dead-letter copies, their
    originals) and the producers."""

    open_source: Callable[[], AbstractAsyncContextManager[RecordSource]]
    hub: ReplayProducer
    """The hub's own producer: for the topics the hub writes."""
    operator: ReplayProducer | None = None
    """With the operators' identity: for the topics only an agency writes. None: not given."""


class Uitkomst(StrEnum):
    REPLAYED = "replayed"
    ALREADY_REPLAYED = "already_replayed"
    REFUSED = "refused"


class Weigering(StrEnum):
    """Why a dead letter is not replayed."""

    ONBEKEND = "onbekend"
    """No dead letter with this id."""
    GEEN_HERKOMST = "geen-herkomst"
    """The headers named no origin topic."""
    ONBEKEND_TOPIC = "onbekend-topic"
    """The origin topic is not in the catalogue."""
    DEAD_LETTER_TOPIC = "dead-letter-topic"
    """The origin is a dead-letter topic."""
    GEEN_IDENTITEIT = "geen-beheeridentiteit"
    """Only an agency may write the origin topic, and the hub has no operators' identity."""
    WAARDE_AFGEKAPT = "waarde-afgekapt"
    """The copy's value was cut: it cannot be replayed as it was."""
    NIET_MEER_OP_TOPIC = "niet-meer-op-topic"
    """The record is no longer on the dead-letter topic (retention)."""
    ANDER_RECORD = "ander-record"
    """The record at that place is not the one recorded (another digest)."""
    NIET_OP_HERKOMST = "niet-op-herkomst"
    """The bytes are not at the origin named, and the proven writer may not write that topic:
    replaying them would publish, in another's name, what was never there."""
    NIET_GEPRODUCEERD = "niet-geproduceerd"
    """The broker did not take the record."""


@dataclass(frozen=True, slots=True)
class ReplayResultaat:
    id: int
    uitkomst: Uitkomst
    weigering: Weigering | None = None
    reden: str | None = None
    topic: str | None = None
    placement: Placement | None = None


@dataclass(frozen=True, slots=True)
class ReplayUitslag:
    resultaten: list[ReplayResultaat] = field(default_factory=list)
    resterend: int | None = None
    """With a selection by criteria: how many that pass are still not replayed afterwards."""
    geselecteerd: int = 0
    """How many dead letters the selection matched (0: nothing was replayed)."""

    def aantal(self, uitkomst: Uitkomst) -> int:
        return sum(1 for r in self.resultaten if r.uitkomst is uitkomst)


@dataclass(frozen=True, slots=True)
class Selectie:
    """What to replay: these ids, or every dead letter that passes ``criteria``."""

    ids: tuple[int, ...] = ()
    criteria: DeadLetterFilter | None = None


def _weiger(letter_id: int, weigering: Weigering, reden: str) -> ReplayResultaat:
    return ReplayResultaat(letter_id, Uitkomst.REFUSED, weigering, reden)


def _producer_for(
    letter: RecordedDeadLetter, kafka: ReplayKafka, topics: dict[str, Topic]
) -> ReplayProducer | ReplayResultaat:
    """Who writes this letter's origin topic, or why no one does."""
    origin = letter.letter.origin_topic
    if not origin:
        return _weiger(letter.id, Weigering.GEEN_HERKOMST, "the dead letter names no origin topic")
    if is_dead_letter_topic(origin):
        return _weiger(
            letter.id, Weigering.DEAD_LETTER_TOPIC, f"its origin {origin} is a dead-letter topic"
        )
    topic = topics.get(origin)
    if topic is None:
        return _weiger(
            letter.id, Weigering.ONBEKEND_TOPIC, f"origin topic {origin} is not in the catalogue"
        )
    if "hub" in topic.producers:
        return kafka.hub
    if kafka.operator is None:
        writers = ", ".join(topic.producers)
        return _weiger(
            letter.id,
            Weigering.GEEN_IDENTITEIT,
            f"only {writers} may write {origin}, and the hub has no operators' Kafka identity "
            "to replay it with (HUB_REPLAY_KAFKA_SSL_CERTFILE/_KEYFILE)",
        )
    return kafka.operator


def _check(
    letter: RecordedDeadLetter, record: StoredRecord | None
) -> StoredRecord | ReplayResultaat:
    """The record read, or why it cannot be replayed."""
    where = f"{letter.letter.dlq_topic} {letter.letter.dlq_partition}:{letter.letter.dlq_offset}"
    if record is None:
        return _weiger(
            letter.id, Weigering.NIET_MEER_OP_TOPIC, f"no record at {where} any more (retention)"
        )
    if any(name == HEADER_VALUE_CUT for name, _ in record.headers):
        return _weiger(
            letter.id,
            Weigering.WAARDE_AFGEKAPT,
            "the copy's value was cut (dlq-value-cut): it cannot be replayed as it was",
        )
    if _digest(record) != letter.letter.value_sha256:
        return _weiger(
            letter.id, Weigering.ANDER_RECORD, f"the record at {where} is not the one recorded"
        )
    return record


async def _verified(
    letter: RecordedDeadLetter, copy: StoredRecord, source: RecordSource, origin: Topic
) -> StoredRecord | ReplayResultaat:
    """What may be re-sent to ``origin``: the original record read back there with the copy's
    digest, or the copy when its proven writer may write ``origin`` itself; else why not."""
    dlq = letter.letter
    where = f"{origin.name} {dlq.origin_partition}:{dlq.origin_offset}"
    found = "no origin partition and offset named"
    if dlq.origin_partition is not None and dlq.origin_offset is not None:
        try:
            original = await source.read(origin.name, dlq.origin_partition, dlq.origin_offset)
        except Exception as exc:  # e.g. not authorised: it is simply not found there
            log.warning("origin not readable", id=letter.id, topic=origin.name, error=repr(exc))
            original = None
        if original is not None and _digest(original) == dlq.value_sha256:
            return original
        found = f"no record at {where}" if original is None else f"another record at {where}"
    writer = enige_producent(dlq.dlq_topic) if is_dead_letter_topic(dlq.dlq_topic) else None
    if writer is not None and writer in origin.producers:
        return copy
    return _weiger(
        letter.id,
        Weigering.NIET_OP_HERKOMST,
        f"{found}, and {'no proven writer' if writer is None else writer} (who set it aside on "
        f"{dlq.dlq_topic}) may not write {origin.name}: only bytes already there are replayed",
    )


def _digest(record: StoredRecord) -> str:
    return hashlib.sha256(record.value or b"").hexdigest()


def replay_headers(
    record: StoredRecord, topic: str, partition: int, offset: int
) -> list[tuple[str, bytes]]:
    """The record's own headers without the ``dlq-*`` ones, and where it was replayed from."""
    kept = [(name, value or b"") for name, value in record.headers if not name.startswith("dlq-")]
    return [*kept, (HEADER_REPLAYED_FROM, f"{topic}:{partition}:{offset}".encode())]


async def _letters(
    selectie: Selectie, uow: UnitOfWork, *, opnieuw: bool
) -> tuple[list[RecordedDeadLetter], list[ReplayResultaat]]:
    """The dead letters selected (in id order), and a refusal for each id not known."""
    async with uow:
        if selectie.criteria is None:
            wanted = tuple(dict.fromkeys(selectie.ids))
            if not wanted:  # an empty filter would match every dead letter
                return [], []
            found = await uow.dead_letters.search(
                DeadLetterFilter(ids=wanted), Pagina(1, max(1, len(wanted)))
            )
            known = {letter.id for letter in found}
            unknown = [
                _weiger(i, Weigering.ONBEKEND, f"no dead letter {i}")
                for i in wanted
                if i not in known
            ]
            return sorted(found, key=lambda letter: letter.id), unknown
        criteria = selectie.criteria
        if not opnieuw:
            criteria = dataclasses.replace(criteria, replayed=False)
        ids = await uow.dead_letters.ids_matching(criteria, MAX_SELECTIE)
        if not ids:  # nothing matches: nothing to replay (an empty filter would match them all)
            return [], []
        found = await uow.dead_letters.search(
            DeadLetterFilter(ids=tuple(ids)), Pagina(1, max(1, len(ids)))
        )
        return sorted(found, key=lambda letter: letter.id), []


@dataclass(frozen=True, slots=True)
class _Klaar:
    """A dead letter read and checked: what to produce, where, with whom."""

    letter: RecordedDeadLetter
    producer: ReplayProducer
    topic: str
    record: StoredRecord


async def _record(
    done: list[tuple[RecordedDeadLetter, str, Placement]],
    uow: UnitOfWork,
    deps: Deps,
    *,
    door: str,
    opnieuw: bool,
) -> None:
    """Mark the dead letters produced as replayed, each with its audit entry: one transaction."""
    async with uow:
        for letter, topic, placement in done:
            key = letter.letter.key
            await uow.dead_letters.mark_replayed(letter.id, at=deps.clock(), by=door)
            uow.audit.record(
                actor=door,
                actie="dead-letter.replay",
                casus_id=key if key and len(key) <= CASUS_ID_CHARS else None,
                details={
                    "dead_letter_id": letter.id,
                    "redencode": letter.letter.redencode,
                    "event_type": letter.letter.event_type,
                    "event_id": letter.letter.event_id,
                    "dlq": f"{letter.letter.dlq_topic}:{letter.letter.dlq_partition}:"
                    f"{letter.letter.dlq_offset}",
                    "topic": topic,
                    "partition": placement.partition,
                    "offset": placement.offset,
                    "opnieuw": opnieuw,
                },
            )
        await uow.commit()


async def _produce(
    klaar: list[_Klaar],
    uow: Callable[[], UnitOfWork],
    deps: Deps,
    *,
    door: str,
    opnieuw: bool,
) -> list[ReplayResultaat]:
    """Produce a chunk at once (the producers batch what is in flight), then record what the
    broker took in one transaction."""
    sent = await asyncio.gather(
        *(
            k.producer.send(
                k.topic,
                key=k.record.key,
                value=k.record.value,
                headers=replay_headers(
                    k.record,
                    k.letter.letter.dlq_topic,
                    k.letter.letter.dlq_partition,
                    k.letter.letter.dlq_offset,
                ),
            )
            for k in klaar
        ),
        return_exceptions=True,
    )
    resultaten: list[ReplayResultaat] = []
    done: list[tuple[RecordedDeadLetter, str, Placement]] = []
    for k, outcome in zip(klaar, sent, strict=True):
        if isinstance(outcome, BaseException):  # the broker refused it (ACLs, size): say so
            log.warning(
                "dead letter not replayed", id=k.letter.id, topic=k.topic, error=repr(outcome)
            )
            resultaten.append(
                _weiger(
                    k.letter.id,
                    Weigering.NIET_GEPRODUCEERD,
                    f"{type(outcome).__name__}: {outcome}",
                )
            )
            continue
        done.append((k.letter, k.topic, outcome))
        resultaten.append(
            ReplayResultaat(k.letter.id, Uitkomst.REPLAYED, topic=k.topic, placement=outcome)
        )
    if done:
        await _record(done, uow(), deps, door=door, opnieuw=opnieuw)
        log.info("dead letters replayed", count=len(done), ids=[d[0].id for d in done])
    return resultaten


class _Bron:
    """The record reader of one request, opened on first use (a request that reads nothing
    connects to nothing)."""

    def __init__(self, kafka: ReplayKafka, stack: contextlib.AsyncExitStack) -> None:
        self._kafka = kafka
        self._stack = stack
        self._source: RecordSource | None = None

    async def source(self) -> RecordSource:
        if self._source is None:
            self._source = await self._stack.enter_async_context(self._kafka.open_source())
        return self._source


async def _prepare(
    letter: RecordedDeadLetter,
    kafka: ReplayKafka,
    topics: dict[str, Topic],
    bron: _Bron,
    *,
    opnieuw: bool,
) -> _Klaar | ReplayResultaat:
    """One dead letter read, checked and verified: what to produce where, or why not."""
    if letter.replay is not None and not opnieuw:
        return ReplayResultaat(
            letter.id,
            Uitkomst.ALREADY_REPLAYED,
            reden=f"replayed at {letter.replay.at.isoformat()} by {letter.replay.by}",
            topic=letter.letter.origin_topic,
        )
    producer = _producer_for(letter, kafka, topics)
    if isinstance(producer, ReplayResultaat):
        return producer
    dlq = letter.letter
    origin = topics[str(dlq.origin_topic)]
    source = await bron.source()
    copy = _check(letter, await source.read(dlq.dlq_topic, dlq.dlq_partition, dlq.dlq_offset))
    if isinstance(copy, ReplayResultaat):
        return copy
    verified = await _verified(letter, copy, source, origin)
    if isinstance(verified, ReplayResultaat):
        return verified
    return _Klaar(letter, producer, origin.name, verified)


async def replay(
    selectie: Selectie,
    uow: Callable[[], UnitOfWork],
    deps: Deps,
    kafka: ReplayKafka,
    *,
    door: str,
    opnieuw: bool = False,
) -> ReplayUitslag:
    """Replay the selected dead letters to their origin topics, oldest first; per dead letter
    the outcome. ``door`` is the proven operator; ``opnieuw`` replays those replayed before too."""
    letters, resultaten = await _letters(selectie, uow(), opnieuw=opnieuw)
    topics = {t.name: t for t in catalogue()}
    klaar: list[_Klaar] = []
    async with contextlib.AsyncExitStack() as stack:
        bron = _Bron(kafka, stack)
        for letter in letters:
            prepared = await _prepare(letter, kafka, topics, bron, opnieuw=opnieuw)
            if isinstance(prepared, ReplayResultaat):
                resultaten.append(prepared)
                continue
            klaar.append(prepared)
            if len(klaar) >= CHUNK:
                resultaten += await _produce(klaar, uow, deps, door=door, opnieuw=opnieuw)
                klaar = []
        if klaar:
            resultaten += await _produce(klaar, uow, deps, door=door, opnieuw=opnieuw)
    resterend = None
    if selectie.criteria is not None:
        async with uow() as counting:
            resterend = await counting.dead_letters.count_matching(
                dataclasses.replace(selectie.criteria, replayed=False)
            )
    resultaten.sort(key=lambda r: r.id)
    return ReplayUitslag(resultaten=resultaten, resterend=resterend, geselecteerd=len(letters))


async def replay_een(
    letter_id: int,
    uow: Callable[[], UnitOfWork],
    deps: Deps,
    kafka: ReplayKafka,
    *,
    door: str,
    opnieuw: bool = False,
) -> ReplayResultaat:
    """Replay one dead letter: :class:`NietGevonden` for an unknown id, :class:`Conflict`
    (409) naming why when it is refused; already replayed is no error (nothing happens)."""
    uitslag = await replay(Selectie(ids=(letter_id,)), uow, deps, kafka, door=door, opnieuw=opnieuw)
    [resultaat] = uitslag.resultaten
    if resultaat.weigering is Weigering.ONBEKEND:
        raise NietGevonden(f"no dead letter {letter_id}", field="letter_id")
    if resultaat.uitkomst is Uitkomst.REFUSED:
        error = Conflict(
            f"dead letter {letter_id} is not replayed: {resultaat.reden}", field="letter_id"
        )
        error.type = resultaat.weigering.value if resultaat.weigering else None
        raise error
    return resultaat
