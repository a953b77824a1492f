"""A test process that keeps its heap small, so that Python's garbage collector does not take a
large part of its CPU.

Each API test builds a whole hub (app, store, broker, background tasks): thousands of objects in
reference cycles, which only the cyclic garbage collector frees. Measured on the API
tests of one process (``tests/api/hub``, 226 tests), the collector took 15 s of its 79 s of CPU:

- Stopped hubs were never freed. FastAPI (0.165) remembers, per endpoint callable, whether it is
  a coroutine or generator function, in caches of 4,096 entries keyed by the callable itself; an
  app's own endpoints (its OpenAPI document, the docs pages) are closures over the app, so every
  app stayed reachable, and with it its hub. :func:`forget_stopped_apps` empties those caches
  after each test (the next request fills them again, a few inspections per endpoint). The
  broker's renewable producer (``schemas.producer``) held its broker strongly from a
  ``WeakKeyDictionary`` keyed by that broker; it holds it weakly now.
- Every full collection walked the whole heap: the modules imported to collect the tests, the
  pydantic models, the fuzz module's hub and OpenAPI document, and every hub kept so far; a hub
  per test pushed the collector into a full collection every few tests. :func:`settle` moves what
  exists after collection (about 400,000 objects) out of the collector's sight (``gc.freeze``:
  it lives for the whole process anyway) and lets the youngest generation grow to 10,000 objects
  before a collection (Python's default, 700, promoted each test's hub into the old generations
  while it ran).

Measured on the same 226 tests (one process, 7 December 2026): 79 s of CPU before, 51 s after;
the collector 5 s of it. Nothing a test checks depends on when garbage is collected.
"""

from __future__ import annotations

import gc
import sys

YOUNG_THRESHOLD = 10_000
"""Allocations (net) before a collection of the youngest generation (Python's default: 700)."""


def settle() -> None:
    """After the tests are collected: keep what exists out of every later collection (it lives
    as long as the process; collecting first found a few hundred objects of garbage in 0.2 s),
    and collect the young generation less often."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)


def forget_stopped_apps() -> None:
    """Drop FastAPI's memory of the endpoint callables it has seen (see the module docstring),
    so a stopped app and what it holds can be freed. Does nothing where FastAPI is not loaded or
    keeps no such caches."""
    models = sys.modules.get("fastapi.dependencies.models")
    if models is None:
        return
    for name in (
        "_is_gen_callable_cached",
        "_is_async_gen_callable_cached",
        "_is_coroutine_callable_cached",
    ):
        cache_clear = getattr(getattr(models, name, None), "cache_clear", None)
        if cache_clear is not None:
            cache_clear()
