"""Time-out events as contract messages: the hub's record on ``maatwerk.opschorting.v1`` and one
instruction per agency on that agency's own topic, each BSN sealed for that agency alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub.domain.casus import Casus, Lid
from hub.domain.opschorting import (
    Beantwoord,
    Opgedragen,
    Opgeheven,
    Opschorting,
    Verlengd,
    Verlopen,
    Wijziging,
)
from hub.domain.verzoek import Verzoek
from hub.service import verwerkingen
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas.opschorting import (
    Maatregel,
    OpschortingInstructie,
    OpschortingOpgedragen,
    OpschortingOpgeheven,
    OpschortingOpheffingInstructie,
    OpschortingVerlengd,
    OpschortingVerlengingInstructie,
    OpschortingVerlopen,
    Periode,
    PersoonVersleuteld,
    Scope,
)
from schemas.organisaties import Uitvoerder
from schemas.topics import OPSCHORTING, instructie_topic


@dataclass(frozen=True, slots=True)
class _Huishouden:
    """What every instruction of one event reads of its casus: loaded once per event, not
    once per agency (an order to eight agencies read the casus eight times over)."""

    casus: Casus | None
    leden: list[Lid]

    @classmethod
    async def van(cls, o: Opschorting, uow: UnitOfWork) -> _Huishouden:
        return cls(await uow.casussen.get(o.casus_id), await uow.casussen.leden(o.casus_id))

    def gemeente(self, uitvoerder: str) -> str | None:
        """The municipality an instruction for ``uitvoerder`` names (gemeente: the
        woongemeente)."""
        return None if self.casus is None else self.casus.gemeente_voor(uitvoerder)


async def _personen(
    o: Opschorting,
    verzoek: Verzoek,
    huishouden: _Huishouden,
    uow: UnitOfWork,
    deps: Deps,
    *,
    door: str,
) -> tuple[PersoonVersleuteld, ...]:
    """The persons the order's request to the agency names (``personen_in_scope``; else the
    whole household), each BSN sealed for that agency only; logged as a processing activity.
    An extension or lifting passes the order's request: it reaches the same persons."""
    leden = huishouden.leden
    if verzoek.personen_in_scope is not None:
        in_scope = set(verzoek.personen_in_scope)
        leden = [lid for lid in leden if lid.pseudoniem in in_scope]
    await verwerkingen.log_instructie(uow, o, verzoek.uitvoerder, leden, door=door)
    return tuple(
        PersoonVersleuteld(
            pseudoniem=lid.pseudoniem,
            bsn_versleuteld=deps.keys.seal_for(
                verzoek.uitvoerder, deps.secrets.ontsleutel_opslag(lid.bsn_opgeslagen)
            ),
        )
        for lid in leden
    )


def _periode(o: Opschorting) -> Periode:
    return Periode(ingangsdatum=o.ingangsdatum, einddatum=o.einddatum)


def _instructies(keten: list[Verzoek]) -> dict[str, str]:
    return {v.uitvoerder: v.instructie_id for v in keten}


