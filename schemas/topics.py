"""The topic catalogue: every topic, its key, partitions, retention, and who may use it.

The access matrix (``producers`` / ``consumers``, by organisation code) is data, turned into
Kafka ACLs by :func:`acl_entries`. Topics are created from this catalogue by
``maatwerk-hub topics``; the broker never auto-creates them.

Every topic is keyed on the casus id (the CloudEvents ``subject``) so one casus stays in order,
except the register (compacted, keyed on the organisation's OIN) and the dead-letter topics (one
per producer, so the broker proves who set a record aside).
Information requests and time-out instructions go to one topic per agency, read by that agency
only; answers come back on one topic per agency and instrument, written by that agency only. The
broker's ACLs bind an answer to its producer that way (Kafka records do not carry the principal
that wrote them): the hub takes an answer only for the agency that owns the topic it came on.

Principals are the organisations' OINs (``User:<OIN>``, from the OIN in their certificate's
subject serialNumber, see deploy/kafka/server.properties).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from schemas import deadletter
from schemas.organisaties import ORGANISATIES, Levend, Uitvoerder, uitvoerders

DAY_MS = 24 * 60 * 60 * 1000

AFLEVERING_MISLUKT = "nl.maatwerk.aflevering.mislukt.v1"
"""A connector's report that it could not deliver an instruction: on every answer topic."""


def _agencies() -> tuple[str, ...]:
    return tuple(uitvoerders())


AGENCIES: Sequence[str] = Levend(_agencies)
"""Organisation codes of every installed agency (:func:`schemas.organisaties.uitvoerders`)."""


@dataclass(frozen=True, slots=True)
class Topic:
    """One Kafka topic: its messages, key, layout, retention and who may write and read it."""

    name: str
    description: str
    message_types: tuple[str, ...]
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    key: str = "casus id"
    partitions: int = 3
    retention_ms: int = 30 * DAY_MS
    compacted: bool = False
    configs: dict[str, str] = field(default_factory=dict)
    eigenaar: str | None = None
    """The one agency whose topic this is (its instructions, or its answers), else None."""

    def kafka_configs(self) -> dict[str, str]:
        configs = {
            "cleanup.policy": "compact" if self.compacted else "delete",
            "retention.ms": str(-1 if self.compacted else self.retention_ms),
        }
        configs.update(self.configs)
        return configs


CASUS = Topic(
    name="maatwerk.casus.v1",
    description="Casus lifecycle events, published by the hub.",
    message_types=(
        "nl.maatwerk.casus.ingediend.v1",
        "nl.maatwerk.casus.geaccepteerd.v1",
        "nl.maatwerk.casus.afgewezen.v1",
        "nl.maatwerk.casus.in-behandeling.v1",
        "nl.maatwerk.casus.opgeschaald.v1",
        "nl.maatwerk.casus.opgelost.v1",
        "nl.maatwerk.casus.gesloten.v1",
    ),
    producers=("hub",),
    consumers=("hub", "loket"),
    retention_ms=365 * DAY_MS,
)

OPSCHORTING = Topic(
    name="maatwerk.opschorting.v1",
    description="Time-out orders, extensions, liftings and expiries as recorded by the hub.",
    message_types=(
        "nl.maatwerk.opschorting.opgedragen.v1",
        "nl.maatwerk.opschorting.verlengd.v1",
        "nl.maatwerk.opschorting.opgeheven.v1",
        "nl.maatwerk.opschorting.verlopen.v1",
        "nl.maatwerk.opschorting.loopt-af.v1",
    ),
    producers=("hub",),
    consumers=("hub", "loket"),
    retention_ms=365 * DAY_MS,
)

ESCALATIE = Topic(
    name="maatwerk.escalatie.v1",
    description="Escalation to the LET: dossier, meeting, outcome, knelpunten.",
    message_types=(
        "nl.maatwerk.escalatie.aangemeld.v1",
        "nl.maatwerk.escalatie.overleg-gepland.v1",
        "nl.maatwerk.escalatie.uitkomst-vastgesteld.v1",
        "nl.maatwerk.escalatie.actiepunt-afgerond.v1",
        "nl.maatwerk.escalatie.knelpunt-geregistreerd.v1",
    ),
    producers=("hub",),
    consumers=("hub", "loket", "let"),
    retention_ms=365 * DAY_MS,
)

