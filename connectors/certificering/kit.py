"""One certification run: set the stage, run the battery, clear the stage.

The stage: a producer and a reader on the broker as the kit's own identity (the operators' by
default: it publishes as the hub would and reads every topic), a proxy in front of the
back-office, and the connector as a process under a consumer group of its own that starts at
the current end of the agency's topics (what others published before is not its to answer).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import uuid
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from connectors.base.koppeling import Koppeling
from connectors.certificering.certificaat import Certificaat, Resultaat
from connectors.certificering.controles import NAMEN, batterij
from connectors.certificering.omgeving import Omgeving
from connectors.certificering.proces import ConnectorProces, standaard_commando
from connectors.certificering.proxy import Proxy
from connectors.certificering.runner import voer_uit
from connectors.certificering.verzamelaar import Verzamelaar
from schemas.identiteit import KafkaTls
from schemas.versleuteling import load_public_key


@dataclass(frozen=True)
class Opstelling:
    """Where and how to certify."""

    koppeling: Koppeling
    bootstrap: str
    backoffice_url: str
    keys_dir: Path
    """Holds ``<agency>.pub`` (the kit seals with it) and ``<agency>.key`` (the connector's)."""
    kit_tls: KafkaTls | None = None
    """The kit's own identity on the broker (None: PLAINTEXT)."""
    connector_tls: KafkaTls | None = None
    """The agency's identity, handed to the connector (None: PLAINTEXT)."""
    termijn: dt.timedelta = dt.timedelta(seconds=30)
    commando: Sequence[str] | None = None


def connector_versie() -> str:
    """The package version and, in a git checkout, the commit."""
    tekst = f"maatwerk-hub {version('maatwerk-hub')}"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return tekst
    return f"{tekst}, commit {commit}"


def _connector_env(o: Opstelling, proxy_url: str, group_id: str) -> dict[str, str]:
    env = {
        "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": o.bootstrap,
        "CONNECTOR_BACKOFFICE_URL": proxy_url,
        "CONNECTOR_KEYS_DIR": str(o.keys_dir),
        "CONNECTOR_GROUP_ID": group_id,
        "CONNECTOR_REQUEST_TIMEOUT": "5",
        "CONNECTOR_RETRY_ATTEMPTS": "2",
        "CONNECTOR_RETRY_BACKOFF_INITIAL": "0.2",
        "CONNECTOR_RETRY_BACKOFF_MAX": "0.5",
        "CONNECTOR_LOG_INTERVAL": "0",
    }
    if o.connector_tls is not None:
        env |= {
            "CONNECTOR_KAFKA_SSL_CAFILE": str(o.connector_tls.cafile),
            "CONNECTOR_KAFKA_SSL_CERTFILE": str(o.connector_tls.certfile),
            "CONNECTOR_KAFKA_SSL_KEYFILE": str(o.connector_tls.keyfile),
        }
    return env


async def _groep_aan_het_einde(o: Opstelling, group_id: str) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=o.bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        **(o.kit_tls.client_kwargs() if o.kit_tls else {}),
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(t.name, p) for t in o.koppeling.topics for p in range(t.partitions)
        ]
        consumer.assign(partitions)
        await consumer.commit(dict(await consumer.end_offsets(partitions)))
    finally:
        await consumer.stop()


def _niet_gestart(certificaat: Certificaat, uitleg: str) -> Certificaat:
    """A connector that does not start fails every check, its output the evidence."""
    for naam in NAMEN:
        certificaat.resultaten.append(Resultaat(naam, "", False, uitleg[-1000:], 0.0))
    return certificaat


async def certificeer(o: Opstelling) -> Certificaat:
    """Run the battery against the connector of ``o.koppeling``; the certificate says it all
    (a connector that does not even start fails every check, with its output as evidence)."""
    agency = o.koppeling.uitvoerder.value
    certificaat = Certificaat(
        agency=agency,
        connector=connector_versie(),
        broker=o.bootstrap,
        begonnen=dt.datetime.now(dt.UTC),
    )
    kwargs = o.kit_tls.client_kwargs() if o.kit_tls else {}
    doel = urlsplit(o.backoffice_url)
    proxy = Proxy(doel.hostname or "127.0.0.1", doel.port or 80)
    group_id = f"{o.koppeling.naam}-certificering-{uuid.uuid4().hex[:8]}"
    async with AsyncExitStack() as stack:
        producer = AIOKafkaProducer(
            bootstrap_servers=o.bootstrap, enable_idempotence=True, **kwargs
        )
        await producer.start()
        stack.push_async_callback(producer.stop)
        verzamelaar = Verzamelaar(o.bootstrap, kwargs)
        await verzamelaar.start()
        stack.push_async_callback(verzamelaar.stop)
        await proxy.terug()
        stack.push_async_callback(proxy.weg)
        await _groep_aan_het_einde(o, group_id)
        proces = ConnectorProces(
            o.commando or standaard_commando(agency), _connector_env(o, proxy.url, group_id)
        )
        stack.push_async_callback(proces.stop)
        try:
            await proces.start()
        except RuntimeError as exc:
            return _niet_gestart(certificaat, str(exc))
        omgeving = Omgeving(
            koppeling=o.koppeling,
            publiek=load_public_key((o.keys_dir / f"{agency}.pub").read_bytes()),
            producer=producer,
            verzamelaar=verzamelaar,
            proxy=proxy,
            proces=proces,
            backoffice_url=o.backoffice_url,
            termijn=o.termijn,
        )
        controles = batterij(omgeving)
        await voer_uit(controles[:5], certificaat)
        await proces.stop()  # its log is complete before the log is judged
        await voer_uit(controles[5:], certificaat)
    return certificaat
