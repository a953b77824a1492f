"""Write the Kubernetes manifests in ``deploy/k8s/`` from the topic catalogue and its access matrix.

    python scripts/generate_k8s.py           # regenerate deploy/k8s/
    python scripts/generate_k8s.py --check   # exit 1 on drift or on a manifest its schema refuses
    python scripts/generate_k8s.py --oins '{"hub": "...", "cjib": "..."}' --out /tmp/prod
    python scripts/generate_k8s.py --vendor-crds strimzi/packaging/install/cluster-operator/04*

What it writes (see docs/kubernetes.md):

- ``kafka/``: the Strimzi ``Kafka`` cluster (KRaft, a ``KafkaNodePool`` of three nodes,
  ``min.insync.replicas: 2``, a listener with mutual TLS whose principal is the OIN, as the
  local broker's) for a namespace without one; optional, the rest runs on an existing cluster.
- ``topics.yaml``: one ``KafkaTopic`` per topic of ``schemas.topics.catalogue()``.
- ``users.yaml``: one ``KafkaUser`` per organisation of the access matrix, named by its OIN,
  with the ACLs of ``schemas.topics.acl_entries()``.
- ``hub.yaml``: the hub (ConfigMap, Deployment of several replicas on PostgreSQL, Service,
  PodDisruptionBudget); ``connectors.yaml``: a Deployment per agency that has a connector.
- ``kustomization.yaml``: all but ``kafka/`` (``kubectl apply -k deploy/k8s``).

The committed files use the development OINs of ``schemas.organisaties``; ``--oins`` (organisation
code -> OIN, JSON) with ``--out`` writes a deployment's own set. ``--check`` regenerates in memory,
compares with the committed files, and validates every manifest: core kinds against the Kubernetes
schemas of ``kubernetes-validate`` (strict: an unknown field is an error), Strimzi kinds against the
CRD schemas vendored in ``deploy/k8s/schemas/`` (strict likewise). It needs no cluster and no
network.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from connectors.base.koppeling import OnbekendeUitvoerder, laad_koppeling  # noqa: E402
from schemas.organisaties import BEHEER, HUB, ORGANISATIES, Uitvoerder, per_gemeente  # noqa: E402
from schemas.topics import AclEntry, acl_entries, catalogue, consumer_group  # noqa: E402

K8S_DIR = Path("deploy/k8s")
SCHEMA_DIR = K8S_DIR / "schemas"
KUBERNETES_VERSION = "1.33.0"
"""The Kubernetes API the core manifests are validated against (kubernetes-validate's schemas)."""

CLUSTER = "maatwerk"
"""The Strimzi Kafka cluster's name: its bootstrap Service is ``<CLUSTER>-kafka-bootstrap``."""
KAFKA_VERSION = "4.3.1"
LISTENER = "mtls"
LISTENER_PORT = 9094
BOOTSTRAP = f"{CLUSTER}-kafka-bootstrap:{LISTENER_PORT}"
CLUSTER_CA_SECRET = f"{CLUSTER}-cluster-ca-cert"
"""Strimzi's Secret with the CA of the brokers' certificates (``ca.crt``): what clients trust."""
PKI_CA_SECRET = "maatwerk-pki-ca"  # noqa: S105 (a Secret's name, no secret)
GEMEENTEN_FILE = "/etc/maatwerk/gemeenten/gemeenten.json"
"""The gemeente connector's municipalities (Secret ``connector-gemeente-gemeenten``)."""
"""The CA of the organisations' certificates (``ca.pem``: PKIoverheid's private root in
production): the broker's mTLS listener and the hub's API trust it."""

IMAGE = "maatwerk-hub:0.1.0"
HUB_REPLICAS = 2
HUB_PORT = 8443
CONNECTOR_HEALTH_PORT = 8080
APP_LABEL = "app.kubernetes.io/name"
PART_OF = {"app.kubernetes.io/part-of": "maatwerk-hub"}

OIN_SERIAL_RULE = (
    "RULE:^(?:.*,)?2[.]5[.]4[.]5=#(?:13|0[cC])14"
    + "3([0-9])" * 20
    + "(?:,.*)?$/"
    + "".join(f"${i}" for i in range(1, 21))
    + "/"
)
"""``ssl.principal.mapping.rules`` of the mTLS listener: the OIN in the certificate subject's
serialNumber is the principal (``User:<OIN>``), as on the local broker (deploy/kafka/). There is
no DEFAULT rule: a certificate without an OIN does not authenticate."""

Document = dict[str, Any]


# ---------------------------------------------------------------------------------- organisations


def organisation_oins(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """OIN by organisation code: the development OINs, with ``overrides`` on top."""
    oins = {o.code: o.oin for o in ORGANISATIES}
    oins.update(overrides or {})
    for code, oin in oins.items():
        if not re.fullmatch(r"[0-9]{20}", oin):
            raise ValueError(f"OIN of {code!r} is not 20 digits: {oin!r}")
    return oins


def connector_agencies() -> tuple[str, ...]:
    """The agencies that have a connector package (a Deployment each)."""
    found = []
    for uitvoerder in Uitvoerder:
        try:
            laad_koppeling(uitvoerder.value)
        except OnbekendeUitvoerder:
            continue
        found.append(uitvoerder.value)
    return tuple(found)


# ---------------------------------------------------------------------------------- Strimzi


def _strimzi_labels() -> dict[str, str]:
    return {"strimzi.io/cluster": CLUSTER, **PART_OF}


def kafka_cluster(oins: Mapping[str, str]) -> list[Document]:
    """A three-node KRaft cluster with the mTLS listener; the operators (beheer) are super users."""
    pool: Document = {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaNodePool",
        "metadata": {"name": "dual", "labels": _strimzi_labels()},
        "spec": {
            "replicas": 3,
            "roles": ["controller", "broker"],
            "storage": {
                "type": "jbod",
                "volumes": [
                    {
                        "id": 0,
                        "type": "persistent-claim",
                        "size": "20Gi",
                        "deleteClaim": False,
                        "kraftMetadata": "shared",
                    }
                ],
            },
        },
    }
    kafka: Document = {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "Kafka",
        "metadata": {"name": CLUSTER, "labels": PART_OF},
        "spec": {
            "kafka": {
                "version": KAFKA_VERSION,
                "listeners": [
                    {
                        "name": LISTENER,
                        "port": LISTENER_PORT,
                        "type": "internal",
                        "tls": True,
                        "authentication": {
                            "type": "custom",
                            "sasl": False,
                            "listenerConfig": {
                                "ssl.client.auth": "required",
                                "ssl.principal.mapping.rules": OIN_SERIAL_RULE,
                                "ssl.truststore.location": f"/mnt/{PKI_CA_SECRET}/ca.pem",
                                "ssl.truststore.type": "PEM",
                                "ssl.enabled.protocols": "TLSv1.3,TLSv1.2",
                            },
                        },
                    }
                ],
                "authorization": {
                    "type": "simple",
                    "superUsers": [f"User:{oins[BEHEER.code]}"],
                },
                "config": {
                    "auto.create.topics.enable": False,
                    "default.replication.factor": 3,
                    "min.insync.replicas": 2,
                    "offsets.topic.replication.factor": 3,
                    "transaction.state.log.replication.factor": 3,
                    "transaction.state.log.min.isr": 2,
                },
                "template": {
                    "pod": {
                        "volumes": [
                            {"name": PKI_CA_SECRET, "secret": {"secretName": PKI_CA_SECRET}}
                        ]
                    },
                    "kafkaContainer": {
                        "volumeMounts": [
                            {
                                "name": PKI_CA_SECRET,
                                "mountPath": f"/mnt/{PKI_CA_SECRET}",
                                "readOnly": True,
                            }
                        ]
                    },
                },
            },
            "entityOperator": {"topicOperator": {}, "userOperator": {}},
        },
    }
    return [pool, kafka]


def kafka_topics() -> list[Document]:
    """One KafkaTopic per catalogue topic: partitions, three replicas, the catalogue's configs."""
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1",
            "kind": "KafkaTopic",
            "metadata": {"name": topic.name, "labels": _strimzi_labels()},
            "spec": {
                "topicName": topic.name,
                "partitions": topic.partitions,
                "replicas": 3,
                "config": {"min.insync.replicas": "2", **topic.kafka_configs()},
            },
        }
        for topic in catalogue()
    ]