OVERBRUGGING = Topic(
    name="maatwerk.overbrugging.v1",
    description="Bridging procedure: request, decision, pre-financing, responsible party, "
    "repayment.",
    message_types=(
        "nl.maatwerk.overbrugging.aangevraagd.v1",
        "nl.maatwerk.overbrugging.toegekend.v1",
        "nl.maatwerk.overbrugging.afgewezen.v1",
        "nl.maatwerk.overbrugging.voorfinanciering-betaald.v1",
        "nl.maatwerk.overbrugging.verantwoordelijke-aangewezen.v1",
        "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1",
        "nl.maatwerk.overbrugging.terugbetaling-ontvangen.v1",
    ),
    producers=("hub",),
    consumers=("hub", "loket", "let"),
    retention_ms=365 * DAY_MS,
)

AFWIJKING = Topic(
    name="maatwerk.afwijking.v1",
    description="Deviation decisions recorded on a casus.",
    message_types=("nl.maatwerk.afwijking.besloten.v1",),
    producers=("hub",),
    consumers=("hub", "loket"),
    retention_ms=365 * DAY_MS,
)

REGISTER = Topic(
    name="maatwerk.register.v1",
    description="Landelijk Maatwerkregister: the current entry per organisation (compacted).",
    message_types=(
        "nl.maatwerk.register.maatwerkfunctionaris-geregistreerd.v1",
        "nl.maatwerk.register.maatwerkfunctionaris-gewijzigd.v1",
        "nl.maatwerk.register.maatwerkfunctionaris-verwijderd.v1",
    ),
    producers=("hub",),
    consumers=("hub", "loket", "let", *AGENCIES),
    key="organisation OIN",
    compacted=True,
)

DEAD_LETTER_PRODUCERS: tuple[str, ...] = ("hub", *AGENCIES)
"""Who sets records aside: the hub and every agency's connector, each on its own topic."""


def dead_letter_topic(producer: str) -> Topic:
    """The dead-letter topic of one producer: written by it alone (ACLs), read by the hub only.

    Kafka records do not carry the principal that wrote them; one topic per producer does: a
    dead letter on ``maatwerk.deadletter.<code>.v1`` was written by ``<code>`` and no one else.
    That proven writer is what a replay trusts (``hub.service.replay``), never a header.
    """
    if producer not in DEAD_LETTER_PRODUCERS:
        raise ValueError(f"{producer!r} sets no records aside")
    return Topic(
        name=f"maatwerk.deadletter.{producer}.v1",
        description=f"Messages {producer} could not process, with the reason and their origin "
        "in headers. Written by it alone: the topic proves who set a record aside.",
        message_types=(),
        producers=(producer,),
        consumers=("hub",),
        key="original key",
        partitions=1,
        retention_ms=90 * DAY_MS,
    )


LEGACY_DEAD_LETTER = Topic(
    name="maatwerk.deadletter.v1",
    description="The former shared dead-letter topic: no one may write it any more; the hub "
    "still reads what is left (until its retention ends) and replays from it only records "
    "whose bytes it finds at their origin.",
    message_types=(),
    producers=(),
    consumers=("hub",),
    key="original key",
    partitions=1,
    retention_ms=90 * DAY_MS,
)
"""Every producer wrote this topic, so its records prove no writer. Kept, read-only, so dead
letters set aside before the per-producer topics are not lost; remove it once it is empty."""


def instructie_topic(uitvoerder: Uitvoerder | str) -> Topic:
    """The instruction topic of one agency: only that agency's connector may read it."""
    code = Uitvoerder(uitvoerder).value
    return Topic(
        name=f"maatwerk.opschorting.instructie.{code}.v1",
        description=f"Instructions for {code} only: time-out (order, extension, lifting), "
        "invitation to an escalation, repayment request of the bridging procedure.",
        message_types=(
            "nl.maatwerk.opschorting.instructie.v1",
            "nl.maatwerk.opschorting.verlenging-instructie.v1",
            "nl.maatwerk.opschorting.opheffing-instructie.v1",
            "nl.maatwerk.escalatie.uitnodiging.v1",
            "nl.maatwerk.overbrugging.terugbetalingsverzoek.v1",
        ),
        producers=("hub",),
        consumers=(code,),
        eigenaar=code,
    )


