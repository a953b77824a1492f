"""A local three-node Kafka cluster for fault tests: its bootstrap, and one node killed or started.

The ``kafka_cluster`` fixture (``tests/conftest.py``) starts it with ``deploy/kafka/local-kafka.sh
start --nodes 3`` on free ports with a temporary data dir; the catalogue's topics exist on it with
replication factor 3 and ``min.insync.replicas=2``, and its ACLs. One cluster serves the modules
that use it, one after the other: each module starts first the nodes an earlier one killed and
left down (``heal``), so it finds three; a test that needs all three again starts its victim
itself (``start``).

    leader = await cluster.leader(topic)        # the node that leads partition 0 of topic
    cluster.kill(leader)                        # SIGKILL: no controlled shutdown
    cluster.start(leader)                       # the same node again, same data
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from hub.adapters.topic_admin import admin_client
from tests.support.kafka import kafka_tls

LOCAL_KAFKA = Path(__file__).resolve().parents[2] / "deploy" / "kafka" / "local-kafka.sh"


@dataclass
class KafkaCluster:
    bootstrap: str
    """Every node's client address, comma-separated (as clients take it)."""
    data_dir: Path
    pki_dir: Path
    """Its CA and the organisations' certificates."""
    killed: set[int] = field(default_factory=set)
    """Nodes killed and not started again."""

    @property
    def nodes(self) -> dict[int, str]:
        """Node id -> its client address (127.0.0.1:port)."""
        lines = (self.data_dir / "cluster.nodes").read_text().splitlines()
        return {int(n): f"127.0.0.1:{port}" for n, port, _ in (line.split() for line in lines)}

    def kill(self, node: int) -> None:
        """SIGKILL one node (``local-kafka.sh kill --node``): what a crash does."""
        self.killed.add(node)
        self._script("kill", "--node", str(node))

    def start(self, node: int) -> None:
        """Start one node again, with its data, and wait until it answers."""
        self._script("start", "--node", str(node))
        self.killed.discard(node)

    def heal(self) -> None:
        """Start every node killed and not started again."""
        for node in sorted(self.killed):
            self.start(node)

    def stop(self) -> None:
        self._script("stop")

    async def leader(self, topic: str, partition: int = 0) -> int:
        """The node that leads ``partition`` of ``topic`` now."""
        return (await self.leaders([topic]))[(topic, partition)]

    async def leaders(self, topics: list[str]) -> dict[tuple[str, int], int]:
        """The leader of every partition of ``topics`` (-1: none at the moment)."""
        admin = admin_client(self.bootstrap, kafka_tls())
        await admin.start()
        try:
            described = await admin.describe_topics(topics)
        finally:
            await admin.close()
        return {
            (t["topic"], p["partition"]): p["leader"] for t in described for p in t["partitions"]
        }

    def _script(self, *args: str) -> str:
        env = {**os.environ, "PYTHON": sys.executable, "PKI_PYTHON": sys.executable}
        result = subprocess.run(
            [str(LOCAL_KAFKA), *args, "--data-dir", str(self.data_dir)],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"local-kafka.sh {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout
