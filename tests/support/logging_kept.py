"""Every test leaves the process's logging as it found it (a plugin ``tests/conftest.py`` loads).

structlog's configuration and the standard library's root logger are global to the test
process. A test that configures logging in process (``schemas.logs.configure_logging``, a CLI
command run through ``CliRunner``) and leaves it so changes what later tests of that process
see, and which ones depends on the order the tests ran in: with ``cache_logger_on_first_use``
on, a module's logger first used then keeps that configuration's processors for good, so a later
``structlog.testing.capture_logs`` no longer sees its lines (``tests/api/hub/test_supervision.py``
failed that way after ``test_the_tls_options_come_as_three`` and ``test_kafka_client_logs`` ran
before it on one worker). This plugin puts the configuration back after each test and fails the
test that changed it, naming what it left behind.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog


def _state() -> tuple[dict[str, Any], list[Any], list[logging.Handler], int]:
    config = structlog.get_config()
    root = logging.getLogger()
    return config, list(config["processors"]), root.handlers[:], root.level


def _changes(before: tuple[dict[str, Any], list[Any], list[logging.Handler], int]) -> list[str]:
    config, processors, handlers, level = before
    now = structlog.get_config()
    root = logging.getLogger()
    changed = [
        f"structlog's {key}"
        for key in ("logger_factory", "wrapper_class", "context_class", "cache_logger_on_first_use")
        if now[key] is not config[key]
    ]
    if now["processors"] is not config["processors"] or now["processors"] != processors:
        changed.append("structlog's processors")
    if root.handlers != handlers:
        changed.append("the root logger's handlers")
    if root.level != level:
        changed.append("the root logger's level")
    return changed


def _restore(before: tuple[dict[str, Any], list[Any], list[logging.Handler], int]) -> None:
    config, processors, handlers, level = before
    config["processors"][:] = processors  # the same list: bound loggers hold on to it
    structlog.configure(**config)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(level)


@contextlib.contextmanager
def logging_restored() -> Iterator[None]:
    """Within this block a test may configure the process's logging: it is put back after."""
    before = _state()
    try:
        yield
    finally:
        _restore(before)


@pytest.fixture(autouse=True)
def _logging_kept() -> Iterator[None]:
    before = _state()
    yield
    changed = _changes(before)
    if changed:
        _restore(before)
        pytest.fail(
            "the test left the process's logging configured otherwise: "
            + ", ".join(changed)
            + " (restore them, or configure logging in a subprocess)",
            pytrace=False,
        )