def opschorting_antwoord_topic(uitvoerder: Uitvoerder | str) -> Topic:
    """The time-out answer topic of one agency: written by that agency alone, read by the hub."""
    code = Uitvoerder(uitvoerder).value
    return Topic(
        name=f"maatwerk.opschorting.antwoord.{code}.v1",
        description=f"{code}'s answers to its instructions: time-out confirmed, partly "
        "confirmed, refused; invitation received or refused; repayment request accepted or "
        "refused; and delivery trouble (aflevering.mislukt). Written by that agency alone: an "
        "answer here speaks for it and no other.",
        message_types=(
            "nl.maatwerk.opschorting.bevestigd.v1",
            "nl.maatwerk.opschorting.deels-bevestigd.v1",
            "nl.maatwerk.opschorting.geweigerd.v1",
            "nl.maatwerk.escalatie.uitnodiging-ontvangen.v1",
            "nl.maatwerk.escalatie.uitnodiging-geweigerd.v1",
            "nl.maatwerk.overbrugging.terugbetalingsverzoek-aanvaard.v1",
            "nl.maatwerk.overbrugging.terugbetalingsverzoek-geweigerd.v1",
            AFLEVERING_MISLUKT,
        ),
        producers=(code,),
        consumers=("hub",),
        eigenaar=code,
    )


def signalering_topic(uitvoerder: Uitvoerder | str) -> Topic:
    """The signal topic of one agency: what its maatwerkfunctionaris must act on (an answer past
    its deadline, a time-out about to end). Read by that agency alone, and not by its connector:
    nothing here is an instruction (``schemas.signalering``)."""
    code = Uitvoerder(uitvoerder).value
    return Topic(
        name=f"maatwerk.signalering.{code}.v1",
        description=f"Deadline signals for {code}'s maatwerkfunctionaris: an instruction "
        "unanswered past its deadline, a time-out about to end.",
        message_types=(
            "nl.maatwerk.opschorting.antwoordtermijn-verstreken.v1",
            "nl.maatwerk.opschorting.loopt-af.v1",
        ),
        producers=("hub",),
        consumers=(code,),
        eigenaar=code,
    )


def informatie_verzoek_topic(uitvoerder: Uitvoerder | str) -> Topic:
    """The information-request topic of one agency: only that agency's connector may read it."""
    code = Uitvoerder(uitvoerder).value
    return Topic(
        name=f"maatwerk.informatie.verzoek.{code}.v1",
        description=f"Purpose-bound information requests for {code} only.",
        message_types=("nl.maatwerk.informatie.verzoek.v1",),
        producers=("hub",),
        consumers=(code,),
        retention_ms=14 * DAY_MS,
        eigenaar=code,
    )


def informatie_antwoord_topic(uitvoerder: Uitvoerder | str) -> Topic:
    """The information answer topic of one agency: written by it alone, read by the hub only."""
    code = Uitvoerder(uitvoerder).value
    return Topic(
        name=f"maatwerk.informatie.antwoord.{code}.v1",
        description=f"{code}'s answers to information requests: shared (minimised) or refused; "
        "and delivery trouble (aflevering.mislukt). Holds personal data: read by the hub only, "
        "short retention.",
        message_types=(
            "nl.maatwerk.informatie.verstrekt.v1",
            "nl.maatwerk.informatie.geweigerd.v1",
            AFLEVERING_MISLUKT,
        ),
        producers=(code,),
        consumers=("hub",),
        retention_ms=14 * DAY_MS,
        eigenaar=code,
    )


def catalogue() -> tuple[Topic, ...]:
    """All topics, in a stable order.

    Built once per set of installed agencies (:func:`~schemas.organisaties.uitvoerders`, read
    once per process): the hub asks for it some thirty times while it starts (its subscriptions,
    the answer routes' topics, the consumer groups it watches), and building it each time was
    about a tenth of a hub's start."""
    register = uitvoerders()
    if not _GEBOUWD or _GEBOUWD[0][0] is not register:
        _GEBOUWD[:] = [(register, _alle_topics())]
    return _GEBOUWD[0][1]


_GEBOUWD: list[tuple[Mapping[str, object], tuple[Topic, ...]]] = []
"""The catalogue, beside the register of agencies it was built from (a test that registers
another agency gets a new register, and so a new catalogue)."""


def _alle_topics() -> tuple[Topic, ...]:
    return (
        CASUS,
        OPSCHORTING,
        *(instructie_topic(u) for u in Uitvoerder),
        *(opschorting_antwoord_topic(u) for u in Uitvoerder),
        ESCALATIE,
        OVERBRUGGING,
        *(informatie_verzoek_topic(u) for u in Uitvoerder),
        *(informatie_antwoord_topic(u) for u in Uitvoerder),
        *(signalering_topic(u) for u in Uitvoerder),
        AFWIJKING,
        REGISTER,
        *dead_letter_topics(),
    )


def dead_letter_topics() -> tuple[Topic, ...]:
    """Every dead-letter topic the hub reads: one per producer, and the former shared one."""
    return (*(dead_letter_topic(code) for code in DEAD_LETTER_PRODUCERS), LEGACY_DEAD_LETTER)


