"""Pseudonyms are per casus; the hub's lookup key of a BSN is the same across casussen and stays
inside the hub (issue 8)."""

from __future__ import annotations

import re

import pytest

from hub.adapters.secrets import HubSecrets
from hub.service import casus as service
from hub.service.commands import DienCasusIn
from tests.support.loket import LOKET_DOOR, casus_body
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps

BSN = "999990019"
ANDER = "999990020"


@pytest.fixture
def secrets(tmp_path) -> HubSecrets:
    return HubSecrets.load(tmp_path)


def test_one_person_has_another_pseudonym_in_every_casus(secrets):
    a = secrets.pseudoniem("MWL-2026-AAAAAAAAAA", BSN)
    b = secrets.pseudoniem("MWL-2026-BBBBBBBBBB", BSN)
    assert a != b
    assert a == secrets.pseudoniem("MWL-2026-AAAAAAAAAA", BSN)  # stable within the casus
    assert a != secrets.pseudoniem("MWL-2026-AAAAAAAAAA", ANDER)
    assert re.fullmatch(r"psn-[0-9a-f]{32}", a)


def test_the_casus_id_and_the_bsn_cannot_be_shifted_into_each_other(secrets):
    """Separated by a NUL: ("...A", "1...") and ("...A1", "...") are different inputs."""
    assert secrets.pseudoniem("MWL-2026-AAAAAAAAAA", "1" + BSN[1:]) != secrets.pseudoniem(
        "MWL-2026-AAAAAAAAAA1", BSN[1:]
    )


def test_the_lookup_key_is_one_per_person_and_unlike_any_pseudonym(secrets, tmp_path):
    sleutel = secrets.zoeksleutel(BSN)
    assert sleutel == secrets.zoeksleutel(BSN)
    assert sleutel != secrets.zoeksleutel(ANDER)
    assert re.fullmatch(r"[0-9a-f]{64}", sleutel)
    pseudoniem = secrets.pseudoniem("MWL-2026-AAAAAAAAAA", BSN)
    assert pseudoniem.removeprefix("psn-") not in sleutel
    # A key of its own, derived from the pseudonym key: not the HMAC of the BSN under it.
    import hashlib
    import hmac

    assert sleutel != hmac.new(secrets.pseudonym_key, BSN.encode(), hashlib.sha256).hexdigest()
    # and another hub (another key) computes other values
    other = HubSecrets.load(tmp_path / "other")
    assert other.zoeksleutel(BSN) != sleutel


def test_the_lookup_key_of_a_stored_bsn(secrets):
    assert secrets.zoeksleutel_uit_opslag(secrets.versleutel_opslag(BSN)) == secrets.zoeksleutel(
        BSN
    )
    assert secrets.zoeksleutel_uit_opslag("sealed-bsn") is None


@pytest.fixture
def deps(tmp_path):
    return fake_deps(tmp_path, Klok())


async def submit(store, deps, *bsns: str) -> str:
    return await service.dien_casus_in(
        DienCasusIn(**casus_body(*bsns)), FakeUnitOfWork(store, deps), deps, door=LOKET_DOOR
    )


async def test_two_casussen_of_one_person_are_unlinkable_outside_the_hub(deps):
    store = Store()
    eerste = await submit(store, deps, BSN)
    tweede = await submit(store, deps, BSN, ANDER)
    assert eerste != tweede

    [(_, a), (_, b)] = store.published
    assert a.data.huishouden[0].pseudoniem == deps.secrets.pseudoniem(eerste, BSN)
    assert b.data.huishouden[0].pseudoniem == deps.secrets.pseudoniem(tweede, BSN)
    assert a.data.huishouden[0].pseudoniem != b.data.huishouden[0].pseudoniem

    casussen = store.tables["casussen"]
    [lid_a] = casussen[eerste].leden
    lid_b, lid_ander = casussen[tweede].leden
    sleutel = deps.secrets.zoeksleutel(BSN)
    assert lid_a.bsn_zoeksleutel == lid_b.bsn_zoeksleutel == sleutel
    assert lid_ander.bsn_zoeksleutel == deps.secrets.zoeksleutel(ANDER)

    # the hub finds both casussen of the person; nothing it published or audited can
    assert await service.casussen_van(BSN, FakeUnitOfWork(store, deps), deps) == sorted(
        [eerste, tweede]
    )
    assert await service.casussen_van(ANDER, FakeUnitOfWork(store, deps), deps) == [tweede]
    gezien = repr(store.published) + repr(store.audit) + repr(casussen)
    assert sleutel not in gezien and BSN not in gezien
