"""The fixed battery: eight checks, in the order they run.

Checks 1 to 5 each send instructions and watch what comes back; 6 to 8 then judge everything
the connector wrote during the run (and, for 6, everything it logged).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any

from connectors.base.opdracht import DeadLetterReden
from connectors.certificering import instructies
from connectors.certificering.certificaat import Controle, Uitkomst
from connectors.certificering.omgeving import Omgeving
from connectors.certificering.verzamelaar import Gelezen
from schemas import InvalidEvent, parse_event
from schemas.deadletter import HEADER_REASON, HEADER_REASON_CODE
from schemas.opschorting import OpschortingGeweigerd, OpschortingInstructie, Redencode
from schemas.topics import dead_letter_topic, instructie_topic

NAMEN = (
    "answered-within-deadline",
    "redelivery-no-second-effect",
    "refusal-reason-code",
    "poison-to-dead-letter",
    "backoffice-away-undeliverable",
    "no-bsn-in-clear",
    "answers-match-contract",
    "writes-only-own-topics",
)


def _tijd(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


async def binnen_termijn(o: Omgeving) -> Uitkomst:
    """Every instruction type of the KOPPELING, for the confirmed test person."""
    types = list(o.koppeling.vertalingen)
    bsn = o.koppeling.proefpersonen.bevestigd
    zonder_bouwer = [
        t for t in types if t not in instructies.ZELFSTANDIG and t not in instructies.WIJZIGINGEN
    ]
    te_sturen: list[Any] = [
        instructies.ZELFSTANDIG[t](
            o.koppeling.uitvoerder, bsn, o.publiek, o.termijn, o.koppeling.proefpersonen.gemeente
        )
        for t in types
        if t in instructies.ZELFSTANDIG
    ]
    regels: list[str] = []
    fout = bool(zonder_bouwer)
    regels.extend(f"{t}: the kit cannot build this type" for t in zonder_bouwer)
    for event in te_sturen:
        fout |= not await _beantwoord(o, event, regels)
        if event.type == OpschortingInstructie.event_type:
            for t, bouw in instructies.WIJZIGINGEN.items():
                if t in types:
                    fout |= not await _beantwoord(o, bouw(event, o.termijn), regels)
    return Uitkomst(not fout, "; ".join(regels))


async def _beantwoord(o: Omgeving, event: Any, regels: list[str]) -> bool:
    await o.publiceer(event)
    deadline = event.data.reageer_uiterlijk
    gevonden = await o.antwoorden(
        event, seconden=(deadline - dt.datetime.now(dt.UTC)).total_seconds() + 1
    )
    naam = event.type.removeprefix("nl.maatwerk.")
    if not gevonden:
        regels.append(f"{naam} {event.id}: no answer by its deadline {deadline:%H:%M:%S}")
        return False
    op = _tijd(gevonden[0].timestamp_ms)
    ok: bool = op <= deadline
    soort = (gevonden[0].event() or {}).get("type", "?").removeprefix("nl.maatwerk.")
    regels.append(
        f"{naam} {event.id[:8]}: {soort} after {(op - event.time).total_seconds():.1f}s "
        f"({'within' if ok else 'AFTER'} deadline {deadline:%H:%M:%S})"
    )
    return ok


async def geen_tweede_effect(o: Omgeving) -> Uitkomst:
    """The same record twice: one suspension at the back-office, equal answers."""
    voor = await o.opschortingen()
    event = instructies.opdracht(
        o.koppeling.uitvoerder,
        o.koppeling.proefpersonen.bevestigd,
        o.publiek,
        o.termijn,
        o.koppeling.proefpersonen.gemeente,
    )
    await o.publiceer(event)
    await o.publiceer(event)
    gevonden = await o.antwoorden(event, aantal=2)
    na = await o.opschortingen()
    bekend = {s.get("referentie") for s in voor}
    nieuw = [s for s in na if s.get("referentie") not in bekend]
    referenties = [(g.event() or {}).get("data", {}).get("referentie") for g in gevonden]
    bewijs = (
        f"instruction {event.id} published twice; {len(gevonden)} answers, references "
        f"{referenties}; back-office: {len(voor)} -> {len(na)} suspensions "
        f"({[s.get('referentie') for s in nieuw]})"
    )
    ok = len(gevonden) == 2 and len(set(referenties)) == 1 and len(nieuw) == 1
    return Uitkomst(ok, bewijs)


async def weigering_met_redencode(o: Omgeving) -> Uitkomst:
    event = instructies.opdracht(
        o.koppeling.uitvoerder,
        o.koppeling.proefpersonen.geweigerd,
        o.publiek,
        o.termijn,
        o.koppeling.proefpersonen.gemeente,
    )
    await o.publiceer(event)
    gevonden = await o.antwoorden(event)
    if not gevonden:
        return Uitkomst(False, f"instruction {event.id}: no answer")
    antwoord = gevonden[0].event() or {}
    code = (antwoord.get("data") or {}).get("redencode")
    geldig = {c.value for c in Redencode}
    if antwoord.get("type") != OpschortingGeweigerd.event_type:
        return Uitkomst(
            False, f"instruction {event.id}: answered {antwoord.get('type')}, not a refusal"
        )
    return Uitkomst(
        code in geldig,
        f"instruction {event.id} refused with redencode {code!r} "
        f"({'in' if code in geldig else 'NOT in'} the contract's {sorted(geldig)})",
    )


async def gif_naar_dead_letter(o: Omgeving) -> Uitkomst:
    gif = b"\x00\xff certification poison record " + uuid.uuid4().bytes
    topic = instructie_topic(o.koppeling.uitvoerder).name
    geplaatst = await o.publiceer_ruw(topic, gif, b"certificering-gif")
    event = instructies.opdracht(
        o.koppeling.uitvoerder,
        o.koppeling.proefpersonen.bevestigd,
        o.publiek,
        o.termijn,
        o.koppeling.proefpersonen.gemeente,
    )
    await o.publiceer(event)
    dlq = dead_letter_topic(o.agency).name
    letters = await o.verzamelaar.wacht(lambda g: g.topic == dlq and g.value == gif, 1, o.wachttijd)
    antwoorden = await o.antwoorden(event)
    if not letters:
        return Uitkomst(False, f"poison record at {topic}@{geplaatst.offset}: nothing on {dlq}")
    code = letters[0].header(HEADER_REASON_CODE)
    ok = code in {r.value for r in DeadLetterReden} and bool(antwoorden)
    return Uitkomst(
        ok,
        f"poison at {topic}@{geplaatst.offset} -> {dlq}@{letters[0].offset} "
        f"reason {letters[0].header(HEADER_REASON)!r}; next instruction {event.id[:8]} "
        f"{'answered' if antwoorden else 'NOT answered'}",
    )


async def backoffice_weg(o: Omgeving) -> Uitkomst:
    await o.proxy.weg()
    event = instructies.opdracht(
        o.koppeling.uitvoerder,
        o.koppeling.proefpersonen.bevestigd,
        o.publiek,
        o.termijn,
        o.koppeling.proefpersonen.gemeente,
    )
    try:
        await o.publiceer(event)
        meldingen = await o.meldingen(event, o.wachttijd)
        te_vroeg = await o.antwoorden(event, seconden=0)
    finally:
        await o.proxy.terug()
    antwoorden = await o.antwoorden(event)
    melding = (meldingen[0].event() or {}).get("data", {}) if meldingen else {}
    ok = (
        bool(meldingen) and melding.get("definitief") is False and not te_vroeg and bool(antwoorden)
    )
    soort = (antwoorden[0].event() or {}).get("type", "") if antwoorden else "none"
    return Uitkomst(
        ok,
        f"back-office away: instruction {event.id[:8]} reported "
        f"{melding.get('redencode', 'nothing')} (final: {melding.get('definitief')}); "
        f"answered while away: {bool(te_vroeg)}; once back: {soort.removeprefix('nl.maatwerk.')}",
    )


async def geen_bsn(o: Omgeving) -> Uitkomst:
    records = o.van_connector()
    lekken = [
        f"{g.topic}@{g.partition}/{g.offset}"
        for g in records
        if any(b.encode() in g.bytes() for b in o.bsns)
    ]
    regels = [r for r in o.proces.regels if any(b in r for b in o.bsns)]
    bewijs = (
        f"{len(records)} records and {len(o.proces.regels)} log lines searched "
        f"for {len(o.bsns)} BSNs"
    )
    if lekken:
        bewijs += f"; in records: {', '.join(lekken[:5])}"
    if regels:
        masker = [_masker(r, o.bsns) for r in regels[:3]]
        bewijs += f"; in {len(regels)} log lines, e.g. {masker}"
    return Uitkomst(not lekken and not regels, bewijs)


def _masker(regel: str, bsns: tuple[str, ...]) -> str:
    """The offending line with the BSN itself masked (the certificate is no place for it)."""
    for b in bsns:
        regel = regel.replace(b, f"<BSN {b[:2]}***{b[-2:]}>")
    return regel[:200]


async def volgens_contract(o: Omgeving) -> Uitkomst:
    dlq = dead_letter_topic(o.agency).name
    events = [g for g in o.van_connector() if g.topic != dlq]
    fouten = []
    for g in events:
        try:
            parse_event(g.value or b"")
        except (InvalidEvent, ValueError) as exc:
            fouten.append(f"{g.topic}@{g.offset}: {str(exc)[:160]}")
    soorten = Counter((g.event() or {}).get("type", "not JSON") for g in events)
    return Uitkomst(
        bool(events) and not fouten,
        f"{len(events)} events ({dict(soorten)}) validated"
        + (f"; invalid: {fouten[:3]}" if fouten else ""),
    )


async def eigen_topics(o: Omgeving) -> Uitkomst:
    from schemas.topics import catalogue

    toegestaan = {t.name for t in catalogue() if o.agency in t.producers}
    per_topic = Counter(g.topic for g in o.van_connector())
    vreemd = {t: n for t, n in per_topic.items() if t not in toegestaan}
    return Uitkomst(
        bool(per_topic) and not vreemd,
        f"wrote {dict(per_topic)}; the access matrix lets {o.agency} write {sorted(toegestaan)}"
        + (f"; NOT allowed: {vreemd}" if vreemd else ""),
    )


def batterij(o: Omgeving) -> list[Controle]:
    """The eight checks, bound to one run."""
    stappen = (
        (binnen_termijn, "every instruction type is answered before its reageer_uiterlijk"),
        (geen_tweede_effect, "a redelivered instruction has one effect at the back-office"),
        (weigering_met_redencode, "a refusal carries a reason code of the contract"),
        (gif_naar_dead_letter, "a poison record is dead-lettered and the connector goes on"),
        (backoffice_weg, "a back-office that is away gives undeliverable, then the answer"),
        (geen_bsn, "no BSN in clear in what it wrote to Kafka or in its logs"),
        (volgens_contract, "every event it wrote validates against the contract"),
        (eigen_topics, "it wrote only topics the access matrix gives its agency"),
    )
    return [
        Controle(naam=naam, bewijst=bewijst, uitvoeren=lambda f=functie: f(o))  # type: ignore[misc]
        for naam, (functie, bewijst) in zip(NAMEN, stappen, strict=True)
    ]


__all__ = ["NAMEN", "Gelezen", "batterij"]
