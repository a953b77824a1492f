"""A test that leaves the process's logging configured otherwise fails, and the next test of the
process finds it as it was (``tests/support/logging_kept.py``)."""

from __future__ import annotations

import pytest

TESTS = """
import logging

import structlog
from structlog.testing import capture_logs

from schemas.logs import configure_logging

log = structlog.get_logger("a.module")


def test_configures_logging_and_leaves_it():
    configure_logging()


def test_a_later_capture_sees_the_modules_lines():
    with capture_logs() as logged:
        log.info("seen")
    assert [line["event"] for line in logged] == ["seen"]
    assert not structlog.get_config()["cache_logger_on_first_use"]
"""


def test_a_test_that_leaves_logging_configured_fails_and_the_next_finds_it_restored(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_logs=TESTS)
    result = pytester.runpytest_inprocess(
        "-p", "tests.support.logging_kept", "-o", "asyncio_default_fixture_loop_scope=session"
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*test_configures_logging_and_leaves_it*", "*left the process's logging configured*"]
    )
