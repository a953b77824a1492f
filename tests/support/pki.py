"""The project's local CA (deploy/pki/local_ca.py) for tests that need certificates of their own."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

LOCAL_CA = Path(__file__).resolve().parents[2] / "deploy" / "pki" / "local_ca.py"


def _local_ca() -> ModuleType:
    spec = importlib.util.spec_from_file_location("maatwerk_local_ca", LOCAL_CA)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


def maak_pki(directory: Path) -> list[str]:
    """A CA and a certificate per organisation in ``directory`` (what ``local_ca.py`` writes)."""
    result: list[str] = _local_ca().maak(directory)
    return result
