"""One example message per message type: published under ``schemas/examples/`` and usable in tests.

Everything here is fictitious: the casus id, the OINs (see :mod:`schemas.organisaties`), the
pseudonyms. No example holds a BSN, not even a made-up one: a sealed BSN is a placeholder of the
right shape that no key opens.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from schemas import (
    aflevering,
    afwijking,
    casus,
    escalatie,
    informatie,
    opschorting,
    overbrugging,
    register,
    signalering,
)
from schemas.envelope import CloudEvent, EventData, event_types, make_event
from schemas.gedeeld import Bedrag, Bestuurder, Partij, Partijsoort, Regel, Weigeringsreden
from schemas.organisaties import HUB, UITVOERDERS, Uitvoerder

CASUS_ID = "MWL-2026-0A1B2C3D4E"
TIJD = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
DEADLINE = dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
PSEUDONIEM_AANVRAGER = "psn-" + uuid.uuid5(uuid.NAMESPACE_URL, "voorbeeld:aanvrager").hex
PSEUDONIEM_PARTNER = "psn-" + uuid.uuid5(uuid.NAMESPACE_URL, "voorbeeld:partner").hex
VERZEGELD = "v1.dm9vcmJlZWxkLWVwaw.dm9vcmJlZWxkLW5vbmNl.Z2VlbiBlY2h0ZSBic24"
"""Shape of a sealed BSN; base64url of placeholder words, opened by no key."""
VERZEGELDE_INHOUD = "v1.dm9vcmJlZWxkLWVwaw.dm9vcmJlZWxkLW5vbmNl.Z2VlbiBlY2h0ZSB2b3JkZXJpbmdlbg"
"""Shape of sealed answer content; placeholder words, opened by no key."""
ONTVANGER_SLEUTEL = "dm9vcmJlZWxkIG9udHZhbmdlcnNsZXV0ZWwgMzIgYiE"
"""Shape of a receiver's public key (base64url of 32 placeholder bytes)."""


def _id(naam: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"voorbeeld:{naam}"))


GEMEENTE = Partij(oin="00000001999999990108", naam="Gemeente Voorbeeld", soort=Partijsoort.GEMEENTE)
ZORGVERZEKERAAR = Partij(
    oin="00000001999999990201", naam="Zorgverzekeraar Voorbeeld", soort=Partijsoort.ZORGVERZEKERAAR
)
ZORGKANTOOR = Partij(
    oin="00000001999999990202", naam="Zorgkantoor Voorbeeld", soort=Partijsoort.ZORGKANTOOR
)
CJIB = Partij(
    oin=UITVOERDERS[Uitvoerder.CJIB].oin,
    naam=UITVOERDERS[Uitvoerder.CJIB].naam,
    soort=Partijsoort.LANDELIJKE_UITVOERDER,
)
PERSONEN = (
    opschorting.PersoonVersleuteld(pseudoniem=PSEUDONIEM_AANVRAGER, bsn_versleuteld=VERZEGELD),
)
PERIODE = opschorting.Periode(ingangsdatum=dt.date(2026, 3, 2), einddatum=dt.date(2026, 5, 31))
OPSCHORTING_ID = _id("opschorting")
INSTRUCTIE_ID = _id("instructie-cjib")
ESCALATIE_ID = _id("escalatie")
OVERBRUGGING_ID = _id("overbrugging")
VERZOEK_ID = _id("informatieverzoek")
AWB_4_94 = Regel(
    regeling="Algemene wet bestuursrecht", artikel="artikel 4:94", bwb_id="BWBR0005537"
)
WMO = Regel(regeling="Wet maatschappelijke ondersteuning 2015", bwb_id="BWBR0035362")

