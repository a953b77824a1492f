"""A costly shared fixture (the three-node cluster, the ``make run``) is stopped as soon as the
next test does not use it, and started again by a later test that does
(``tests/support/idle.py``)."""

from __future__ import annotations

import pytest

CONFTEST = """
import pytest
from tests.support.idle import stopped_when_unused

LOG = []


class Keeper:
    up = False

    def running(self):
        if not self.up:
            LOG.append("start")
            self.up = True
        return self

    def stop(self):
        if self.up:
            LOG.append("stop")
            self.up = False


@pytest.fixture(scope="session")
def keeper(pytestconfig):
    keeper = Keeper()
    with stopped_when_unused(pytestconfig, "shared", keeper.stop):
        yield keeper


@pytest.fixture(scope="module")
def shared(keeper):
    return keeper.running()
"""


def test_a_shared_fixture_stops_when_the_next_test_does_not_use_it(pytester: pytest.Pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(
        test_a="from conftest import LOG\n"
        "def test_1(shared): LOG.append('a1')\n"
        "def test_2(shared): LOG.append('a2')\n",
        test_b="from conftest import LOG\ndef test_1(shared): LOG.append('b1')\n",
        test_c="from conftest import LOG\n"
        "def test_1(): LOG.append('c1')\n"
        "def test_2(shared): LOG.append('c2')\n"
        "def test_3():\n"
        "    assert LOG == ['start', 'a1', 'a2', 'b1', 'stop', 'c1', 'start', 'c2', 'stop'], LOG\n",
    )
    result = pytester.runpytest_inprocess(
        "-p", "tests.support.idle", "-o", "asyncio_default_fixture_loop_scope=session"
    )
    result.assert_outcomes(passed=6)