def is_dead_letter_topic(topic: str) -> bool:
    return any(t.name == topic for t in dead_letter_topics())


def topics_for_type(event_type: str) -> tuple[Topic, ...]:
    """The topics a message type travels on (several for per-agency topics)."""
    return tuple(t for t in catalogue() if event_type in t.message_types)


def eigenaar_van(topic: str) -> str | None:
    """The agency that owns a topic of the catalogue (None: no single agency, or not ours)."""
    return next((t.eigenaar for t in catalogue() if t.name == topic), None)


def enige_producent(topic: str) -> str | None:
    """The one organisation the ACLs let write ``topic`` (None: several, or not a topic of ours).

    What binds a record to its producer: Kafka records do not carry the principal that wrote
    them, but on a topic with one producer only that producer's principal can have written it.
    """
    found = next((t for t in catalogue() if t.name == topic), None)
    return found.producers[0] if found is not None and len(found.producers) == 1 else None


DEAD_LETTER_HEADERS = deadletter.HEADERS
"""Headers a dead-lettered record carries (defined in :mod:`schemas.deadletter`)."""

DEAD_LETTER_REQUIRED_HEADERS = deadletter.REQUIRED_HEADERS


class AclEntry(NamedTuple):
    """One Kafka ACL to allow: ``principal`` may do ``operation`` on a resource.

    ``resource_type`` is TOPIC or GROUP; ``pattern_type`` LITERAL (that name) or PREFIXED (every
    name starting with it).
    """

    principal: str
    operation: str
    resource: str
    resource_type: str = "TOPIC"
    pattern_type: str = "LITERAL"


def _development_oins() -> dict[str, str]:
    return {o.code: o.oin for o in ORGANISATIES}


def principal(code: str, oins: Mapping[str, str] | None = None) -> str:
    """The Kafka principal of an organisation code: ``User:<OIN>`` (``cjib`` ->
    ``User:00000001999999990102`` with the development OINs of :mod:`schemas.organisaties`)."""
    bekend = {**_development_oins(), **(oins or {})}
    if code not in bekend:
        raise KeyError(f"no OIN for organisation {code!r}")
    return f"User:{bekend[code]}"


def consumer_group(code: str) -> str:
    """The consumer group an organisation's clients use: ``connector-<agency>`` for an agency's
    connector, the code for the others (the hub: ``hub``, ``hub-deadletters``)."""
    return f"connector-{code}" if code in AGENCIES else code


def acl_entries(
    topics: tuple[Topic, ...] | None = None, oins: Mapping[str, str] | None = None
) -> tuple[AclEntry, ...]:
    """The ACLs the access matrix implies: producers WRITE, consumers READ, both DESCRIBE (and the
    hub READs the topics it writes: a replay checks a record's original bytes there); every
    consumer READ on its consumer group (that name, and every name starting with ``<group>-``, so
    a second consumer such as ``hub-deadletters`` or a test's own group works), and the hub
    DESCRIBE on every consumer group (it measures their lag).

    Nothing else is allowed (``allow.everyone.if.no.acl.found=false``): a principal missing here
    has no access to the topic. WRITE on a topic is all an idempotent producer needs (since Kafka
    2.8, KIP-679: no IDEMPOTENT_WRITE on the cluster). ``oins`` overrides the development OINs by
    organisation code.
    """
    entries: list[AclEntry] = []
    for topic in catalogue() if topics is None else topics:
        for code in topic.producers:
            entries.append(AclEntry(principal(code, oins), "WRITE", topic.name))
        for code in topic.consumers:
            entries.append(AclEntry(principal(code, oins), "READ", topic.name))
        if "hub" in topic.producers and "hub" not in topic.consumers:
            # A replay reads the original record back where the hub wrote it (no group).
            entries.append(AclEntry(principal("hub", oins), "READ", topic.name))
        for code in dict.fromkeys((*topic.producers, *topic.consumers)):
            entries.append(AclEntry(principal(code, oins), "DESCRIBE", topic.name))
        for code in topic.consumers:
            group = consumer_group(code)
            who = principal(code, oins)
            entries.append(AclEntry(who, "READ", group, "GROUP"))
            entries.append(AclEntry(who, "READ", f"{group}-", "GROUP", "PREFIXED"))
            if code != "hub":  # the hub measures every consumer's lag: DESCRIBE its group
                entries.append(AclEntry(principal("hub", oins), "DESCRIBE", group, "GROUP"))
    return tuple(dict.fromkeys(entries))
