"""The hub limits the C allocator to two arenas, whatever number of threads allocate."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from hub.adapters.malloc import limit_arenas

PROBE = """
import ctypes, sys, threading
from hub.adapters.malloc import limit_arenas

if sys.argv[1] == "limit":
    assert limit_arenas()
barrier = threading.Barrier(8)
kept = []

def allocate():
    barrier.wait()  # all eight allocate at once
    kept.append([bytearray(4096) for _ in range(200)])  # past Python's small-object allocator

threads = [threading.Thread(target=allocate) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL(None)
libc.open_memstream.restype = ctypes.c_void_p
buffer, size = ctypes.c_char_p(), ctypes.c_size_t()
stream = libc.open_memstream(ctypes.byref(buffer), ctypes.byref(size))
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(ctypes.string_at(buffer, size.value).decode().count("<heap nr="))
"""


def arenas_after_eight_threads(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
@pytest.mark.subprocess
def test_eight_threads_allocating_share_two_arenas():
    assert arenas_after_eight_threads("default") > 2  # glibc's own: an arena per thread
    assert arenas_after_eight_threads("limit") <= 2


def test_an_operators_own_setting_is_left_alone(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_arenas() is False
