import json

import pytest
from typer.testing import CliRunner

from simulators import AGENCIES, belastingdienst, cak, cjib, duo, gemeente, ind, svb, uwv
from simulators.cli import app
from simulators.common import elfproef

SEEDS = {
    "belastingdienst": belastingdienst,
    "cjib": cjib,
    "duo": duo,
    "cak": cak,
    "svb": svb,
    "uwv": uwv,
    "ind": ind,
    "gemeente": gemeente,
}


@pytest.mark.parametrize("agency", AGENCIES)
def test_seed_files_load_and_hold_only_valid_test_bsns(agency):
    module = SEEDS[agency]
    tekst = module.SEED.read_text()
    app_ = module.create_app()
    simulator = app_.state.simulator
    assert simulator.register.aantal_personen >= 3
    for bsn in {w for w in json.dumps(json.loads(tekst)).replace('"', " ").split() if w.isdigit()}:
        if len(bsn) == 9:
            assert elfproef(bsn)
            assert bsn.startswith("99999")


def test_the_demo_person_is_known_everywhere():
    for module in SEEDS.values():
        assert module.create_app().state.simulator.register.persoon("999990019") is not None


def test_elfproef():
    assert elfproef("999990019")
    assert not elfproef("999990018")
    assert not elfproef("12345678")


def test_cli_lists_agencies_and_refuses_unknown_ones():
    runner = CliRunner()
    result = runner.invoke(app, ["agencies"])
    assert result.exit_code == 0
    assert "cjib\t8102" in result.output
    assert "cak\t8104" in result.output and "svb\t8105" in result.output
    assert runner.invoke(app, ["run", "--agency", "nasa"]).exit_code != 0


def test_the_tls_options_come_as_three():
    runner = CliRunner()
    result = runner.invoke(app, ["run", "--agency", "gemeente", "--tls-cert", "/nope.pem"])
    assert result.exit_code != 0
    assert "all three" in result.output
