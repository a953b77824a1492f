"""What a test stack (``tests/support/stack.py``) makes for its hub and connectors before they
start: every agency's key pair and the hub's store at the newest revision, in the test process. A
keygen process per agency (0.5 s of CPU each) and the hub's own migration in a child process
(1.2 s) cost a stack of eight agencies about 5 s of CPU."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from connectors.base.sleutels import laad_private_key, sleutelpaden
from hub.adapters.migrations import newest_revision
from simulators import AGENCIES
from tests.support.stack import hub_store, make_agency_keys


@pytest.fixture
def no_processes(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every process started meanwhile (none is: each fails)."""
    started: list[Any] = []

    def refuse(args: Any, *rest: Any, **kwargs: Any) -> None:
        started.append(args)
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    return started


def test_a_stack_makes_every_agencys_key_pair_without_a_process(
    tmp_path: Path, no_processes: list[Any]
) -> None:
    keys = tmp_path / "keys"
    make_agency_keys(AGENCIES, keys)
    assert no_processes == []
    for agency in AGENCIES:
        private, public = sleutelpaden(keys, agency)
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
        assert public.read_bytes()
        laad_private_key(keys, agency)  # readable as the connector reads it

    kept = {agency: sleutelpaden(keys, agency)[0].read_bytes() for agency in AGENCIES}
    make_agency_keys(AGENCIES, keys)  # a stack started again on the same keys keeps them
    assert {agency: sleutelpaden(keys, agency)[0].read_bytes() for agency in AGENCIES} == kept


def test_a_stack_hub_store_is_at_the_newest_revision_before_the_hub_starts(
    tmp_path: Path, no_processes: list[Any]
) -> None:
    path = tmp_path / "hub.sqlite3"
    assert hub_store(path) == f"sqlite+aiosqlite:///{path}"
    assert no_processes == []
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (newest_revision(),)
        ]


def test_a_stack_keeps_a_store_that_is_there(tmp_path: Path) -> None:
    """A bench seeds the store first (``bench/growth.py``): the stack's hub must find it."""
    path = tmp_path / "hub.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE seeded (n INTEGER)")
    hub_store(path)
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert tables == {"seeded"}
