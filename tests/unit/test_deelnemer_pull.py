"""A pulling party (``simulators.deelnemer``, the zorgkantoor of ``make run``) asks the hub for
its messages every second while idle: over one client, not a new one per round (each a new TLS
connection with the hub: the party's idle CPU was 7.0 ms a second, 4.5 with one client)."""

from __future__ import annotations

import httpx
import pytest

from simulators.deelnemer import Deelnemer

ROUNDS = 5


async def test_an_idle_pulling_party_keeps_one_client_to_the_hub() -> None:
    rounds = 0
    clients = 0

    def hub_api(request: httpx.Request) -> httpx.Response:
        nonlocal rounds
        rounds += 1
        if rounds > ROUNDS:
            raise RuntimeError("enough rounds")  # ends the pull, as the hub going away would
        return httpx.Response(200, json={"events": [], "cursor": 0})

    def hub() -> httpx.AsyncClient:
        nonlocal clients
        clients += 1
        return httpx.AsyncClient(
            base_url="https://hub.test", transport=httpx.MockTransport(hub_api)
        )

    party = Deelnemer("zorgkantoor", hub)
    with pytest.raises(RuntimeError, match="enough rounds"):
        await party.pull("abonnement", pause=0)

    assert rounds == ROUNDS + 1
    assert clients == 1
