"""The topic catalogue and the ACLs derived from its access matrix."""

from __future__ import annotations

import schemas
from schemas.organisaties import Uitvoerder
from schemas.topics import (
    AGENCIES,
    CASUS,
    DEAD_LETTER,
    INFORMATIE_ANTWOORD,
    OPSCHORTING_ANTWOORD,
    REGISTER,
    AclEntry,
    acl_entries,
    catalogue,
    informatie_verzoek_topic,
    instructie_topic,
    topics_for_type,
)


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
        if topic in (REGISTER, DEAD_LETTER):
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


def test_answers_are_read_by_the_hub_only() -> None:
    for topic in (OPSCHORTING_ANTWOORD, INFORMATIE_ANTWOORD):
        assert topic.consumers == ("hub",)
        assert set(topic.producers) == set(AGENCIES)


def test_acl_entries_follow_the_matrix() -> None:
    entries = set(acl_entries())
    assert AclEntry("User:hub", "WRITE", CASUS.name) in entries
    assert AclEntry("User:loket", "READ", CASUS.name) in entries
    assert AclEntry("User:hub", "DESCRIBE", CASUS.name) in entries
    assert AclEntry("User:loket", "WRITE", CASUS.name) not in entries
    cjib = instructie_topic("cjib").name
    assert AclEntry("User:cjib", "READ", cjib) in entries
    assert AclEntry("User:duo", "READ", cjib) not in entries
    assert AclEntry("User:duo", "DESCRIBE", cjib) not in entries
    assert AclEntry("User:cjib", "WRITE", OPSCHORTING_ANTWOORD.name) in entries
    assert AclEntry("User:cjib", "READ", OPSCHORTING_ANTWOORD.name) not in entries


def test_acl_entries_are_exactly_the_matrix() -> None:
    entries = acl_entries()
    assert len(entries) == len(set(entries))
    for topic in catalogue():
        mine = {(e.principal, e.operation) for e in entries if e.topic == topic.name}
        expected = {(f"User:{p}", "WRITE") for p in topic.producers}
        expected |= {(f"User:{c}", "READ") for c in topic.consumers}
        expected |= {(f"User:{x}", "DESCRIBE") for x in (*topic.producers, *topic.consumers)}
        assert mine == expected, topic.name


def test_acl_entries_for_chosen_topics() -> None:
    entries = acl_entries((DEAD_LETTER,))
    assert {e.topic for e in entries} == {DEAD_LETTER.name}
    assert all(isinstance(e, tuple) and len(e) == 3 for e in entries)


def test_required_dead_letter_headers_are_documented() -> None:
    from schemas.topics import DEAD_LETTER_HEADERS, DEAD_LETTER_REQUIRED_HEADERS

    assert set(DEAD_LETTER_REQUIRED_HEADERS) <= set(DEAD_LETTER_HEADERS)
    assert all(name.startswith("dlq-") for name in DEAD_LETTER_HEADERS)