_OPERATIONS = {"READ": "Read", "WRITE": "Write", "DESCRIBE": "Describe"}
_RESOURCES = {"TOPIC": "topic", "GROUP": "group"}
_PATTERNS = {"LITERAL": "literal", "PREFIXED": "prefix"}


def _acl(entry: AclEntry) -> Document:
    return {
        "resource": {
            "type": _RESOURCES[entry.resource_type],
            "name": entry.resource,
            "patternType": _PATTERNS[entry.pattern_type],
        },
        "operations": [_OPERATIONS[entry.operation]],
        "host": "*",
    }


def kafka_users(oins: Mapping[str, str]) -> list[Document]:
    """One KafkaUser per organisation in the access matrix, named by its OIN.

    Strimzi's User Operator gives a KafkaUser without ``authentication`` the principal
    ``User:<metadata.name>``: named by the OIN, that is the principal the mTLS listener's mapping
    rule reads from the certificate. Strimzi issues no certificate: each organisation has its own
    (PKIoverheid), signed by the CA in the ``maatwerk-pki-ca`` Secret.
    """
    entries = acl_entries(oins=oins)
    code_of = {f"User:{oin}": code for code, oin in oins.items()}
    users: dict[str, list[AclEntry]] = {}
    for entry in entries:
        users.setdefault(entry.principal, []).append(entry)
    return [
        {
            "apiVersion": "kafka.strimzi.io/v1",
            "kind": "KafkaUser",
            "metadata": {
                "name": who.removeprefix("User:"),
                "labels": {**_strimzi_labels(), "maatwerk.nl/organisatie": code_of[who]},
            },
            "spec": {
                "authorization": {"type": "simple", "acls": [_acl(e) for e in acls]},
            },
        }
        for who, acls in users.items()
    ]


