"""The Kubernetes manifests in deploy/k8s/ are what the catalogue and its access matrix imply, and
every one of them is valid for its schema (Kubernetes core kinds, Strimzi's CRDs).

Fails when someone changes ``schemas/topics.py`` (or the workloads) without running
``python scripts/generate_k8s.py``, or writes a manifest a cluster would refuse or silently prune.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from connectors.base.settings import ConnectorSettings
from hub.settings import Settings
from schemas.organisaties import BEHEER, HUB, ORGANISATIES, UITVOERDERS
from schemas.topics import AclEntry, acl_entries, catalogue

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_k8s", ROOT / "scripts" / "generate_k8s.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _documents(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((K8S / name).read_text(encoding="utf-8")) if d]


def _one(name: str, kind: str, metadata_name: str) -> dict[str, Any]:
    return next(
        d for d in _documents(name) if d["kind"] == kind and d["metadata"]["name"] == metadata_name
    )


# ------------------------------------------------------------------------- drift and validity


def test_committed_manifests_match_the_catalogue(generator: ModuleType) -> None:
    problems = generator.differences(ROOT)
    assert problems == [], "run: python scripts/generate_k8s.py\n" + "\n".join(problems)


def test_drift_is_found_edited_missing_and_stale(generator: ModuleType, tmp_path: Path) -> None:
    copy_root = tmp_path / "repo"
    shutil.copytree(K8S, copy_root / "deploy" / "k8s")
    assert generator.differences(copy_root) == []
    topics = copy_root / "deploy" / "k8s" / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8").replace("partitions: 3", "partitions: 6"))
    (copy_root / "deploy" / "k8s" / "users.yaml").unlink()
    (copy_root / "deploy" / "k8s" / "old.yaml").write_text("kind: ConfigMap\n")
    problems = generator.differences(copy_root)
    assert [p.split("\n")[0] for p in problems] == [
        "differs: deploy/k8s/topics.yaml",
        "missing: deploy/k8s/users.yaml",
        "stale: deploy/k8s/old.yaml",
    ]
    assert generator.main(["--out", str(copy_root / "deploy" / "k8s")]) == 0
    (copy_root / "deploy" / "k8s" / "old.yaml").unlink()
    assert generator.differences(copy_root) == []


def test_strings_that_look_like_numbers_are_quoted() -> None:
    """Kubernetes' YAML reader takes an unquoted ``00000001999999990002`` for a number: an OIN
    (a KafkaUser's name, HUB_OIN) must be quoted to stay a string."""
    for path in K8S.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(:|-) [0-9]{20}$", text, re.MULTILINE), path
    assert f"name: '{HUB.oin}'" in (K8S / "users.yaml").read_text(encoding="utf-8")
    assert f"HUB_OIN: '{HUB.oin}'" in (K8S / "hub.yaml").read_text(encoding="utf-8")


def test_every_committed_manifest_is_valid_for_its_schema(generator: ModuleType) -> None:
    problems = generator.invalid(ROOT)
    assert problems == [], "\n".join(problems)


def test_every_kind_written_is_validated_by_a_schema(generator: ModuleType) -> None:
    kinds = {
        (d["apiVersion"], d["kind"])
        for documents in generator.manifests().values()
        for d in documents
    }
    assert {k for _, k in kinds} >= {
        "Kafka",
        "KafkaNodePool",
        "KafkaTopic",
        "KafkaUser",
        "Deployment",
        "Service",
        "ConfigMap",
        "PodDisruptionBudget",
    }
    for api_version, kind in kinds:
        if api_version.startswith("kafka.strimzi.io/"):
            assert (ROOT / generator.crd_schema_path(api_version, kind)).is_file(), kind


def _break(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``document`` with ``value`` set at the dotted ``path`` (list indexes as digits)."""
    broken = copy.deepcopy(document)
    *parents, last = path.split(".")
    node: Any = broken
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    return broken


WRONG = [
    # (file, kind, name, dotted path, wrong value, what the validator must name)
    ("topics.yaml", "KafkaTopic", "maatwerk.casus.v1", "spec.partitons", 3, "partitons"),
    ("topics.yaml", "KafkaTopic", "maatwerk.casus.v1", "spec.partitions", "3", "partitions"),
    ("users.yaml", "KafkaUser", HUB.oin, "spec.authorization.type", "acl", "authorization.type"),
    (
        "users.yaml",
        "KafkaUser",
        HUB.oin,
        "spec.authorization.acls.0.operations",
        ["READ"],
        "operations",
    ),
    ("users.yaml", "KafkaUser", HUB.oin, "metadata.name", "User:" + HUB.oin, "metadata.name"),
    (
        "kafka/kafka.yaml",
        "Kafka",
        "maatwerk",
        "spec.kafka.listeners.0.authentication.type",
        "mtls",
        "authentication.type",
    ),
    ("kafka/kafka.yaml", "KafkaNodePool", "dual", "spec.replica", 3, "replica"),
    ("hub.yaml", "Deployment", "hub", "spec.replicas", "two", "replicas"),
    (
        "hub.yaml",
        "Deployment",
        "hub",
        "spec.template.spec.containers.0.readinessprobe",
        {},
        "readinessprobe",
    ),
    ("hub.yaml", "Service", "hub", "spec.ports.0.port", "https", "port"),
    (
        "connectors.yaml",
        "Deployment",
        "connector-cjib",
        "spec.template.spec.volumes.0.secret.secret",
        "x",
        "secret",
    ),
]


@pytest.mark.parametrize(("name", "kind", "metadata_name", "path", "value", "named"), WRONG)
def test_a_wrong_field_is_refused(
    generator: ModuleType,
    name: str,
    kind: str,
    metadata_name: str,
    path: str,
    value: Any,
    named: str,
) -> None:
    document = _one(name, kind, metadata_name)
    assert generator.validate(document, ROOT) == []
    problems = generator.validate(_break(document, path, value), ROOT)
    assert problems, f"{kind}: {path} = {value!r} passed"
    assert named in "\n".join(problems)


def test_an_unknown_kind_is_refused_not_skipped(generator: ModuleType) -> None:
    assert generator.validate({"apiVersion": "v1", "kind": "Sevice", "metadata": {"name": "x"}})
    assert generator.validate(
        {"apiVersion": "kafka.strimzi.io/v1", "kind": "KafkaTopik", "metadata": {"name": "x"}}
    )


# ------------------------------------------------------------------------- Strimzi resources


def test_a_kafka_topic_per_catalogue_topic_with_its_layout_and_configs() -> None:
    topics = {d["spec"]["topicName"]: d for d in _documents("topics.yaml")}
    assert list(topics) == [t.name for t in catalogue()]
    for topic in catalogue():
        spec = topics[topic.name]["spec"]
        assert spec["partitions"] == topic.partitions
        assert spec["replicas"] == 3
        assert spec["config"] == {"min.insync.replicas": "2", **topic.kafka_configs()}
        assert topics[topic.name]["metadata"]["labels"]["strimzi.io/cluster"] == "maatwerk"


def _acl_entries_of(users: list[dict[str, Any]]) -> set[AclEntry]:
    kinds = {"topic": "TOPIC", "group": "GROUP"}
    patterns = {"literal": "LITERAL", "prefix": "PREFIXED"}
    found: set[AclEntry] = set()
    for user in users:
        for acl in user["spec"]["authorization"]["acls"]:
            for operation in acl["operations"]:
                found.add(
                    AclEntry(
                        f"User:{user['metadata']['name']}",
                        operation.upper(),
                        acl["resource"]["name"],
                        kinds[acl["resource"]["type"]],
                        patterns[acl["resource"]["patternType"]],
                    )
                )
    return found


def test_kafka_users_carry_exactly_the_access_matrix() -> None:
    users = _documents("users.yaml")
    assert _acl_entries_of(users) == set(acl_entries())
    # Named by OIN: the principal Strimzi gives a user without authentication is User:<name>,
    # the one the listener's mapping rule reads from the certificate.
    oins = {o.oin: o.code for o in ORGANISATIES}
    for user in users:
        assert "authentication" not in user["spec"]
        assert (
            oins[user["metadata"]["name"]] == user["metadata"]["labels"]["maatwerk.nl/organisatie"]
        )


def test_deployment_oins_rename_users_and_configure_the_hub(generator: ModuleType) -> None:
    eigen = {"hub": "00000009000000000001", "cjib": "00000009000000000002"}
    files = {
        path: list(yaml.safe_load_all(text)) for path, text in generator.expected(eigen).items()
    }
    names = {d["metadata"]["name"] for d in files[Path("users.yaml")] if d}
    assert {"00000009000000000001", "00000009000000000002"} <= names
    assert HUB.oin not in names
    config = next(d for d in files[Path("hub.yaml")] if d and d["kind"] == "ConfigMap")
    assert config["data"]["HUB_OIN"] == "00000009000000000001"
    assert json.loads(config["data"]["HUB_UITVOERDER_OINS"])["cjib"] == "00000009000000000002"
    with pytest.raises(ValueError, match="20 digits"):
        generator.expected({"hub": "123"})


def _rfc2253_subject(cn: str, oin: str) -> str:
    """How Java names a certificate subject with an OIN in serialNumber (PrintableString)."""
    return f"CN={cn},2.5.4.5=#1314{oin.encode().hex()},O=maatwerk-hub,C=NL"


def _apply_rule(rule: str, subject: str) -> str | None:
    """Kafka's ``RULE:pattern/replacement/`` on a subject, in Python's regex dialect."""
    pattern, replacement = re.fullmatch(r"RULE:(.*)/(.*)/", rule).groups()  # type: ignore[union-attr]
    match = re.fullmatch(pattern, subject)
    return None if match is None else match.expand(re.sub(r"\$(\d+)", r"\\g<\1>", replacement))


def test_the_mtls_listener_makes_the_oin_the_principal_as_the_local_broker(
    generator: ModuleType,
) -> None:
    kafka = _one("kafka/kafka.yaml", "Kafka", "maatwerk")
    (listener,) = kafka["spec"]["kafka"]["listeners"]
    config = listener["authentication"]["listenerConfig"]
    rule = config["ssl.principal.mapping.rules"]
    assert config["ssl.client.auth"] == "required"
    assert _apply_rule(rule, _rfc2253_subject("connector-cjib", UITVOERDERS["cjib"].oin)) == (
        UITVOERDERS["cjib"].oin
    )
    assert _apply_rule(rule, "CN=zonder-oin,O=maatwerk-hub,C=NL") is None
    # The same rule as docker-compose's broker (and so deploy/kafka's).
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    local = compose["services"]["kafka"]["environment"]["KAFKA_SSL_PRINCIPAL_MAPPING_RULES"]
    assert local.replace("$$", "$").split(",RULE:")[0] == rule
    spec = kafka["spec"]["kafka"]
    assert spec["authorization"] == {"type": "simple", "superUsers": [f"User:{BEHEER.oin}"]}
    assert spec["config"]["min.insync.replicas"] == 2
    assert spec["config"]["auto.create.topics.enable"] is False
    assert _one("kafka/kafka.yaml", "KafkaNodePool", "dual")["spec"]["replicas"] == 3


# ------------------------------------------------------------------------- workloads


def _env_names(container: dict[str, Any], configmaps: dict[str, dict[str, str]]) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    for source in container.get("envFrom", []):
        names |= set(configmaps[source["configMapRef"]["name"]])
    return names


def test_the_hub_runs_several_replicas_on_postgresql_with_shared_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = _documents("hub.yaml")
    deployment = _one("hub.yaml", "Deployment", "hub")
    assert deployment["spec"]["replicas"] >= 2
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    from_secret = {
        e["name"]: e["valueFrom"]["secretKeyRef"]["name"]
        for e in container["env"]
        if "valueFrom" in e
    }
    # One database and one set of keys for every replica: from Secrets, never from a pod's files.
    assert from_secret == {
        "HUB_DATABASE_URL": "hub-database",
        "HUB_PSEUDONYM_KEY": "hub-secrets",
        "HUB_STORAGE_KEY": "hub-secrets",
    }
    configmaps = {d["metadata"]["name"]: d["data"] for d in documents if d["kind"] == "ConfigMap"}
    fields = {f"HUB_{name.upper()}" for name in Settings.model_fields}
    assert _env_names(container, configmaps) <= fields
    # The settings load from that environment, with TLS to Kafka and on the API.
    for key, value in configmaps["hub-config"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HUB_DATABASE_URL", "postgresql+asyncpg://hub@db/hub")
    settings = Settings()
    assert settings.kafka_tls is not None and settings.tls
    assert settings.kafka_bootstrap_servers == "maatwerk-kafka-bootstrap:9094"


def test_hub_probes_ask_its_health_endpoint_over_https() -> None:
    deployment = _one("hub.yaml", "Deployment", "hub")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    (port,) = container["ports"]
    for probe, path in [
        ("startupProbe", "/health"),
        ("readinessProbe", "/ready"),
        ("livenessProbe", "/health"),
    ]:
        get = container[probe]["httpGet"]
        assert get == {"path": path, "port": port["name"], "scheme": "HTTPS"}
    assert str(port["containerPort"]) in container["command"]
    service = _one("hub.yaml", "Service", "hub")
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


def test_a_connector_deployment_per_agency_with_a_connector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    documents = _documents("connectors.yaml")
    configmaps = {d["metadata"]["name"]: d["data"] for d in documents if d["kind"] == "ConfigMap"}
    deployments = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Deployment"}
    assert set(deployments) == {f"connector-{code}" for code in UITVOERDERS}  # every installed one
    fields = {f"CONNECTOR_{name.upper()}" for name in ConnectorSettings.model_fields}
    for name, deployment in deployments.items():
        agency = name.removeprefix("connector-")
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["command"] == ["maatwerk-connector", "run", "--agency", agency]
        assert _env_names(container, configmaps) <= fields
        (port,) = container["ports"]
        for probe, path in [
            ("startupProbe", "/health"),
            ("readinessProbe", "/ready"),
            ("livenessProbe", "/health"),
        ]:
            assert container[probe]["httpGet"] == {"path": path, "port": port["name"]}
            assert container[probe]["timeoutSeconds"] > 5, "the broker ping may take 5 s"
        with monkeypatch.context() as patch:
            for key, value in configmaps[name].items():
                patch.setenv(key, value)
            settings = ConnectorSettings()
        assert settings.kafka_tls is not None
        assert settings.group_id == f"connector-{agency}"
        assert settings.health_port == port["containerPort"]
        assert settings.health_host == "0.0.0.0"


def test_the_kustomization_lists_every_manifest_but_the_optional_cluster() -> None:
    (kustomization,) = _documents("kustomization.yaml")
    assert kustomization["resources"] == [
        "topics.yaml",
        "users.yaml",
        "hub.yaml",
        "connectors.yaml",
    ]
    (cluster,) = _documents("kafka/kustomization.yaml")
    assert cluster["resources"] == ["kafka.yaml"]
