"""The service tests' hub in memory: a clock a test moves, the committed store, the hub's
dependencies and a fresh unit of work per call (``uow()``). A module overrides what it needs
otherwise (``deps`` with connected agencies, a clock at another moment)."""

from __future__ import annotations

import pytest

from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps


@pytest.fixture
def klok():
    return Klok()


@pytest.fixture
def store():
    return Store()


@pytest.fixture
def deps(tmp_path, klok):
    return fake_deps(tmp_path, klok)


@pytest.fixture
def uow(store, deps):
    return lambda: FakeUnitOfWork(store, deps)
