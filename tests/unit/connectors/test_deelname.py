"""Invitations and repayment requests at every agency: each connector's translation against its
own simulated back-office (in process), and the base's reading of answers.

What it must do: every agency registers both translations; the request carries the BSN only in
the body, in the agency's own field names and amount format; the back-office registers it under
its own reference (the same one for a repeat: idempotent on the instruction id) and refuses an
unknown person, a meeting that has begun and a due date gone by; each answer is the contract's,
naming the instruction it answers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from connectors.base import deelname
from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek
from connectors.base.koppeling import laad_koppeling
from connectors.base.opdracht import Onverwerkbaar, Opdracht
from connectors.cjib.vertaling import Fout as CjibFout
from schemas import make_event, parse_event
from schemas.casus import Urgentie
from schemas.escalatie import (
    EscalatieUitnodigingGeweigerd,
    EscalatieUitnodigingInstructie,
    EscalatieUitnodigingOntvangen,
    Overlegmoment,
)
from schemas.gedeeld import Bedrag, Partij, Partijsoort, Weigeringsreden
from schemas.opschorting import PersoonVersleuteld
from schemas.organisaties import LOKET, UITVOERDERS, Uitvoerder
from schemas.overbrugging import (
    TerugbetalingsverzoekAanvaard,
    TerugbetalingsverzoekGeweigerd,
    TerugbetalingsverzoekInstructie,
)
from simulators import simulatoren

BEKEND = "999990019"
ONBEKEND = "999999011"
UTRECHT = "00000001999999990201"
AGENCIES = ("belastingdienst", "cak", "cjib", "duo", "gemeente", "ind", "svb", "uwv")
NU = dt.datetime.now(dt.UTC)
PERSOON = PersoonVersleuteld(pseudoniem=f"psn-{uuid.uuid4().hex}", bsn_versleuteld="v1.YQ.YQ.YQ")
"""Not opened here: the Opdracht carries the opened BSN."""


def _gemeente(agency: str) -> str | None:
    return UTRECHT if agency == "gemeente" else None


def uitnodiging(agency: str, bsn: str, aanvang: dt.datetime | None) -> Opdracht[Any]:
    data = EscalatieUitnodigingInstructie(
        escalatie_id=str(uuid.uuid4()),
        casus_id="MWL-2026-0A1B2C3D4E",
        uitvoerder=Uitvoerder(agency),
        personen=(PERSOON,),
        dossierkenmerk="ESC-1",
        gevraagde_rol="directeur uitvoering",
        urgentie=Urgentie.HOOG,
        overleg=None
        if aanvang is None
        else Overlegmoment(
            overleg_id=str(uuid.uuid4()), aanvang=aanvang, duur_minuten=60, locatie="online"
        ),
        reageer_uiterlijk=NU + dt.timedelta(days=5),
        gemeente=_gemeente(agency),
    )
    return Opdracht(instructie_id=str(uuid.uuid4()), instructie=data, bsns=(bsn,))


def terugbetaling(agency: str, bsn: str, uiterlijk: dt.date) -> Opdracht[Any]:
    data = TerugbetalingsverzoekInstructie(
        overbrugging_id=str(uuid.uuid4()),
        casus_id="MWL-2026-0A1B2C3D4E",
        verzoek_id=str(uuid.uuid4()),
        uitvoerder=Uitvoerder(agency),
        personen=(PERSOON,),
        bedrag=Bedrag(centen=105_050),
        uiterlijk=uiterlijk,
        betalingskenmerk="OVB-0A1B2C3D",
        voorfinancierder=Partij(oin=LOKET.oin, naam=LOKET.naam, soort=Partijsoort.LOKET),
        reageer_uiterlijk=NU + dt.timedelta(days=5),
        gemeente=_gemeente(agency),
    )
    return Opdracht(instructie_id=str(uuid.uuid4()), instructie=data, bsns=(bsn,))


def stuur(client: TestClient, agency: str, verzoek: HttpVerzoek) -> BackofficeAntwoord:
    """What the connector's back-office client does, against the simulator in process."""
    assert BEKEND not in verzoek.pad and ONBEKEND not in verzoek.pad
    basis = "/gemeenten/0344/sociaal-domein/v2" if agency == "gemeente" else ""
    r = client.request(verzoek.methode, basis + verzoek.pad, json=dict(verzoek.body or {}))
    return BackofficeAntwoord(r.status_code, r.json())


