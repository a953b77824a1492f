"""One stack for the modules of this package: the whole stack as real processes (hub, a connector
and a simulator per agency) on the worker's broker.

Its modules only read it or work on casussen of their own (each test makes its own): starting
its fifteen processes takes 30-50 s on two busy cores, so they share it, on one worker
(``tests/support/scheduling.py`` keeps this package together).

Why a package of its own: a package fixture lives until the last test of its package. In
``tests/e2e`` it outlived these modules and ran on beside the next modules of the worker, whose
hubs use the same broker: its connectors took their instructions too, could not open them with
their own keys and reported them undeliverable (``test_dashboard_browser.py`` saw its request
``undeliverable``, not ``pending``, whenever it ran after these modules on one worker). Here the
stack stops before any other module starts. A module that kills or restarts a part of the stack,
or needs other settings, defines a ``stack`` of its own (``tests/e2e/test_hub_restart.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="package")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(kafka_bootstrap, tmp_path_factory.mktemp("stack")) as stack:
        yield stack
