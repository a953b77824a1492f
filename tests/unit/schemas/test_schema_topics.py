"""The topic catalogue and the ACLs derived from its access matrix."""

from __future__ import annotations

import schemas
from schemas.organisaties import ORGANISATIES, UITVOERDERS, Uitvoerder
from schemas.topics import (
    AGENCIES,
    CASUS,
    DEAD_LETTER_PRODUCERS,
    LEGACY_DEAD_LETTER,
    REGISTER,
    AclEntry,
    acl_entries,
    catalogue,
    consumer_group,
    dead_letter_topic,
    dead_letter_topics,
    eigenaar_van,
    enige_producent,
    informatie_antwoord_topic,
    informatie_verzoek_topic,
    instructie_topic,
    opschorting_antwoord_topic,
    principal,
    topics_for_type,
)

OIN = {o.code: o.oin for o in ORGANISATIES}


def user(code: str) -> str:
    return f"User:{OIN[code]}"


def test_topic_names_are_unique_and_versioned() -> None:
    names = [t.name for t in catalogue()]
    assert len(names) == len(set(names))
    assert all(n.startswith("maatwerk.") and n.endswith(".v1") for n in names)


def test_every_message_type_has_a_topic_and_every_topic_type_exists() -> None:
    types = schemas.event_types()
    for event_type in types:
        assert topics_for_type(event_type), event_type
    for topic in catalogue():
        assert set(topic.message_types) <= set(types), topic.name


def test_register_topic_is_compacted_and_keyed_on_the_oin() -> None:
    assert REGISTER.compacted
    assert REGISTER.key == "organisation OIN"
    assert REGISTER.kafka_configs() == {"cleanup.policy": "compact", "retention.ms": "-1"}
    for event_type in REGISTER.message_types:
        assert schemas.event_types()[event_type].subject_kind is schemas.SubjectKind.OIN


def test_casus_topics_are_keyed_on_the_casus_id() -> None:
    for topic in catalogue():
        if topic == REGISTER or topic in dead_letter_topics():
            continue
        assert topic.key == "casus id", topic.name
        assert not topic.compacted


def test_per_agency_topics_are_read_by_that_agency_only() -> None:
    for agency in Uitvoerder:
        for topic in (instructie_topic(agency), informatie_verzoek_topic(agency)):
            assert topic.consumers == (agency.value,)
            assert topic.producers == ("hub",)
            assert f".{agency.value}." in topic.name
    assert (
        "nl.maatwerk.opschorting.verlenging-instructie.v1" in instructie_topic("cjib").message_types
    )
    assert (
        "nl.maatwerk.opschorting.opheffing-instructie.v1" in instructie_topic("cjib").message_types
    )


def test_answers_are_written_by_their_agency_alone_and_read_by_the_hub_only() -> None:
    for agency in AGENCIES:
        for topic in (opschorting_antwoord_topic(agency), informatie_antwoord_topic(agency)):
            assert topic.consumers == ("hub",)
            assert topic.producers == (agency,)
            assert topic.eigenaar == agency == eigenaar_van(topic.name)
            assert enige_producent(topic.name) == agency
            assert f".{agency}." in topic.name
    # Every answer type travels on one topic per agency, never on a shared one.
    for event_type in opschorting_antwoord_topic("cjib").message_types:
        assert {t.eigenaar for t in topics_for_type(event_type)} == set(AGENCIES)
    assert eigenaar_van(CASUS.name) is None
    assert eigenaar_van("maatwerk.opschorting.antwoord.v1") is None
    assert enige_producent(instructie_topic("cjib").name) == "hub"
    assert enige_producent(LEGACY_DEAD_LETTER.name) is None  # no one writes it any more


def test_each_producer_has_its_own_dead_letter_topic_read_by_the_hub_alone() -> None:
    """Kafka records do not carry their writer: one topic per producer does (the ACLs)."""
    assert ("hub", *AGENCIES) == DEAD_LETTER_PRODUCERS
    for code in DEAD_LETTER_PRODUCERS:
        topic = dead_letter_topic(code)
        assert topic.name == f"maatwerk.deadletter.{code}.v1" and topic in catalogue()
        assert (topic.producers, topic.consumers) == ((code,), ("hub",))
        assert enige_producent(topic.name) == code
    assert (LEGACY_DEAD_LETTER.producers, LEGACY_DEAD_LETTER.consumers) == ((), ("hub",))
    entries = set(acl_entries())
    cjib = dead_letter_topic("cjib").name
    assert AclEntry(user("cjib"), "WRITE", cjib) in entries
    assert not [
        e for e in entries if e.operation == "WRITE" and e.resource == LEGACY_DEAD_LETTER.name
    ]
    for other in ("hub", "duo", "loket"):
        assert AclEntry(user(other), "WRITE", cjib) not in entries
    assert {e.principal for e in entries if e.resource == cjib and e.operation == "READ"} == {
        user("hub")
    }