_casus = {"casus_id": CASUS_ID}
_opschorting = {"opschorting_id": OPSCHORTING_ID, "casus_id": CASUS_ID}
_instructie = {**_opschorting, "uitvoerder": Uitvoerder.CJIB, "personen": PERSONEN}
_antwoord = {**_opschorting, "uitvoerder": Uitvoerder.CJIB, "instructie_id": INSTRUCTIE_ID}
_escalatie = {"escalatie_id": ESCALATIE_ID, "casus_id": CASUS_ID}
_overbrugging = {"overbrugging_id": OVERBRUGGING_ID, "casus_id": CASUS_ID}
_informatie = {"verzoek_id": VERZOEK_ID, "casus_id": CASUS_ID, "verstrekker": Uitvoerder.CJIB}
_bestuurders = (
    Bestuurder(partij=GEMEENTE, functie="wethouder sociaal domein"),
    Bestuurder(partij=CJIB, functie="algemeen directeur"),
)
_inschrijving: dict[str, Any] = {
    "organisatie_oin": GEMEENTE.oin,
    "organisatie_naam": GEMEENTE.naam,
    "organisatiesoort": Partijsoort.GEMEENTE,
    "team": "Team Maatwerk",
    "email": "maatwerk@gemeente.example",
    "telefoon": "14 0000",
    "mandaat": register.Mandaat(
        omschrijving="Beslist over maatwerk tot het maximum bedrag, zonder terugkoppeling.",
        verleend_door="college van burgemeester en wethouders",
        instrumenten=(casus.Instrument.AFWIJKING, casus.Instrument.OVERBRUGGING),
        maximum_bedrag=Bedrag(centen=500_000),
    ),
    "domeinen": (casus.Probleemdomein.SCHULDEN, casus.Probleemdomein.WONEN),
}


