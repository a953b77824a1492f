"""A SIGTERM stops the bench as Ctrl-C does (``bench.__main__.stop_on_sigterm``): what it started
is stopped on the way out, not left running."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bench.__main__ import stop_on_sigterm


def test_sigterm_unwinds_like_ctrl_c_so_the_stack_is_stopped() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    stopped: list[str] = []
    try:
        stop_on_sigterm()
        with pytest.raises(KeyboardInterrupt):
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(10)  # the handler interrupts it; without one the test fails
            finally:
                stopped.append("stack")  # a running_stack's exit
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert stopped == ["stack"]