def test_principals_are_oins() -> None:
    assert principal("cjib") == f"User:{UITVOERDERS[Uitvoerder.CJIB].oin}"
    assert principal("cjib", {"cjib": "12345678901234567890"}) == "User:12345678901234567890"
    assert all(e.principal.removeprefix("User:").isdigit() for e in acl_entries())


def test_acl_entries_follow_the_matrix() -> None:
    entries = set(acl_entries())
    assert AclEntry(user("hub"), "WRITE", CASUS.name) in entries
    assert AclEntry(user("loket"), "READ", CASUS.name) in entries
    assert AclEntry(user("hub"), "DESCRIBE", CASUS.name) in entries
    assert AclEntry(user("loket"), "WRITE", CASUS.name) not in entries
    cjib = instructie_topic("cjib").name
    assert AclEntry(user("cjib"), "READ", cjib) in entries
    assert AclEntry(user("duo"), "READ", cjib) not in entries
    assert AclEntry(user("duo"), "DESCRIBE", cjib) not in entries
    antwoord = opschorting_antwoord_topic("cjib").name
    assert AclEntry(user("cjib"), "WRITE", antwoord) in entries
    assert AclEntry(user("cjib"), "READ", antwoord) not in entries
    assert AclEntry(user("duo"), "WRITE", antwoord) not in entries
    assert AclEntry(user("hub"), "WRITE", antwoord) not in entries
    assert AclEntry(user("cjib"), "READ", "connector-cjib", "GROUP") in entries
    assert AclEntry(user("cjib"), "READ", "connector-cjib-", "GROUP", "PREFIXED") in entries
    assert AclEntry(user("hub"), "READ", "hub-", "GROUP", "PREFIXED") in entries
    assert not [e for e in entries if e.principal == user("beheer")]  # a super user instead


def test_acl_entries_are_exactly_the_matrix() -> None:
    entries = acl_entries()
    assert len(entries) == len(set(entries))
    for topic in catalogue():
        mine = {
            (e.principal, e.operation)
            for e in entries
            if e.resource == topic.name and e.resource_type == "TOPIC"
        }
        expected = {(user(p), "WRITE") for p in topic.producers}
        expected |= {(user(c), "READ") for c in topic.consumers}
        if "hub" in topic.producers:  # a replay reads a record back where the hub wrote it
            expected.add((user("hub"), "READ"))
        expected |= {(user(x), "DESCRIBE") for x in (*topic.producers, *topic.consumers)}
        assert mine == expected, topic.name
    groups = {
        (e.principal, e.resource)
        for e in entries
        if e.resource_type == "GROUP" and e.operation == "READ"
    }
    consumers = {c for t in catalogue() for c in t.consumers}
    assert groups == {
        (user(c), name) for c in consumers for name in (consumer_group(c), f"{consumer_group(c)}-")
    }
    described = {
        (e.principal, e.resource)
        for e in entries
        if e.resource_type == "GROUP" and e.operation == "DESCRIBE"
    }  # the hub measures the lag of every other consumer's group
    assert described == {(user("hub"), consumer_group(c)) for c in consumers if c != "hub"}
    assert {e.operation for e in entries if e.resource_type == "GROUP"} == {"READ", "DESCRIBE"}


def test_acl_entries_for_chosen_topics() -> None:
    entries = acl_entries((LEGACY_DEAD_LETTER,))
    assert {e.resource for e in entries if e.resource_type == "TOPIC"} == {LEGACY_DEAD_LETTER.name}
    assert {e.resource for e in entries if e.resource_type == "GROUP"} == {"hub", "hub-"}


def test_required_dead_letter_headers_are_documented() -> None:
    from schemas.topics import DEAD_LETTER_HEADERS, DEAD_LETTER_REQUIRED_HEADERS

    assert set(DEAD_LETTER_REQUIRED_HEADERS) <= set(DEAD_LETTER_HEADERS)
    assert all(name.startswith("dlq-") for name in DEAD_LETTER_HEADERS)
