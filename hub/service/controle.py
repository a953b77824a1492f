"""Check before collecting: is a time-out in force for this person at the asking agency?

The agency names the person by a BSN sealed for the hub or by a pseudonym it got with an
instruction. The hub turns either into its lookup key, finds the time-outs in force at that
agency in two indexed look-ups (the person's casussen, then their orders with the agency's
request), and answers yes/no with the periods and the measures, nothing about the casus. Every
check is a processing activity: it is logged and committed before the answer
goes out (a check that cannot be logged is not answered).

The claims in force are what the agency itself confirmed: once it answered per claim (a partial
confirmation: some claims suspended, others not, e.g. one under appeal), only the claims it
suspended are in scope, and each claim it did not suspend is named with its reason, so a
collector never reads a refused claim as covered by the time-out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.domain.opschorting import NL
from hub.domain.selectie import Lopend
from hub.domain.verwerking import (
    CATEGORIE_OPSCHORTING,
    DOEL_CONTROLE,
    GRONDSLAG_TIME_OUT,
    HUB_OIN,
    Betrokkene,
    Verwerking,
)
from hub.domain.verzoek import VerzoekStatus, VorderingUitkomst
from hub.service.deps import Deps
from hub.service.errors import Ongeldig
from hub.service.invoer import Dag
from hub.service.unit_of_work import UnitOfWork
from schemas.ids import Pseudoniem, elfproef
from schemas.versleuteling import SealError

IN_WERKING = "in-force"
NIET_IN_WERKING = "not-in-force"


class ControleerOpschorting(BaseModel):
    """The agency's question: one person, by a BSN sealed for the hub or by a pseudonym."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bsn_versleuteld: str | None = Field(
        default=None,
        min_length=1,
        max_length=400,
        description="The BSN sealed with the hub's public key (GET /api/v1/sleutels/hub; "
        "schemas.versleuteling.seal).",
    )
    pseudoniem: Pseudoniem | None = Field(
        default=None, description="The person's pseudonym, as an instruction carried it."
    )
    peildatum: Dag | None = Field(
        default=None, description="The day to check (default: today in the Netherlands)."
    )

    @model_validator(mode="after")
    def _een_persoon(self) -> ControleerOpschorting:
        if (self.bsn_versleuteld is None) == (self.pseudoniem is None):
            raise ValueError("give exactly one of bsn_versleuteld and pseudoniem")
        return self


@dataclass(frozen=True, slots=True)
class Periode:
    ingangsdatum: dt.date
    einddatum: dt.date
    """The last day of the time-out (the day before a lifting takes effect)."""
    maatregelen: tuple[str, ...]
    vorderingen: tuple[str, ...] | None
    """The agency's own claims the time-out covers; ``None``: all of the person's. Once the
    agency answered per claim, only those it confirmed."""
    antwoord: VerzoekStatus = VerzoekStatus.PENDING
    resultaten: tuple[VorderingUitkomst, ...] = ()
    """The agency's answer per claim: suspended, or not with its reason."""

    @property
    def dekt_iets(self) -> bool:
        """False when the agency answered per claim and suspended none of them."""
        return self.vorderingen is None or bool(self.vorderingen)


@dataclass(frozen=True, slots=True)
class Controle:
    in_force: bool
    perioden: tuple[Periode, ...]


def bevestigde_vorderingen(t: Lopend) -> tuple[str, ...] | None:
    """The claims a time-out covers at the agency: without an answer per claim, the order's
    scope (``None``: all); with one, only the claims the agency suspended (within the order's
    scope, where it named claims). A claim the agency did not suspend is never in it."""
    if not t.resultaten:
        return t.vorderingen
    opgeschort = tuple(dict.fromkeys(r.vordering for r in t.resultaten if r.opgeschort))
    if t.vorderingen is None:
        return opgeschort
    return tuple(v for v in opgeschort if v in t.vorderingen)


def in_werking(lopend: list[Lopend], dag: dt.date) -> Controle:
    """The answer for ``dag`` from the time-outs found: a lifting ends a time-out the day before
    it takes effect (collection may resume on the lifting date). A time-out whose agency
    suspended none of the claims it answered for is listed (with its refusals) but not in
    force."""
    perioden = []
    for t in lopend:
        einde = t.einddatum
        if t.opgeheven_per is not None:
            einde = min(einde, t.opgeheven_per - dt.timedelta(days=1))
        if t.ingangsdatum <= dag <= einde:
            perioden.append(
                Periode(
                    t.ingangsdatum,
                    einde,
                    t.maatregelen,
                    bevestigde_vorderingen(t),
                    t.antwoord,
                    t.resultaten,
                )
            )
    return Controle(in_force=any(p.dekt_iets for p in perioden), perioden=tuple(perioden))


async def controleer(
    vraag: ControleerOpschorting,
    uow: UnitOfWork,
    deps: Deps,
    *,
    uitvoerder: str,
    oin: str,
    trace_id: str | None,
) -> Controle:
    """Answer an agency's check and log it (committed before this returns)."""
    zoeksleutel: str | None = None
    if vraag.bsn_versleuteld is not None:
        try:
            bsn = deps.secrets.open_bsn(vraag.bsn_versleuteld)
        except SealError as exc:
            raise Ongeldig(
                "cannot open bsn_versleuteld with the hub's key", field="bsn_versleuteld"
            ) from exc
        if not (len(bsn) == 9 and bsn.isdigit() and elfproef(bsn)):
            raise Ongeldig("the sealed value is not a BSN", field="bsn_versleuteld")
        zoeksleutel = deps.secrets.zoeksleutel(bsn)
    dag = vraag.peildatum or deps.clock().astimezone(NL).date()
    async with uow:
        if zoeksleutel is None and vraag.pseudoniem is not None:
            zoeksleutel = await uow.verwerkingen.zoeksleutel_van(vraag.pseudoniem)
        lopend = (
            []
            if zoeksleutel is None
            else await uow.verwerkingen.lopend_bij(
                await uow.casussen.casus_ids_van(zoeksleutel), uitvoerder, dag, zoeksleutel
            )
        )
        controle = in_werking(lopend, dag)
        await uow.verwerkingen.add(
            Verwerking(
                verwerking_id=str(uuid.uuid4()),
                op=deps.clock(),
                vrager=oin,
                verstrekker=HUB_OIN,
                ontvanger=oin,
                doel=DOEL_CONTROLE,
                grondslag=GRONDSLAG_TIME_OUT,
                categorieen=(CATEGORIE_OPSCHORTING,),
                betrokkenen=(Betrokkene(pseudoniem=vraag.pseudoniem, bsn_zoeksleutel=zoeksleutel),),
                uitkomst=IN_WERKING if controle.in_force else NIET_IN_WERKING,
                trace_id=trace_id,
            )
        )
        await uow.commit()
    return controle