@pytest.fixture(params=AGENCIES)
def agency(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(agency: str) -> TestClient:
    return TestClient(simulatoren()[agency]()())


def antwoord(agency: str, client: TestClient, opdracht: Opdracht[Any]) -> Any:
    vertaling = laad_koppeling(agency).vertalingen[type(opdracht.instructie).event_type]
    verzoek = vertaling.naar_verzoek(opdracht)
    assert isinstance(verzoek, HttpVerzoek)
    assert verzoek.bestemming == _gemeente(agency)
    data = vertaling.antwoord(opdracht, stuur(client, agency, verzoek), NU)
    # every answer is the contract's (it parses as an event of its type)
    event = make_event(data, source=UITVOERDERS[Uitvoerder(agency)].source, subject=data.casus_id)
    assert parse_event(event.model_dump_json().encode()).type == data.event_type
    return data


def test_an_invitation_is_received_under_the_agencys_own_reference_once(agency, client):
    opdracht = uitnodiging(agency, BEKEND, NU + dt.timedelta(days=7))
    eerste = antwoord(agency, client, opdracht)
    assert isinstance(eerste, EscalatieUitnodigingOntvangen)
    assert eerste.instructie_id == opdracht.instructie_id
    assert "-UIT-" in eerste.referentie and eerste.gemeente == _gemeente(agency)
    assert antwoord(agency, client, opdracht).referentie == eerste.referentie
    geregistreerd = client.get("/_simulator/deelname").json()["uitnodigingen"]
    assert list(geregistreerd) == [eerste.referentie]


def test_an_invitation_without_a_meeting_yet_is_received(agency, client):
    assert isinstance(
        antwoord(agency, client, uitnodiging(agency, BEKEND, None)), EscalatieUitnodigingOntvangen
    )


def test_an_invitation_to_a_meeting_that_began_is_refused(agency, client):
    data = antwoord(agency, client, uitnodiging(agency, BEKEND, NU - dt.timedelta(hours=1)))
    assert isinstance(data, EscalatieUitnodigingGeweigerd)
    assert data.redencode is Weigeringsreden.DATUM_VERSTREKEN
    assert data.reden.startswith("OVERLEG_VERSTREKEN")


def test_a_repayment_request_is_booked_in_the_agencys_amount_format(agency, client):
    opdracht = terugbetaling(agency, BEKEND, NU.date() + dt.timedelta(days=30))
    data = antwoord(agency, client, opdracht)
    assert isinstance(data, TerugbetalingsverzoekAanvaard)
    assert data.verzoek_id == opdracht.instructie.verzoek_id and "-BET-" in data.referentie
    [geboekt] = client.get("/_simulator/deelname").json()["terugbetalingen"].values()
    assert geboekt["centen"] == 105_050 and geboekt["betalingskenmerk"] == "OVB-0A1B2C3D"


def test_a_repayment_request_for_an_unknown_person_or_past_due_is_refused(agency, client):
    onbekend = antwoord(
        agency, client, terugbetaling(agency, ONBEKEND, NU.date() + dt.timedelta(days=30))
    )
    assert isinstance(onbekend, TerugbetalingsverzoekGeweigerd)
    assert onbekend.redencode is Weigeringsreden.ONBEKENDE_PERSOON
    verstreken = antwoord(
        agency, client, terugbetaling(agency, BEKEND, NU.date() - dt.timedelta(days=1))
    )
    assert verstreken.redencode is Weigeringsreden.DATUM_VERSTREKEN


STIJL = deelname.Deelnamestijl(
    agency="CJIB",
    fout=CjibFout,
    onbekend="BETROKKENE_ONBEKEND",
    uitnodigingen="/u",
    terugbetalingen="/t",
    bedrag_in_centen=False,
)


def test_amounts_are_cents_or_a_decimal_string_never_a_float():
    assert STIJL.bedrag(105_005) == "1050.05"
    assert deelname.Deelnamestijl("X", CjibFout, "O", "/u", "/t").bedrag(105_005) == 105_005


@pytest.mark.parametrize(
    ("status", "body", "verwacht"),
    [
        (201, {"referentie": ""}, Weigeringsreden.ONVERWERKBAAR),
        (201, ["geen object"], Weigeringsreden.ONVERWERKBAAR),
        (
            422,
            {"code": "NIET_VERANTWOORDELIJK", "melding": "x"},
            Weigeringsreden.NIET_VERANTWOORDELIJK,
        ),
        (422, {"code": "IETS_ANDERS", "melding": "x"}, Weigeringsreden.ONVERWERKBAAR),
        (422, {"onleesbaar": True}, Weigeringsreden.ONVERWERKBAAR),
    ],
)
def test_answers_that_do_not_fit_are_refusals_never_a_crash(status, body, verwacht):
    uitkomst = STIJL.lees(uitnodiging("cjib", BEKEND, None), BackofficeAntwoord(status, body))
    assert isinstance(uitkomst, deelname.Afgewezen) and uitkomst.redencode is verwacht


def test_a_rejected_request_is_dead_lettered_not_answered():
    with pytest.raises(Onverwerkbaar, match="backoffice-afgewezen"):
        STIJL.lees(uitnodiging("cjib", BEKEND, None), BackofficeAntwoord(400, {"code": "X"}))


def test_a_municipality_refuses_a_person_who_is_not_its_client():
    """The gemeente simulator hosts several municipalities: Rotterdam does not know Utrecht's
    client (each tenant its own files)."""
    client = TestClient(simulatoren()["gemeente"]()())
    opdracht = terugbetaling("gemeente", BEKEND, NU.date() + dt.timedelta(days=30))
    verzoek = (
        laad_koppeling("gemeente")
        .vertalingen[TerugbetalingsverzoekInstructie.event_type]
        .naar_verzoek(opdracht)
    )
    assert isinstance(verzoek, HttpVerzoek)
    r = client.post(
        "/gemeenten/0599/sociaal-domein/v2" + verzoek.pad, json=dict(verzoek.body or {})
    )
    assert r.status_code == 422 and r.json()["fouten"][0]["code"] == "BURGER_NIET_INGESCHREVEN"
    # the same key at another tenant is a reuse of the key: refused, not replayed
    r = client.post(
        "/gemeenten/0344/sociaal-domein/v2" + verzoek.pad, json=dict(verzoek.body or {})
    )
    assert r.status_code == 409
    nieuw = dict(verzoek.body or {}, verzoekId="ander-verzoek")
    r = client.post("/gemeenten/0344/sociaal-domein/v2" + verzoek.pad, json=nieuw)
    assert r.status_code == 201 and r.json()["zaaknummer"].startswith("GEM-BET-")
