"""Fixtures of the connector tests on a real broker, one set per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.base.sleutels import maak_sleutelpaar


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keys = tmp_path_factory.mktemp("keys")
    for agency in ("belastingdienst", "cjib", "duo", "uwv", "ind"):
        maak_sleutelpaar(keys, agency)
    return keys


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")