# ---------------------------------------------------------------------------------- workloads


def _secret_volume(name: str, secret: str, items: Mapping[str, str] | None = None) -> Document:
    source: Document = {"secretName": secret, "defaultMode": 0o440}
    if items:
        source["items"] = [{"key": k, "path": p} for k, p in items.items()]
    return {"name": name, "secret": source}


def _mount(name: str, path: str) -> Document:
    return {"name": name, "mountPath": path, "readOnly": True}


_SECURITY = {
    "runAsNonRoot": True,
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}
_POD_SECURITY = {"runAsUser": 10001, "fsGroup": 10001, "seccompProfile": {"type": "RuntimeDefault"}}


def _deployment(
    name: str,
    labels: Mapping[str, str],
    container: Document,
    volumes: list[Document],
    *,
    replicas: int,
    strategy: Document | None = None,
) -> Document:
    """A Deployment of one non-root container with its secret volumes and a scratch ``/tmp``
    (``container`` gets the matching mounts: ``volume_mounts``)."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {APP_LABEL: name}},
            **({"strategy": strategy} if strategy is not None else {}),
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "securityContext": _POD_SECURITY,
                    "containers": [container],
                    "volumes": [*volumes, {"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }


def _volume_mounts(paths: Mapping[str, str]) -> list[Document]:
    """A mount per secret volume (name -> path), and the scratch ``/tmp``."""
    return [
        *(_mount(name, path) for name, path in paths.items()),
        {"name": "tmp", "mountPath": "/tmp"},  # noqa: S108
    ]


def _labels(name: str, component: str) -> dict[str, str]:
    return {APP_LABEL: name, "app.kubernetes.io/component": component, **PART_OF}


def hub(oins: Mapping[str, str]) -> list[Document]:
    """The hub: ConfigMap, Deployment (several replicas, one PostgreSQL), Service, PDB."""
    labels = _labels("hub", "hub")
    selector = {APP_LABEL: "hub"}
    agencies = {u.value: oins[u.value] for u in Uitvoerder}
    config: Document = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "hub-config", "labels": labels},
        "data": {
            "HUB_KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP,
            "HUB_KAFKA_SSL_CAFILE": "/etc/maatwerk/kafka-ca/ca.crt",
            "HUB_KAFKA_SSL_CERTFILE": "/etc/maatwerk/kafka-tls/tls.crt",
            "HUB_KAFKA_SSL_KEYFILE": "/etc/maatwerk/kafka-tls/tls.key",
            "HUB_TLS_CERT": "/etc/maatwerk/api-tls/tls.crt",
            "HUB_TLS_KEY": "/etc/maatwerk/api-tls/tls.key",
            "HUB_TLS_CA": "/etc/maatwerk/pki-ca/ca.pem",
            "HUB_KEYS_DIR": "/etc/maatwerk/uitvoerder-sleutels",
            "HUB_OIN": oins[HUB.code],
            "HUB_UITVOERDER_OINS": json.dumps(agencies, separators=(",", ":")),
        },
    }
    probe: Document = {"httpGet": {"path": "/health", "port": "https", "scheme": "HTTPS"}}
    # /ready is 503 while a background task (outbox relay, expiry watcher, ...) or a consumer
    # loop is down: out of the Service until it has restarted. /health fails only once a task
    # has kept crashing for five minutes: then the kubelet restarts the process.
    ready: Document = {"httpGet": {**probe["httpGet"], "path": "/ready"}}
    container: Document = {
        "name": "hub",
        "image": IMAGE,
        "command": ["maatwerk-hub", "serve", "--host", "0.0.0.0", "--port", str(HUB_PORT)],  # noqa: S104
        "ports": [{"name": "https", "containerPort": HUB_PORT}],
        "envFrom": [{"configMapRef": {"name": "hub-config"}}],
        "env": [
            {
                "name": "HUB_DATABASE_URL",
                "valueFrom": {"secretKeyRef": {"name": "hub-database", "key": "url"}},
            },
            # Every replica must seal, pseudonymise and encrypt alike: the keys come from one
            # Secret, never from a file a replica would make for itself.
            {
                "name": "HUB_PSEUDONYM_KEY",
                "valueFrom": {"secretKeyRef": {"name": "hub-secrets", "key": "pseudonym-key"}},
            },
            {
                "name": "HUB_STORAGE_KEY",
                "valueFrom": {"secretKeyRef": {"name": "hub-secrets", "key": "storage-key"}},
            },
        ],
        # The store is migrated at start-up: give it time before liveness counts.
        "startupProbe": {**probe, "periodSeconds": 5, "failureThreshold": 60},
        "readinessProbe": {**ready, "periodSeconds": 5, "failureThreshold": 3},
        "livenessProbe": {**probe, "periodSeconds": 10, "failureThreshold": 6},
        "resources": {
            "requests": {"cpu": "250m", "memory": "256Mi"},
            "limits": {"memory": "512Mi"},
        },
        "securityContext": _SECURITY,
        "volumeMounts": _volume_mounts(
            {
                name: f"/etc/maatwerk/{name}"
                for name in ("kafka-ca", "kafka-tls", "api-tls", "pki-ca", "uitvoerder-sleutels")
            }
        ),
    }
    deployment = _deployment(
        "hub",
        labels,
        container,
        [
            _secret_volume("kafka-ca", CLUSTER_CA_SECRET, {"ca.crt": "ca.crt"}),
            _secret_volume("kafka-tls", "hub-kafka-tls"),
            _secret_volume("api-tls", "hub-api-tls"),
            _secret_volume("pki-ca", PKI_CA_SECRET, {"ca.pem": "ca.pem"}),
            _secret_volume("uitvoerder-sleutels", "uitvoerder-sleutels"),
        ],
        replicas=HUB_REPLICAS,
        # One new replica at a time: the first one of a release migrates the store alone.
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
    )
    service: Document = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "hub", "labels": labels},
        "spec": {
            "selector": selector,
            "ports": [{"name": "https", "port": 443, "targetPort": "https"}],
        },
    }
    budget: Document = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "hub", "labels": labels},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": selector}},
    }
    return [config, deployment, service, budget]


def connector(agency: str) -> list[Document]:
    """One agency's connector: its ConfigMap and Deployment (its own certificate and key)."""
    name = f"connector-{agency}"
    labels = _labels(name, "connector")
    config: Document = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": labels},
        "data": {
            "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP,
            "CONNECTOR_KAFKA_SSL_CAFILE": "/etc/maatwerk/kafka-ca/ca.crt",
            "CONNECTOR_KAFKA_SSL_CERTFILE": "/etc/maatwerk/kafka-tls/tls.crt",
            "CONNECTOR_KAFKA_SSL_KEYFILE": "/etc/maatwerk/kafka-tls/tls.key",
            "CONNECTOR_KEYS_DIR": "/etc/maatwerk/sleutel",
            # The agency's back-office: set per deployment (an overlay patches this ConfigMap).
            "CONNECTOR_BACKOFFICE_URL": f"https://backoffice.{agency}.invalid",
            "CONNECTOR_GROUP_ID": consumer_group(agency),
            "CONNECTOR_HEALTH_HOST": "0.0.0.0",  # noqa: S104 (the kubelet probes the pod's address)
            "CONNECTOR_HEALTH_PORT": str(CONNECTOR_HEALTH_PORT),
        },
    }
    secrets = {
        "kafka-ca": _secret_volume("kafka-ca", CLUSTER_CA_SECRET, {"ca.crt": "ca.crt"}),
        "kafka-tls": _secret_volume("kafka-tls", f"{name}-kafka-tls"),
        "sleutel": _secret_volume("sleutel", f"{name}-sleutel", {"key": f"{agency}.key"}),
    }
    if per_gemeente(agency):
        # One process serves many municipalities (its description's per_gemeente), each over
        # mutual TLS with its OWN certificate: the Secret holds gemeenten.json
        # (connectors/gemeente/gemeenten.json's shape, paths relative to it) with every
        # municipality's certificate and key beside it.
        config["data"]["CONNECTOR_GEMEENTEN_FILE"] = GEMEENTEN_FILE
        secrets["gemeenten"] = _secret_volume("gemeenten", f"{name}-gemeenten")
    probe: Document = {
        "httpGet": {"path": "/health", "port": "health"},
        "timeoutSeconds": 6,
    }
    ready: Document = {**probe, "httpGet": {"path": "/ready", "port": "health"}}
    container: Document = {
        "name": "connector",
        "image": IMAGE,
        "command": ["maatwerk-connector", "run", "--agency", agency],
        "envFrom": [{"configMapRef": {"name": name}}],
        "ports": [{"name": "health", "containerPort": CONNECTOR_HEALTH_PORT}],
        # /health pings the broker (204, else 500 after 5 s) and fails when a consume loop has
        # kept crashing for five minutes; /ready also while a loop waits for its restart. Not
        # ready while the broker is out of reach; restarted when it has been for two minutes (a
        # wedged client).
        "startupProbe": {**probe, "periodSeconds": 5, "failureThreshold": 24},
        "readinessProbe": {**ready, "periodSeconds": 10, "failureThreshold": 3},
        "livenessProbe": {**probe, "periodSeconds": 20, "failureThreshold": 6},
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"memory": "256Mi"},
        },
        "securityContext": _SECURITY,
        "volumeMounts": _volume_mounts({volume: f"/etc/maatwerk/{volume}" for volume in secrets}),
    }
    deployment = _deployment(name, labels, container, list(secrets.values()), replicas=1)
    return [config, deployment]