def _payloads() -> list[EventData]:
    return [
        casus.CasusIngediend(
            **_casus,
            indiener_oin=GEMEENTE.oin,
            maatwerkfunctionaris=casus.Maatwerkfunctionaris(
                naam="Team Maatwerk", email="maatwerk@gemeente.example", telefoon="14 0000"
            ),
            huishouden=(
                casus.Huishoudlid(pseudoniem=PSEUDONIEM_AANVRAGER, rol="aanvrager"),
                casus.Huishoudlid(pseudoniem=PSEUDONIEM_PARTNER, rol="partner"),
            ),
            probleemdomeinen=(casus.Probleemdomein.SCHULDEN, casus.Probleemdomein.ZORG),
            betrokken_organisaties=(Uitvoerder.CJIB, Uitvoerder.CAK, Uitvoerder.GEMEENTE),
            geprobeerd="Betalingsregelingen gevraagd; overleg tussen maatwerkfunctionarissen.",
            urgentie=casus.Urgentie.HOOG,
            gevraagde_instrumenten=(casus.Instrument.TIME_OUT, casus.Instrument.OVERBRUGGING),
            ingediend_op=TIJD,
        ),
        casus.CasusGeaccepteerd(**_casus, geaccepteerd_op=TIJD),
        casus.CasusAfgewezen(
            **_casus,
            redencode=casus.Afwijzingsreden.NIET_ALLES_GEPROBEERD,
            reden="De betrokken organisaties hebben nog geen overleg gehad.",
            advies="Leg de casus eerst voor aan de maatwerkfunctionaris van het CJIB.",
            afgewezen_op=TIJD,
        ),
        casus.CasusInBehandeling(**_casus, behandelteam="Loketteam Noord", in_behandeling_op=TIJD),
        casus.CasusOpgeschaald(
            **_casus,
            escalatie_id=ESCALATIE_ID,
            reden="Geen overeenstemming over wie de zorg betaalt.",
            opgeschaald_op=TIJD,
        ),
        casus.CasusOpgelost(
            **_casus,
            oplossing="Invordering opgeschort; zorg gestart via overbrugging.",
            ingezette_instrumenten=(casus.Instrument.TIME_OUT, casus.Instrument.OVERBRUGGING),
            opgelost_op=TIJD,
        ),
        casus.CasusGesloten(**_casus, redencode=casus.Sluitingsreden.OPGELOST, gesloten_op=TIJD),
        opschorting.OpschortingOpgedragen(
            **_opschorting,
            scope=(opschorting.Scope(uitvoerder=Uitvoerder.CJIB),),
            maatregelen=(opschorting.Maatregel.INVORDERING, opschorting.Maatregel.BESLAG),
            periode=PERIODE,
            grondslag="Time-outbevoegdheid",
            reden="Het huishouden kan de vaste lasten niet meer betalen.",
            opgedragen_op=TIJD,
        ),
        opschorting.OpschortingVerlengd(
            **_opschorting,
            vorige_einddatum=PERIODE.einddatum,
            periode=PERIODE.model_copy(update={"einddatum": dt.date(2026, 7, 31)}),
            reden="De schuldregeling is nog niet rond.",
            verlengd_op=TIJD,
        ),
        opschorting.OpschortingOpgeheven(
            **_opschorting,
            opheffingsdatum=dt.date(2026, 4, 15),
            reden="Betalingsregeling getroffen.",
            opgeheven_op=TIJD,
        ),
        opschorting.OpschortingVerlopen(
            **_opschorting, einddatum=PERIODE.einddatum, verlopen_op=TIJD
        ),
        opschorting.OpschortingInstructie(
            **_instructie,
            vorderingen=("CJIB-2025-000123",),
            maatregelen=(opschorting.Maatregel.INVORDERING, opschorting.Maatregel.BESLAG),
            periode=PERIODE,
            grondslag="Time-outbevoegdheid",
            reden="Het huishouden kan de vaste lasten niet meer betalen.",
            reageer_uiterlijk=DEADLINE,
        ),
        opschorting.OpschortingVerlengingInstructie(
            **_instructie,
            instructie_id=INSTRUCTIE_ID,
            referentie="CJIB-OPS-2026-0042",
            periode=PERIODE.model_copy(update={"einddatum": dt.date(2026, 7, 31)}),
            reden="De schuldregeling is nog niet rond.",
            reageer_uiterlijk=DEADLINE,
        ),
        opschorting.OpschortingOpheffingInstructie(
            **_instructie,
            instructie_id=INSTRUCTIE_ID,
            referentie="CJIB-OPS-2026-0042",
            opheffingsdatum=dt.date(2026, 4, 15),
            reden="Betalingsregeling getroffen.",
            reageer_uiterlijk=DEADLINE,
        ),
        opschorting.OpschortingBevestigd(
            **_antwoord, referentie="CJIB-OPS-2026-0042", beantwoord_op=TIJD
        ),
        opschorting.OpschortingDeelsBevestigd(
            **_antwoord,
            referentie="CJIB-OPS-2026-0042",
            vorderingen=(
                opschorting.VorderingResultaat(vordering="CJIB-2025-000123", opgeschort=True),
                opschorting.VorderingResultaat(
                    vordering="CJIB-2024-000777",
                    opgeschort=False,
                    redencode=opschorting.Redencode.WETTELIJK_UITGESLOTEN,
                    toelichting="Schadevergoedingsmaatregel: opschorten niet toegestaan.",
                ),
            ),
            beantwoord_op=TIJD,
        ),
        opschorting.OpschortingGeweigerd(
            **_antwoord,
            redencode=opschorting.Redencode.ONBEKENDE_PERSOON,
            reden="Geen vorderingen op deze persoon.",
            beantwoord_op=TIJD,
        ),
        *_escalatie_payloads(),
        *_signalering_payloads(),
        *_overbrugging_payloads(),
        *_informatie_payloads(),
        *_aflevering_payloads(),
        afwijking.AfwijkingBesloten(
            afwijking_id=_id("afwijking"),
            casus_id=CASUS_ID,
            regel=AWB_4_94,
            afwijking="Zes maanden geen verrekening van de terugvordering met de uitkering.",
            motivering="Verrekening brengt het huishouden onder het bestaansminimum.",
            besloten_door=afwijking.Besluitnemer(partij=GEMEENTE, functie="maatwerkfunctionaris"),
            betrokkenen=(PSEUDONIEM_AANVRAGER,),
            geldigheid=PERIODE,
            besluitdatum=dt.date(2026, 3, 2),
            vastgelegd_op=TIJD,
            mandaat="Mandaatbesluit maatwerk 2026, artikel 3: afwijken van verrekening.",
            knelpunt_id=_id("knelpunt"),
        ),
        register.MaatwerkfunctionarisGeregistreerd(**_inschrijving, geregistreerd_op=TIJD),
        register.MaatwerkfunctionarisGewijzigd(
            **{**_inschrijving, "telefoon": "14 0001"}, gewijzigd_op=TIJD
        ),
        register.MaatwerkfunctionarisVerwijderd(
            organisatie_oin=GEMEENTE.oin, reden="Opgegaan in een fusiegemeente.", verwijderd_op=TIJD
        ),
    ]


