"""The arithmetic of the dashboard's series: percentiles and which instrument a message is."""

from __future__ import annotations

import pytest

from hub.service.ops_reeksen import instrument_van, percentiel


def test_nearest_rank_percentiles_are_values_that_occurred():
    waarden = [float(n) for n in range(1, 21)]  # 1 .. 20 seconds
    assert percentiel(waarden, 50) == 10.0
    assert percentiel(waarden, 95) == 19.0
    assert percentiel([7.0], 50) == percentiel([7.0], 95) == 7.0
    assert percentiel([30.0, 1.0, 2.0], 95) == 30.0  # unsorted in, the slow one counts


@pytest.mark.parametrize(
    ("event_type", "instrument"),
    [
        ("nl.maatwerk.opschorting.instructie.v1", "opschorting"),
        ("nl.maatwerk.casus.ingediend.v1", "casus"),
        ("nl.maatwerk.informatie.verzoek.v1", "informatie"),
        ("iets.anders", "iets.anders"),
    ],
)
def test_the_instrument_is_the_event_types_family(event_type, instrument):
    assert instrument_van(event_type) == instrument
