import datetime as dt

import httpx
import pytest

from simulators import belastingdienst, cak, cjib, duo, gemeente, ind, svb, uwv

VANDAAG = dt.date(2026, 11, 22)


def _client(module) -> httpx.AsyncClient:
    app = module.create_app(vandaag=lambda: VANDAAG)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim")


@pytest.fixture
async def bd():
    async with _client(belastingdienst) as client:
        yield client


@pytest.fixture
async def cjib_client():
    async with _client(cjib) as client:
        yield client


@pytest.fixture
async def duo_client():
    async with _client(duo) as client:
        yield client


@pytest.fixture
async def cak_client():
    async with _client(cak) as client:
        yield client


@pytest.fixture
async def svb_client():
    async with _client(svb) as client:
        yield client


@pytest.fixture
async def uwv_client():
    async with _client(uwv) as client:
        yield client


@pytest.fixture
async def ind_client():
    async with _client(ind) as client:
        yield client


@pytest.fixture
async def gemeente_client():
    async with _client(gemeente) as client:
        yield client
