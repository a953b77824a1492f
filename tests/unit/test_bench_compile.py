"""The benchmark writes the ``.pyc`` of what the stack imports before starting it: a process that
compiles its modules keeps about 3 MiB more (issue 15's P3 would measure the compiler), also where
the shell says ``PYTHONDONTWRITEBYTECODE=1``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import faststream
import pydantic

import connectors.cli
import hub.app
from bench.memory import compile_ahead, stack_sources


def test_compile_ahead_writes_bytecode_where_the_environment_says_not_to(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    package = tmp_path / "pakket"
    package.mkdir()
    sources = [package / "__init__.py", package / "module.py"]
    for source in sources:
        source.write_text("WAARDE = 1\n")

    assert compile_ahead([tmp_path])

    assert all(Path(importlib.util.cache_from_source(str(s))).is_file() for s in sources)


def test_what_the_stack_imports_is_compiled_ahead():
    roots = stack_sources()
    for module in (faststream, pydantic, hub.app, connectors.cli):
        assert any(Path(module.__file__ or "").is_relative_to(root) for root in roots), module