def _signalering_payloads() -> list[EventData]:
    cjib = UITVOERDERS[Uitvoerder.CJIB]
    contact = signalering.Contactpunt(
        organisatie_oin=cjib.oin,
        organisatie_naam=cjib.naam,
        team="Team Maatwerk CJIB",
        email="maatwerk@cjib.example",
        telefoon="+31 58 555 0100",
    )
    return [
        signalering.OpschortingAntwoordtermijnVerstreken(
            **_opschorting,
            keten_id=OPSCHORTING_ID,
            soort=signalering.Instructiesoort.OPSCHORTING,
            instructie_id=_id("instructie-cjib"),
            uitvoerder=Uitvoerder.CJIB,
            reageer_uiterlijk=DEADLINE,
            contact=contact,
            gesignaleerd_op=DEADLINE + dt.timedelta(minutes=1),
        ),
        signalering.OpschortingLooptAf(
            **_opschorting,
            einddatum=PERIODE.einddatum,
            dagen_resterend=14,
            uitvoerders=(
                signalering.Ketenpartij(uitvoerder=Uitvoerder.CJIB, contact=contact),
                signalering.Ketenpartij(uitvoerder=Uitvoerder.DUO, contact=None),
            ),
            gesignaleerd_op=TIJD,
        ),
    ]


def _escalatie_payloads() -> list[EventData]:
    return [
        escalatie.EscalatieAangemeld(
            **_escalatie,
            dossier=escalatie.Dossier(
                samenvatting="Huishouden met schulden bij drie uitvoerders en onbetaalde zorg.",
                vraag="Wie financiert de begeleiding, en kan de invordering stoppen?",
                geprobeerd="Overleg tussen gemeente, zorgverzekeraar en zorgkantoor.",
                betrokken_partijen=(GEMEENTE, ZORGVERZEKERAAR, ZORGKANTOOR),
                documenten=(
                    escalatie.Documentverwijzing(kenmerk="DOC-17", titel="Casusbeschrijving"),
                ),
                lopende_instrumenten=(
                    escalatie.LopendInstrument(
                        soort="opschorting",
                        id=OPSCHORTING_ID,
                        status="confirmed",
                        omschrijving="2026-03-02 t/m 2026-05-31: cjib, duo",
                    ),
                ),
            ),
            uit_te_nodigen=_bestuurders,
            urgentie=casus.Urgentie.HOOG,
            aangemeld_op=TIJD,
            zonder_contact=(ZORGKANTOOR,),
        ),
        escalatie.EscalatieOverlegGepland(
            **_escalatie,
            overleg_id=_id("overleg"),
            aanvang=DEADLINE,
            duur_minuten=60,
            locatie="online",
            deelnemers=_bestuurders,
            agenda=("Financiering begeleiding", "Invordering CJIB"),
            gepland_op=TIJD,
        ),
        escalatie.EscalatieUitkomstVastgesteld(
            **_escalatie,
            uitkomst=escalatie.Uitkomst.OPLOSSING,
            besluit="De gemeente financiert de begeleiding onder de Wmo.",
            verantwoordelijke=GEMEENTE,
            actiepunten=(
                escalatie.Actiepunt(
                    omschrijving="Begeleiding starten",
                    verantwoordelijke=GEMEENTE,
                    uiterlijk=dt.date(2026, 3, 16),
                ),
            ),
            vastgesteld_op=TIJD,
        ),
        escalatie.EscalatieActiepuntAfgerond(
            **_escalatie,
            actiepunt=1,
            verantwoordelijke=GEMEENTE,
            uiterlijk=dt.date(2026, 3, 16),
            toelichting="Begeleiding gestart op 9 maart.",
            afgerond_op=TIJD,
        ),
        escalatie.KnelpuntGeregistreerd(
            **_escalatie,
            knelpunt_id=_id("knelpunt"),
            categorie=escalatie.Knelpuntcategorie.FINANCIERING,
            regel=WMO,
            omschrijving="Begeleiding valt tussen Wmo en Zvw; niemand voelt zich verantwoordelijk.",
            betrokken_partijen=(GEMEENTE, ZORGVERZEKERAAR),
            geregistreerd_op=TIJD,
        ),
        escalatie.EscalatieUitnodigingInstructie(
            **_escalatie,
            uitvoerder=Uitvoerder.CJIB,
            personen=PERSONEN,
            dossierkenmerk=ESCALATIE_ID,
            gevraagde_rol="algemeen directeur",
            urgentie=casus.Urgentie.HOOG,
            overleg=escalatie.Overlegmoment(
                overleg_id=_id("overleg"), aanvang=DEADLINE, duur_minuten=60, locatie="online"
            ),
            reageer_uiterlijk=DEADLINE,
        ),
        escalatie.EscalatieUitnodigingOntvangen(
            **_escalatie,
            uitvoerder=Uitvoerder.CJIB,
            instructie_id=_id("event:nl.maatwerk.escalatie.uitnodiging.v1"),
            beantwoord_op=TIJD,
            referentie="CJIB-UIT-2026-000123",
        ),
        escalatie.EscalatieUitnodigingGeweigerd(
            **_escalatie,
            uitvoerder=Uitvoerder.CJIB,
            instructie_id=_id("event:nl.maatwerk.escalatie.uitnodiging.v1"),
            beantwoord_op=TIJD,
            redencode=Weigeringsreden.DATUM_VERSTREKEN,
            reden="OVERLEG_VERSTREKEN: het overleg is al begonnen.",
        ),
    ]


