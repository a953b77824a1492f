"""The C allocator's arenas: two for the hub's threads, not one per thread.

glibc's malloc gives a thread that allocates while another holds the main arena an arena of its
own, up to eight per core, and keeps what was freed in each for reuse rather than handing it back.
The hub starts a thread per open SQLite connection (aiosqlite), up to one per request served at
once: under the benchmark's load its resident memory rose by about 17 MiB more than with two
arenas (P3: 182 against 165 MiB peak, the same load). Two is what ``MALLOC_ARENA_MAX=2`` sets,
the usual setting for threaded servers; the contention it adds is none here, where the threads
mostly wait for SQLite.
"""

from __future__ import annotations

import ctypes
import os

M_ARENA_MAX = -8
"""``mallopt``'s parameter number for the arena limit (glibc's ``malloc.h``)."""
ARENAS = 2


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Limit the allocator to ``arenas`` arenas; call it before the process starts threads.

    An operator's own ``MALLOC_ARENA_MAX`` wins (glibc read it at start). Returns whether the
    limit is set: False where the C library is not glibc (no ``mallopt``) or refused it."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
