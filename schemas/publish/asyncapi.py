"""The AsyncAPI 3.0 document of every topic in the catalogue, with its messages, key and bindings.

Payloads are not copied: each message points at its JSON Schema file (``json/<type>.json``, next to
the document). The access matrix is in ``x-access-matrix`` (and per channel in ``x-access``).
"""

from __future__ import annotations

from typing import Any

from schemas.envelope import CONTENT_TYPE, EventData, SubjectKind
from schemas.publish import CONTRACT_VERSION
from schemas.publish.json_schema import summary
from schemas.topics import DEAD_LETTER_HEADERS, DEAD_LETTER_REQUIRED_HEADERS, Topic, principal

KAFKA_BINDING_VERSION = "0.5.0"
SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
DEAD_LETTER_MESSAGE = "maatwerk.deadletter"

_HEADERS = {
    "type": "object",
    "description": "Kafka record headers (CloudEvents Kafka binding, structured content mode).",
    "properties": {
        "content-type": {
            "const": CONTENT_TYPE,
            "description": "The record value is a whole CloudEvent in JSON.",
        }
    },
    "required": ["content-type"],
}


def _key_schema(kind: SubjectKind) -> dict[str, Any]:
    what = "The casus id" if kind is SubjectKind.CASUS else "The organisation's OIN"
    return {
        "type": "string",
        "pattern": kind.pattern,
        "description": f"{what}: equal to the CloudEvents subject.",
    }


def _message(model: type[EventData]) -> dict[str, Any]:
    return {
        "name": model.event_type,
        "title": model.__name__,
        "summary": summary(model),
        "contentType": CONTENT_TYPE,
        "headers": _HEADERS,
        "payload": {
            "schemaFormat": SCHEMA_FORMAT,
            "schema": {"$ref": f"json/{model.event_type}.json"},
        },
        "bindings": {
            "kafka": {
                "key": _key_schema(model.subject_kind),
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "externalDocs": {"url": model.dataschema()},
        "x-subject-kind": model.subject_kind.value,
        "x-example": f"examples/{model.event_type}.json",
    }


def _dead_letter_message() -> dict[str, Any]:
    properties: dict[str, Any] = {
        name: {"type": "string", "description": text} for name, text in DEAD_LETTER_HEADERS.items()
    }
    return {
        "name": DEAD_LETTER_MESSAGE,
        "title": "Dead letter",
        "summary": "A record that could not be processed: original key, value and headers, plus "
        "the reason and origin in headers.",
        "headers": {
            "type": "object",
            "properties": properties,
            "required": list(DEAD_LETTER_REQUIRED_HEADERS),
        },
        "payload": {"description": "The original record value, unchanged (any bytes)."},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The original record key."},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
    }


def _channel(topic: Topic, message_ids: list[str]) -> dict[str, Any]:
    configs = topic.kafka_configs()
    return {
        "address": topic.name,
        "title": topic.name,
        "description": topic.description,
        "messages": {m: {"$ref": f"#/components/messages/{m}"} for m in message_ids},
        "bindings": {
            "kafka": {
                "topic": topic.name,
                "partitions": topic.partitions,
                "topicConfiguration": {
                    "cleanup.policy": [configs["cleanup.policy"]],
                    "retention.ms": int(configs["retention.ms"]),
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "x-key": topic.key,
        "x-kafka-configs": configs,
        "x-access": {"producers": list(topic.producers), "consumers": list(topic.consumers)},
    }


def build_asyncapi(topics: tuple[Topic, ...], types: dict[str, type[EventData]]) -> dict[str, Any]:
    """The AsyncAPI document for ``topics`` carrying the registered ``types``."""
    messages: dict[str, Any] = {t: _message(types[t]) for t in sorted(types)}
    messages[DEAD_LETTER_MESSAGE] = _dead_letter_message()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic in topics:
        ids = list(topic.message_types) or [DEAD_LETTER_MESSAGE]
        channels[topic.name] = _channel(topic, ids)
        refs = [{"$ref": f"#/channels/{topic.name}/messages/{m}"} for m in ids]
        for action, principals in (("send", topic.producers), ("receive", topic.consumers)):
            if not principals:  # the former dead-letter topic: no one writes it any more
                continue
            operations[f"{topic.name}.{action}"] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{topic.name}"},
                "messages": refs,
                "x-principals": [principal(code) for code in principals],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "maatwerk-hub message contract",
            "version": CONTRACT_VERSION,
            "description": "CloudEvents NL GOV messages between the Landelijk Maatwerkloket, the "
            "hub and the agencies, in Kafka structured content mode: the record value is the "
            "whole CloudEvent, the record key its subject (the casus id; the OIN for the "
            "register). Generated by scripts/generate_contract.py; see docs/contract.md.",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "lokaal": {
                "host": "127.0.0.1:19092",
                "protocol": "kafka-secure",
                "description": "The local broker of `make run`: TLS with client certificates.",
                "security": [{"$ref": "#/components/securitySchemes/mtls"}],
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "securitySchemes": {
                "mtls": {
                    "type": "X509",
                    "description": "Mutual TLS: every client presents its organisation's "
                    "certificate (PKIoverheid in production), whose subject serialNumber holds its "
                    "OIN. The broker's principal is User:<OIN> (x-kafka-principals) and it allows "
                    "only the ACLs that follow from x-access-matrix: producers WRITE, consumers "
                    "READ (and their consumer group), both DESCRIBE, and the hub READs the topics "
                    "it writes (a replay checks a record's original bytes there); nothing else.",
                }
            },
        },
        "x-access-matrix": {
            t.name: {"producers": list(t.producers), "consumers": list(t.consumers)} for t in topics
        },
        "x-kafka-principals": {
            code: principal(code)
            for code in sorted({c for t in topics for c in (*t.producers, *t.consumers)})
        },
    }