def _overbrugging_payloads() -> list[EventData]:
    terugbetaling = _id("terugbetaling")
    return [
        overbrugging.OverbruggingAangevraagd(
            **_overbrugging,
            zorgvoorziening="Ambulante begeleiding, acht uur per week.",
            mogelijke_financiers=(
                overbrugging.Financier(partij=GEMEENTE, kader=overbrugging.Financieringskader.WMO),
                overbrugging.Financier(
                    partij=ZORGVERZEKERAAR, kader=overbrugging.Financieringskader.ZVW
                ),
            ),
            geraamd_bedrag=Bedrag(centen=420_000),
            aangevraagd_door=GEMEENTE,
            aangevraagd_op=TIJD,
        ),
        overbrugging.OverbruggingToegekend(
            **_overbrugging,
            voorfinancierder=GEMEENTE,
            maximum_bedrag=Bedrag(centen=500_000),
            ingangsdatum=dt.date(2026, 3, 3),
            besloten_op=TIJD,
        ),
        overbrugging.OverbruggingAfgewezen(
            **_overbrugging,
            redencode=overbrugging.Afwijzingsgrond.FINANCIER_BEKEND,
            reden="De zorg valt zonder twijfel onder de Zvw.",
            besloten_op=TIJD,
        ),
        overbrugging.VoorfinancieringBetaald(
            **_overbrugging,
            betaling_id=_id("betaling"),
            bedrag=Bedrag(centen=105_000),
            betaald_door=GEMEENTE,
            ontvanger="Zorgaanbieder Voorbeeld",
            betaaldatum=dt.date(2026, 3, 31),
            betalingskenmerk="GEM-2026-0315",
        ),
        overbrugging.VerantwoordelijkeAangewezen(
            **_overbrugging,
            verantwoordelijke=ZORGVERZEKERAAR,
            kader=overbrugging.Financieringskader.ZVW,
            motivering="Het betreft wijkverpleging onder de Zvw.",
            escalatie_id=ESCALATIE_ID,
            aangewezen_op=TIJD,
        ),
        overbrugging.TerugbetalingGevraagd(
            **_overbrugging,
            verzoek_id=terugbetaling,
            betaler=ZORGVERZEKERAAR,
            ontvanger=GEMEENTE,
            bedrag=Bedrag(centen=105_000),
            uiterlijk=dt.date(2026, 5, 1),
            betalingskenmerk="GEM-2026-0315-T",
            gevraagd_op=TIJD,
        ),
        overbrugging.TerugbetalingOntvangen(
            **_overbrugging,
            verzoek_id=terugbetaling,
            bedrag=Bedrag(centen=105_000),
            betaald_door=ZORGVERZEKERAAR,
            ontvangstdatum=dt.date(2026, 4, 20),
            openstaand=Bedrag(centen=0),
        ),
        overbrugging.TerugbetalingsverzoekInstructie(
            **_overbrugging,
            verzoek_id=terugbetaling,
            uitvoerder=Uitvoerder.CJIB,
            personen=PERSONEN,
            bedrag=Bedrag(centen=105_000),
            uiterlijk=dt.date(2026, 5, 1),
            betalingskenmerk="OVB-0A1B2C3D",
            voorfinancierder=GEMEENTE,
            reageer_uiterlijk=DEADLINE,
        ),
        overbrugging.TerugbetalingsverzoekAanvaard(
            **_overbrugging,
            verzoek_id=terugbetaling,
            uitvoerder=Uitvoerder.CJIB,
            instructie_id=_id("event:nl.maatwerk.overbrugging.terugbetalingsverzoek.v1"),
            beantwoord_op=TIJD,
            referentie="CJIB-BET-2026-000045",
        ),
        overbrugging.TerugbetalingsverzoekGeweigerd(
            **_overbrugging,
            verzoek_id=terugbetaling,
            uitvoerder=Uitvoerder.CJIB,
            instructie_id=_id("event:nl.maatwerk.overbrugging.terugbetalingsverzoek.v1"),
            beantwoord_op=TIJD,
            redencode=Weigeringsreden.ONBEKENDE_PERSOON,
            reden="BETROKKENE_ONBEKEND: geen dossier bij het CJIB.",
        ),
    ]


