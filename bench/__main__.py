"""``make bench``: raw aiokafka first, then the hub's whole stack, on one broker with mutual TLS.

    python -m bench [--smoke] [--json] [--orders N] [--concurrency N] [--one-at-a-time N]
        [--soak-seconds S] [--raw-records N] [--round-trips N] [--no-informatie]
        [--catch-up N] [--growth-rows N] [--growth-requests N] [--scale-out N]

The broker: ``KAFKA_BOOTSTRAP_SERVERS`` when set, else the project's local broker on free ports
(``bench/broker.py``). The stack: a simulated back-office and a connector per agency of
``simulators.AGENCIES`` (every agency ``make run`` starts) and the hub on SQLite, each its own
process (``tests/support/stack.py``). P6 (``bench/scaleout.py``) runs on PostgreSQL:
``MAATWERK_BENCH_POSTGRES_URL`` when set, else a local server (``deploy/postgres``). Prints each
figure beside the raw reference, the ratio and the target of issue 15 (met / not met); the exit
code says only whether the run worked.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench import catchup, growth, scaleout
from bench.broker import broker
from bench.memory import compile_ahead
from bench.report import Figure, as_json, table
from bench.run import SMOKE, HubFigures, Plan, details, figures, measure_hub, measure_raw
from simulators import AGENCIES
from tests.support.stack import running_stack


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, Plan]:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--smoke", action="store_true", help="a handful of everything: seconds")
    parser.add_argument("--json", action="store_true", help="the figures as JSON on stdout")
    parser.add_argument(
        "--no-informatie", action="store_true", help="time-outs only, not the information request"
    )
    sizes = [f.name for f in dataclasses.fields(Plan) if f.type in ("int", "float")]
    for name in sizes:
        kind = float if name == "soak_seconds" else int
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=kind,
            metavar="S" if kind is float else "N",
            help=f"default {getattr(Plan(), name)} ({getattr(SMOKE, name)} with --smoke)",
        )
    args = parser.parse_args(argv)
    plan = SMOKE if args.smoke else Plan()
    chosen = {n: getattr(args, n) for n in sizes if getattr(args, n) is not None}
    if args.no_informatie:
        chosen["informatie"] = False
    return args, dataclasses.replace(plan, **chosen)


def stop_on_sigterm() -> None:
    """SIGTERM (a CI job's time-out, ``kill``) stops the bench as Ctrl-C does: every ``with``
    unwinds, so the stack's processes and the broker are stopped, not left running (they run in
    sessions of their own, out of reach of a signal to the bench's)."""

    def _interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt("SIGTERM")

    signal.signal(signal.SIGTERM, _interrupt)


def main(argv: list[str] | None = None) -> int:
    args, plan = parse_args(argv)
    stop_on_sigterm()
    # One loket on one address sends far more than an organisation may: the measurement is of
    # the chain, not of the rate limit (the hub inherits this environment).
    os.environ.setdefault("HUB_RATE_LIMIT_PER_SECOND", "0")
    say = (lambda _text: None) if args.json else print
    compile_ahead()  # the stack's processes then import, not compile (P3)
    load_before = os.getloadavg()[0]
    with broker() as bootstrap, tempfile.TemporaryDirectory(prefix="maatwerk-bench-") as root:
        say(f"raw aiokafka on {bootstrap} ...")
        ref = measure_raw(bootstrap, plan)
        say(f"the stack: hub, {len(AGENCIES)} connectors, {len(AGENCIES)} simulators ...")
        with running_stack(bootstrap, Path(root), AGENCIES) as stack:
            hub = asyncio.run(measure_hub(stack, AGENCIES, plan))
        result = figures(ref, hub)
        notes = details(ref, hub, AGENCIES, plan, load_before)
        try:
            _later_figures(bootstrap, Path(root), plan, hub, result, notes, say)
        except BaseException:
            # A later part that failed (a starved machine's time-out) loses nothing measured.
            lines = ["", "measured before the failure:", table(result), "", *notes]
            print("\n".join(lines), file=sys.stderr)
            raise
    if args.json:
        print(
            json.dumps(
                {**as_json(result), "plan": dataclasses.asdict(plan), "notes": notes}, indent=2
            )
        )
    else:
        print("\n".join(["", table(result), "", *notes]))
    return 0


def _later_figures(
    bootstrap: str,
    root: Path,
    plan: Plan,
    hub: HubFigures,
    result: list[Figure],
    notes: list[str],
    say: Callable[[str], None],
) -> None:
    """P5, P4 and P6, each after the main stack has stopped; their figures and notes appended."""
    if plan.catch_up:  # after the stack: no other connector of the agency reads its topic
        say(f"P5: {plan.catch_up} instructions queued while a back-office is away ...")
        drained = catchup.measure_catch_up(bootstrap, root, plan.catch_up)
        result += catchup.figures(drained)
        notes[-1:-1] = catchup.details(drained)
    if plan.growth_rows:
        say(f"P4: {plan.growth_rows:,} time-outs seeded, the stack again on that store ...")
        grown = growth.measure_growth(
            bootstrap,
            root / "growth",
            AGENCIES,
            rows=plan.growth_rows,
            requests=plan.growth_requests,
            orders=plan.orders,
            concurrency=plan.concurrency,
            one_at_a_time=plan.one_at_a_time,
        )
        result += growth.figures(grown, hub.in_flight.records_per_s, hub.one_at_a_time)
        notes[-1:-1] = growth.details(grown)
    if plan.scale_out:
        say(f"P6: {plan.scale_out} orders, 1 hub and 1 connector per agency, then 2 and 2 ...")
        p6 = scaleout.measure_scale_out(
            bootstrap, root, AGENCIES, orders=plan.scale_out, concurrency=plan.concurrency
        )
        result += scaleout.figures(p6)
        notes[-1:-1] = scaleout.details(p6)


if __name__ == "__main__":
    sys.exit(main())
