import pytest

from connectors.base.koppeling import OnbekendeUitvoerder, laad_koppeling
from schemas.organisaties import Uitvoerder


@pytest.mark.parametrize("agency", ["belastingdienst", "cjib", "duo", "uwv", "ind", "gemeente"])
def test_each_agency_package_declares_its_koppeling(agency):
    koppeling = laad_koppeling(agency)
    assert koppeling.uitvoerder is Uitvoerder(agency)
    assert koppeling.naam == f"connector-{agency}"
    assert koppeling.standaard_url.startswith("http://127.0.0.1:810")


@pytest.mark.parametrize("agency", ["nope", "loket"])
def test_unknown_or_unconnected_agency(agency):
    with pytest.raises(OnbekendeUitvoerder):
        laad_koppeling(agency)
