"""The connector under test as a process of its own, its output kept for the BSN check.

By default ``maatwerk-connector run --agency X`` (this interpreter, ``-m connectors.cli``);
``commando`` runs any other build of it (a connector packaged elsewhere, or a broken one in a
test). Its settings come from the environment, as in production: the kit points it at its proxy,
a consumer group of its own and short retry waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Mapping, Sequence

KLAAR = "started successfully"
"""The line FastStream logs once the connector's subscribers run."""


def standaard_commando(agency: str) -> list[str]:
    return [sys.executable, "-m", "connectors.cli", "run", "--agency", agency]


class ConnectorProces:
    def __init__(self, commando: Sequence[str], env: Mapping[str, str]) -> None:
        self._commando = list(commando)
        self._env = {**os.environ, **env}
        self._proces: asyncio.subprocess.Process | None = None
        self._lezer: asyncio.Task[None] | None = None
        self.regels: list[str] = []

    @property
    def uitvoer(self) -> str:
        return "\n".join(self.regels)

    async def start(self, seconden: float = 60.0) -> None:
        """Start it and wait for its ready line; raises RuntimeError (with its output) when it
        stops or stays silent."""
        self._proces = await asyncio.create_subprocess_exec(
            *self._commando,
            env=self._env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._lezer = asyncio.create_task(self._lees())
        grens = asyncio.get_running_loop().time() + seconden
        while not any(KLAAR in r for r in self.regels):
            if self._proces.returncode is not None or self._lezer.done():
                raise RuntimeError(
                    f"connector stopped before it was ready:\n{self.uitvoer[-3000:]}"
                )
            if asyncio.get_running_loop().time() > grens:
                raise RuntimeError(f"connector not ready in {seconden}s:\n{self.uitvoer[-3000:]}")
            await asyncio.sleep(0.1)

    async def _lees(self) -> None:
        assert self._proces is not None and self._proces.stdout is not None
        while regel := await self._proces.stdout.readline():
            self.regels.append(regel.decode("utf-8", "replace").rstrip())

    async def stop(self) -> None:
        """Ask it to stop (SIGTERM), kill it after 15 s; its output is complete afterwards."""
        if self._proces is None:
            return
        if self._proces.returncode is None:
            self._proces.terminate()
            try:
                async with asyncio.timeout(15):  # wait_for drops a cancellation on Python 3.11
                    await self._proces.wait()
            except TimeoutError:
                self._proces.kill()
                await self._proces.wait()
        if self._lezer is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await self._lezer