# ---------------------------------------------------------------------------------- files

HEADER = (
    "# Generated by scripts/generate_k8s.py from schemas/topics.py: do not edit by hand.\n"
    "# Regenerate: python scripts/generate_k8s.py (tests/contract/test_k8s_manifests.py checks).\n"
)


class _Dumper(yaml.SafeDumper):
    """Plain YAML: a value used twice is written twice, not as an anchor and an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


NUMBER_LIKE = re.compile(r"^[-+]?[0-9_.]+([eE][-+]?[0-9]+)?$")


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """A string that looks like a number is quoted: PyYAML reads ``00000001999999990002`` back
    as a string, but Kubernetes' YAML reader takes it for a number (an OIN as a KafkaUser's name,
    ``HUB_OIN`` in a ConfigMap) and refuses the manifest."""
    style = "'" if NUMBER_LIKE.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def dump(documents: list[Document]) -> str:
    """YAML documents, keys in the order written, one file."""
    return HEADER + "".join(
        "---\n" + yaml.dump(d, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=100)
        for d in documents
    )


def manifests(oins: Mapping[str, str] | None = None) -> dict[Path, list[Document]]:
    """Every generated manifest file (relative to ``deploy/k8s``) and its documents."""
    known = organisation_oins(oins)
    return {
        Path("kafka/kafka.yaml"): kafka_cluster(known),
        Path("topics.yaml"): kafka_topics(),
        Path("users.yaml"): kafka_users(known),
        Path("hub.yaml"): hub(known),
        Path("connectors.yaml"): [d for a in connector_agencies() for d in connector(a)],
    }


def kustomization(resources: list[str]) -> Document:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": "maatwerk",
        "resources": resources,
    }


def expected(oins: Mapping[str, str] | None = None) -> dict[Path, str]:
    """Every file the generator writes, relative to ``deploy/k8s``, with its text."""
    files = {path: dump(documents) for path, documents in manifests(oins).items()}
    top = [str(p) for p in files if p.parent == Path(".")]
    files[Path("kustomization.yaml")] = dump([kustomization(top)])
    files[Path("kafka/kustomization.yaml")] = dump([kustomization(["kafka.yaml"])])
    return files


# ---------------------------------------------------------------------------------- validation


def load_all(text: str) -> list[Document]:
    return [d for d in yaml.safe_load_all(text) if d is not None]


def _strict(schema: Any, *, combinator: bool = False) -> Any:
    """A CRD schema that refuses unknown fields (the API server would silently prune them):
    every object with ``properties`` and no word on the rest gets ``additionalProperties: false``,
    except where the CRD keeps unknown fields (``x-kubernetes-preserve-unknown-fields``) and in the
    branches of ``oneOf``/``anyOf``/``allOf``/``not``, which only constrain (they name a few of
    the fields the object has)."""
    if isinstance(schema, list):
        return [_strict(s, combinator=combinator) for s in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {
        k: _strict(v, combinator=k in ("oneOf", "anyOf", "allOf", "not")) for k, v in schema.items()
    }
    if (
        not combinator
        and "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        strict["additionalProperties"] = False
    return strict


def crd_schema_path(api_version: str, kind: str) -> Path:
    """Where the vendored schema of a custom kind lives (kubeconform's layout:
    ``<group>/<kind>_<version>.json``)."""
    group, _, version = api_version.partition("/")
    return SCHEMA_DIR / group / f"{kind.lower()}_{version}.json"


def _crd_validator(path: Path) -> Any:
    from jsonschema import Draft7Validator

    schema = json.loads(path.read_text(encoding="utf-8"))
    schema.pop("$comment", None)
    return Draft7Validator(_strict(schema))


DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def validate(document: Document, root: Path = ROOT) -> list[str]:
    """What the schema of its kind refuses in one manifest (empty: valid)."""
    api_version, kind = document.get("apiVersion", ""), document.get("kind", "")
    name = document.get("metadata", {}).get("name", "?")
    where = f"{kind} {name}"
    if kind == "Kustomization":
        return [] if isinstance(document.get("resources"), list) else [f"{where}: no resources"]
    if "/" in api_version and "." in api_version.split("/")[0] and "k8s.io" not in api_version:
        path = root / crd_schema_path(api_version, kind)
        if not path.is_file():
            return [f"{where}: no schema for {api_version} {kind} in {SCHEMA_DIR}"]
        problems = [
            f"{where}: {'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
            for e in _crd_validator(path).iter_errors(document)
        ]
        if not (isinstance(name, str) and len(name) <= 253 and DNS_SUBDOMAIN.match(name)):
            problems.append(f"{where}: metadata.name is not a DNS subdomain")
        return problems
    import kubernetes_validate

    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        path = ".".join(str(p) for p in exc.absolute_path) or "(root)"
        return [f"{where}: {path}: {exc.message}"]
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{where}: no Kubernetes {KUBERNETES_VERSION} schema for {api_version} {kind}"]
    return []


def invalid(root: Path = ROOT) -> list[str]:
    """Every problem the schemas find in the committed manifests."""
    found: list[str] = []
    for path in sorted((root / K8S_DIR).rglob("*.yaml")):
        for document in load_all(path.read_text(encoding="utf-8")):
            found += [f"{path.relative_to(root)}: {p}" for p in validate(document, root)]
    return found


# ---------------------------------------------------------------------------------- drift


def differences(root: Path = ROOT) -> list[str]:
    """What differs between the committed manifests and the catalogue."""
    files = expected()
    found: list[str] = []
    for path, text in files.items():
        target = root / K8S_DIR / path
        if not target.is_file():
            found.append(f"missing: {K8S_DIR / path}")
            continue
        committed = target.read_text(encoding="utf-8")
        if committed != text:
            diff = list(
                difflib.unified_diff(
                    committed.splitlines(), text.splitlines(), "committed", "code", lineterm="", n=1
                )
            )
            found.append(f"differs: {K8S_DIR / path}\n    " + "\n    ".join(diff[:12]))
    for path in sorted((root / K8S_DIR).rglob("*.yaml")):
        if path.relative_to(root / K8S_DIR) not in files:
            found.append(f"stale: {path.relative_to(root)}")
    return found


def write(out: Path, oins: Mapping[str, str] | None = None) -> list[Path]:
    """Write every manifest under ``out``; returns the files that changed."""
    changed: list[Path] = []
    for path, text in expected(oins).items():
        target = out / path
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def vendor_crds(crds: list[Path], root: Path = ROOT) -> list[Path]:
    """Store the OpenAPI schema of each served version of each Strimzi CRD as JSON Schema."""
    written: list[Path] = []
    for crd_file in crds:
        for crd in load_all(crd_file.read_text(encoding="utf-8")):
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            for version in spec["versions"]:
                if not version.get("served"):
                    continue
                schema: Document = {
                    "$comment": f"openAPIV3Schema of {crd_file.name}",
                    **copy.deepcopy(version["schema"]["openAPIV3Schema"]),
                }
                api_version = f"{spec['group']}/{version['name']}"
                target = root / crd_schema_path(api_version, spec["names"]["kind"])
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(schema, indent=1) + "\n", encoding="utf-8")
                written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 on problems")
    mode.add_argument(
        "--vendor-crds", nargs="+", type=Path, metavar="CRD", help="vendor Strimzi CRD schemas"
    )
    parser.add_argument("--oins", help='OINs by organisation code, JSON: {"hub": "...", ...}')
    parser.add_argument("--out", type=Path, help="write here instead of deploy/k8s")
    args = parser.parse_args(argv)

    if args.vendor_crds:
        for path in vendor_crds(args.vendor_crds):
            print(f"vendored {path.relative_to(ROOT)}")
        return 0
    oins = json.loads(args.oins) if args.oins else None
    if args.check:
        problems = differences(ROOT) + [f"invalid: {p}" for p in invalid(ROOT)]
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s); run: python scripts/generate_k8s.py")
            return 1
        print(f"deploy/k8s up to date and valid ({len(expected())} files)")
        return 0
    if args.oins and args.out is None:
        parser.error("--oins writes a deployment's own manifests: give --out too")
    for path in write(args.out or ROOT / K8S_DIR, oins):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