def _informatie_payloads() -> list[EventData]:
    gevraagd = (informatie.Gegevenscategorie.VORDERINGEN, informatie.Gegevenscategorie.BESLAGEN)
    return [
        informatie.InformatieVerzoek(
            **_informatie,
            verzoeker=GEMEENTE,
            doel="Overzicht van de schulden om een schuldregeling voor te bereiden.",
            grondslag=Regel(regeling="Wet gemeentelijke schuldhulpverlening", bwb_id="BWBR0031343"),
            afspraak=informatie.Afspraak(
                kenmerk="CONV-SCHULDEN-2026", toegestane_categorieen=(*gevraagd,)
            ),
            gevraagde_categorieen=gevraagd,
            personen=PERSONEN,
            reageer_uiterlijk=DEADLINE,
            gevraagd_op=TIJD,
            ontvanger_sleutel=ONTVANGER_SLEUTEL,
        ),
        informatie.InformatieVerstrekt(
            **_informatie,
            verzoek_event_id=_id("event:informatieverzoek"),
            gevraagde_categorieen=gevraagd,
            gegevens=(
                informatie.Gegeven(
                    categorie=informatie.Gegevenscategorie.VORDERINGEN,
                    pseudoniem=PSEUDONIEM_AANVRAGER,
                    inhoud=VERZEGELDE_INHOUD,
                    peildatum=dt.date(2026, 3, 2),
                ),
            ),
            niet_verstrekt=(
                informatie.NietVerstrekt(
                    categorie=informatie.Gegevenscategorie.BESLAGEN,
                    redencode=informatie.Weigeringsgrond.GEEN_GEGEVENS,
                ),
            ),
            verstrekt_op=TIJD,
        ),
        informatie.InformatieGeweigerd(
            **_informatie,
            verzoek_event_id=_id("event:informatieverzoek"),
            redencode=informatie.Weigeringsgrond.ONBEKENDE_PERSOON,
            reden="De persoon is bij het CJIB niet bekend.",
            geweigerd_op=TIJD,
        ),
    ]


def _aflevering_payloads() -> list[EventData]:
    return [
        aflevering.AfleveringMislukt(
            casus_id=CASUS_ID,
            uitvoerder=Uitvoerder.CJIB,
            instructie_id=INSTRUCTIE_ID,
            instructie_type="nl.maatwerk.opschorting.instructie.v1",
            redencode=aflevering.AfleveringReden.BACKOFFICE_FOUT,
            toelichting="The back-office answered HTTP 500 to each of 5 attempts.",
            definitief=True,
            pogingen=5,
            gemeld_op=TIJD,
        )
    ]


def _source(data: EventData) -> str:
    agency = getattr(data, "verstrekker", None) if isinstance(data, informatie._Antwoord) else None
    if isinstance(
        data,
        opschorting._Antwoord
        | aflevering.AfleveringMislukt
        | escalatie._UitnodigingAntwoord
        | overbrugging._TerugbetalingsAntwoord,
    ):
        agency = data.uitvoerder
    return UITVOERDERS[agency].source if agency is not None else HUB.source


def voorbeeld(data: EventData) -> CloudEvent[Any]:
    """Wrap an example payload in its envelope, with a stable id and time."""
    return make_event(
        data,
        source=_source(data),
        subject=data.event_subject(),
        event_id=_id(f"event:{data.event_type}"),
        time=TIJD,
    )


def voorbeelden() -> dict[str, CloudEvent[Any]]:
    """One example event per registered message type, by type."""
    events = {data.event_type: voorbeeld(data) for data in _payloads()}
    missing = set(event_types()) - set(events)
    if missing:
        raise LookupError(f"no example for: {', '.join(sorted(missing))}")
    return {t: events[t] for t in sorted(events)}
