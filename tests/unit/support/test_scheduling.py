"""The xdist scheduler of ``make test`` keeps the modules that share a costly fixture together."""

from __future__ import annotations

from pathlib import Path

from tests.support.scheduling import GROUPS, LoadFileGroupScheduling, interleaved

ROOT = Path(__file__).resolve().parents[3]
FIXTURE_OF_GROUP = {
    "kafka-cluster": "kafka_cluster",
    "e2e-stack": "stack",
    "make-run": "make_runs",
}


def scope(nodeid: str) -> str:
    scheduler = object.__new__(LoadFileGroupScheduling)  # _split_scope needs no state
    return scheduler._split_scope(nodeid)


def test_the_modules_of_a_group_are_one_unit_and_the_others_one_each():
    assert scope("tests/e2e/test_cluster_failover.py::test_no_acknowledged_order") == scope(
        "tests/integration/test_kafka_cluster.py::test_killing_the_leader[x@y]"
    )
    assert scope("tests/e2e/stack/test_informatie.py::test_a") == scope(
        "tests/e2e/stack/test_tracing.py::test_b"
    )
    assert scope("tests/e2e/stack/test_informatie.py::test_a") != scope(
        "tests/e2e/test_cluster_failover.py::test_a"
    )
    assert scope("tests/e2e/test_readme.py::test_a") == scope(
        "tests/e2e/test_supervisor.py::test_b"
    )
    assert scope("tests/e2e/test_hub_restart.py::test_a") == "tests/e2e/test_hub_restart.py"
    assert scope("tests/unit/test_x.py::TestY::test_z[1]") == "tests/unit/test_x.py"


def test_every_grouped_module_exists_and_uses_the_shared_fixture():
    """A module renamed or no longer using the fixture would silently start it again on the other
    worker."""
    assert set(GROUPS) == set(FIXTURE_OF_GROUP)
    for group, modules in GROUPS.items():
        for module in modules:
            if module.endswith("/"):  # a package: its conftest defines the fixture
                assert (
                    f"def {FIXTURE_OF_GROUP[group]}(" in (ROOT / module / "conftest.py").read_text()
                )
                continue
            source = (ROOT / module).read_text()
            assert f"{FIXTURE_OF_GROUP[group]}" in source, (group, module)


def test_waiting_and_computing_modules_are_handed_out_in_turn_after_the_long_ones():
    collected = [
        "tests/faults/test_fault_suite.py::test_a",
        "tests/e2e/test_readme.py::test_a",
        "tests/integration/test_a.py::test_1",
        "tests/integration/test_a.py::test_2",
        "tests/integration/test_b.py::test_1",
        "tests/integration/test_c.py::test_1",
        "tests/contract/test_k.py::test_1",
        "tests/api/hub/test_x.py::test_1[1]",
        "tests/api/hub/test_x.py::test_1[2]",
        "tests/unit/test_u.py::test_1",
    ]
    assert interleaved(collected) == [
        "tests/faults/test_fault_suite.py::test_a",
        "tests/e2e/test_readme.py::test_a",
        "tests/integration/test_a.py::test_1",
        "tests/integration/test_a.py::test_2",
        "tests/contract/test_k.py::test_1",
        "tests/integration/test_b.py::test_1",
        "tests/api/hub/test_x.py::test_1[1]",
        "tests/api/hub/test_x.py::test_1[2]",
        "tests/integration/test_c.py::test_1",
        "tests/unit/test_u.py::test_1",
    ]
    assert sorted(interleaved(collected)) == sorted(collected)