async def opgedragen(g: Opgedragen, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    o = g.opschorting
    maatregelen = tuple(Maatregel(m) for m in o.maatregelen)
    berichten = [
        Bericht(
            OpschortingOpgedragen(
                opschorting_id=o.opschorting_id,
                casus_id=o.casus_id,
                scope=tuple(
                    Scope(uitvoerder=Uitvoerder(v.uitvoerder), vorderingen=v.vorderingen_in_scope)
                    for v in o.keten
                ),
                maatregelen=maatregelen,
                periode=_periode(o),
                grondslag=o.grondslag,
                reden=o.reden,
                opgedragen_op=g.op,
            ),
            OPSCHORTING.name,
        )
    ]
    huishouden = await _Huishouden.van(o, uow)
    for verzoek in o.keten:
        berichten.append(
            Bericht(
                OpschortingInstructie(
                    opschorting_id=o.opschorting_id,
                    casus_id=o.casus_id,
                    uitvoerder=Uitvoerder(verzoek.uitvoerder),
                    personen=await _personen(o, verzoek, huishouden, uow, deps, door=g.door),
                    vorderingen=verzoek.vorderingen_in_scope,
                    maatregelen=maatregelen,
                    periode=_periode(o),
                    grondslag=o.grondslag,
                    reden=o.reden,
                    reageer_uiterlijk=verzoek.reageer_uiterlijk,
                    gemeente=huishouden.gemeente(verzoek.uitvoerder),
                ),
                instructie_topic(verzoek.uitvoerder).name,
                event_id=verzoek.instructie_id,
            )
        )
    return Uitgaand(
        actie="opschorting.opgedragen",
        casus_id=o.casus_id,
        details={
            "opschorting_id": o.opschorting_id,
            "uitvoerders": [v.uitvoerder for v in o.keten],
            "instructies": _instructies(o.keten),
        },
        berichten=tuple(berichten),
    )


async def _wijzigingsinstructies(
    o: Opschorting, w: Wijziging, uow: UnitOfWork, deps: Deps, *, door: str, **eigen: Any
) -> list[Bericht]:
    """One instruction per agency in the change's chain; ``eigen`` are the fields of its kind."""
    soort = (
        OpschortingVerlengingInstructie if "periode" in eigen else OpschortingOpheffingInstructie
    )
    berichten = []
    huishouden = await _Huishouden.van(o, uow)
    for verzoek in w.keten:
        origineel = o.verzoek_van(verzoek.uitvoerder)
        berichten.append(
            Bericht(
                soort(
                    opschorting_id=o.opschorting_id,
                    casus_id=o.casus_id,
                    uitvoerder=Uitvoerder(verzoek.uitvoerder),
                    instructie_id=origineel.instructie_id,
                    referentie=origineel.referentie,
                    personen=await _personen(o, origineel, huishouden, uow, deps, door=door),
                    vorderingen=origineel.vorderingen_in_scope,
                    reden=w.reden,
                    reageer_uiterlijk=verzoek.reageer_uiterlijk,
                    gemeente=huishouden.gemeente(verzoek.uitvoerder),
                    **eigen,
                ),
                instructie_topic(verzoek.uitvoerder).name,
                event_id=verzoek.instructie_id,
            )
        )
    return berichten


def _wijziging_details(o: Opschorting, w: Wijziging) -> dict[str, Any]:
    return {
        "opschorting_id": o.opschorting_id,
        "wijziging_id": w.wijziging_id,
        "instructies": _instructies(w.keten),
    }


async def verlengd(g: Verlengd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    o, w = g.opschorting, g.wijziging
    periode = Periode(ingangsdatum=o.ingangsdatum, einddatum=w.nieuwe_einddatum or o.einddatum)
    record = OpschortingVerlengd(
        opschorting_id=o.opschorting_id,
        casus_id=o.casus_id,
        vorige_einddatum=g.vorige_einddatum,
        periode=periode,
        reden=w.reden,
        verlengd_op=g.op,
    )
    return Uitgaand(
        actie="opschorting.verlengd",
        casus_id=o.casus_id,
        details=_wijziging_details(o, w),
        berichten=(
            Bericht(record, OPSCHORTING.name),
            *await _wijzigingsinstructies(o, w, uow, deps, door=g.door, periode=periode),
        ),
    )


async def opgeheven(g: Opgeheven, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    o, w = g.opschorting, g.wijziging
    assert w.opheffingsdatum is not None
    record = OpschortingOpgeheven(
        opschorting_id=o.opschorting_id,
        casus_id=o.casus_id,
        opheffingsdatum=w.opheffingsdatum,
        reden=w.reden,
        opgeheven_op=g.op,
    )
    return Uitgaand(
        actie="opschorting.opgeheven",
        casus_id=o.casus_id,
        details=_wijziging_details(o, w),
        berichten=(
            Bericht(record, OPSCHORTING.name),
            *await _wijzigingsinstructies(
                o, w, uow, deps, door=g.door, opheffingsdatum=w.opheffingsdatum
            ),
        ),
    )


async def verlopen(g: Verlopen, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    o = g.opschorting
    return Uitgaand(
        actie="opschorting.verlopen",
        casus_id=o.casus_id,
        details={"opschorting_id": o.opschorting_id, "einddatum": str(o.einddatum)},
        berichten=(
            Bericht(
                OpschortingVerlopen(
                    opschorting_id=o.opschorting_id,
                    casus_id=o.casus_id,
                    einddatum=o.einddatum,
                    verlopen_op=g.op,
                ),
                OPSCHORTING.name,
            ),
        ),
    )


async def beantwoord(g: Beantwoord, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    """An answer publishes nothing; the audit trail records it, or that it changed nothing."""
    v = g.verzoek
    return Uitgaand(
        actie=f"opschorting.{v.status.value}" if g.gewijzigd else "opschorting.antwoord-genegeerd",
        casus_id=v.casus_id,
        details={
            "opschorting_id": g.opschorting.opschorting_id,
            "uitvoerder": v.uitvoerder,
            "instructie_id": v.instructie_id,
            "event_id": g.antwoord_id,
            "referentie": v.referentie,
        },
    )


VERTALINGEN: Vertalingen = {
    Opgedragen: opgedragen,
    Verlengd: verlengd,
    Opgeheven: opgeheven,
    Verlopen: verlopen,
    Beantwoord: beantwoord,
}
"""Each kind of domain event of this instrument, and its translation."""
