"""The project's local CA (deploy/pki/local_ca.py) for tests that need certificates of their own."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

LOCAL_CA = Path(__file__).resolve().parents[2] / "deploy" / "pki" / "local_ca.py"


def _local_ca() -> ModuleType:
    spec = importlib.util.spec_from_file_location("maatwerk_local_ca", LOCAL_CA)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def maak_pki(directory: Path) -> list[str]:
    """A CA and a certificate per organisation in ``directory`` (what ``local_ca.py`` writes)."""
    result: list[str] = _local_ca().maak(directory)
    return result
