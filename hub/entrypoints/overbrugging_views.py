"""Response bodies of the bridging API: built from the aggregate, amounts in integer cents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel, Field

from hub.domain.overbrugging import (
    Organisatie,
    Overbrugging,
    OverbruggingStatus,
    Stap,
    Terugvordering,
)
from hub.domain.verzoek import Verzoek
from hub.entrypoints.instructie_views import InstructieView, instructie_of
from hub.service.overbrugging import Geldoverzicht


class OrganisatieView(BaseModel):
    oin: str
    naam: str
    soort: str

    @classmethod
    def of(cls, o: Organisatie) -> OrganisatieView:
        return cls(oin=o.oin, naam=o.naam, soort=o.soort)


class FinancierView(OrganisatieView):
    kader: str


class ToekenningView(BaseModel):
    voorfinancierder: OrganisatieView
    maximum_bedrag_centen: int
    ingangsdatum: dt.date
    toelichting: str | None


class AfwijzingView(BaseModel):
    redencode: str
    reden: str


class VerantwoordelijkeView(BaseModel):
    organisatie: OrganisatieView
    kader: str
    motivering: str
    escalatie_id: str | None
    aangewezen_op: dt.datetime


class BetalingView(BaseModel):
    betaling_id: str
    bedrag_centen: int
    ontvanger: str
    betaaldatum: dt.date
    betalingskenmerk: str
    geboekt_op: dt.datetime


class TerugbetalingsverzoekView(BaseModel):
    verzoek_id: str
    betaler: OrganisatieView
    bedrag_centen: int
    open_centen: int = Field(description="Still to be paid on this request.")
    uiterlijk: dt.date
    achterstallig: bool = Field(description="Past its last day with something still open.")
    betalingskenmerk: str
    gevraagd_op: dt.datetime
    instructie: InstructieView | None = Field(
        default=None,
        description="For an installed agency: the repayment request its connector received and "
        "its answer; null for any other party (it reads its requests over the API).",
    )


class TerugbetalingView(BaseModel):
    terugbetaling_id: str
    verzoek_id: str
    bedrag_centen: int
    ontvangstdatum: dt.date
    geboekt_op: dt.datetime


class BoekingView(BaseModel):
    debet: str
    credit: str
    bedrag_centen: int
    referentie: str


class GrootboekView(BaseModel):
    """The bridging's books: every amount on two accounts; they always balance."""

    voorgefinancierd_centen: int
    terugbetaald_centen: int
    openstaand_centen: int = Field(description="Pre-financed minus repaid; never negative.")
    in_balans: bool
    saldi: dict[str, int] = Field(description="Per account: debit minus credit, in cents.")
    boekingen: list[BoekingView]


class OverbruggingView(BaseModel):
    overbrugging_id: str
    casus_id: str
    status: OverbruggingStatus
    toegestaan: list[Stap] = Field(description="The steps its state allows now.")
    urgent: bool
    zorgvoorziening: str
    mogelijke_financiers: list[FinancierView]
    geraamd_bedrag_centen: int
    aanvrager: OrganisatieView
    aangevraagd_op: dt.datetime
    besloten_op: dt.datetime | None
    beslistijd_seconden: int = Field(
        description="From request to the loket's decision; while undecided, how long it has "
        "waited so far."
    )
    toekenning: ToekenningView | None
    afwijzing: AfwijzingView | None
    verantwoordelijke: VerantwoordelijkeView | None
    betalingen: list[BetalingView]
    terugbetalingsverzoeken: list[TerugbetalingsverzoekView]
    terugbetalingen: list[TerugbetalingView]
    grootboek: GrootboekView

    @classmethod
    def of(
        cls,
        o: Overbrugging,
        nu: dt.datetime,
        vandaag: dt.date,
        instructies: Mapping[str, Verzoek] | None = None,
    ) -> OverbruggingView:
        t, v, boek = o.toekenning, o.verantwoordelijke, o.grootboek
        return cls(
            overbrugging_id=o.overbrugging_id,
            casus_id=o.casus_id,
            status=o.status,
            toegestaan=list(o.toegestaan),
            urgent=o.urgent,
            zorgvoorziening=o.zorgvoorziening,
            mogelijke_financiers=[
                FinancierView(**OrganisatieView.of(f.organisatie).model_dump(), kader=f.kader)
                for f in o.mogelijke_financiers
            ],
            geraamd_bedrag_centen=o.geraamd_centen,
            aanvrager=OrganisatieView.of(o.aanvrager),
            aangevraagd_op=o.aangevraagd_op,
            besloten_op=o.besloten_op,
            beslistijd_seconden=round(o.beslistijd(nu).total_seconds()),
            toekenning=None
            if t is None
            else ToekenningView(
                voorfinancierder=OrganisatieView.of(t.voorfinancierder),
                maximum_bedrag_centen=t.maximum_centen,
                ingangsdatum=t.ingangsdatum,
                toelichting=t.toelichting,
            ),
            afwijzing=None
            if o.afwijzing is None
            else AfwijzingView(redencode=o.afwijzing.redencode, reden=o.afwijzing.reden),
            verantwoordelijke=None
            if v is None
            else VerantwoordelijkeView(
                organisatie=OrganisatieView.of(v.organisatie),
                kader=v.kader,
                motivering=v.motivering,
                escalatie_id=v.escalatie_id,
                aangewezen_op=v.aangewezen_op,
            ),
            betalingen=[
                BetalingView(
                    betaling_id=b.betaling_id,
                    bedrag_centen=b.centen,
                    ontvanger=b.ontvanger,
                    betaaldatum=b.betaaldatum,
                    betalingskenmerk=b.betalingskenmerk,
                    geboekt_op=b.geboekt_op,
                )
                for b in o.betalingen
            ],
            terugbetalingsverzoeken=[
                TerugbetalingsverzoekView(
                    verzoek_id=r.verzoek_id,
                    betaler=OrganisatieView.of(r.betaler),
                    bedrag_centen=r.centen,
                    open_centen=o.open_van(r),
                    uiterlijk=r.uiterlijk,
                    achterstallig=r.uiterlijk < vandaag and o.open_van(r) > 0,
                    betalingskenmerk=r.betalingskenmerk,
                    gevraagd_op=r.gevraagd_op,
                    instructie=instructie_of((instructies or {}).get(r.verzoek_id)),
                )
                for r in o.verzoeken
            ],
            terugbetalingen=[
                TerugbetalingView(
                    terugbetaling_id=x.terugbetaling_id,
                    verzoek_id=x.verzoek_id,
                    bedrag_centen=x.centen,
                    ontvangstdatum=x.ontvangstdatum,
                    geboekt_op=x.geboekt_op,
                )
                for x in o.terugbetalingen
            ],
            grootboek=GrootboekView(
                voorgefinancierd_centen=boek.voorgefinancierd,
                terugbetaald_centen=boek.terugbetaald,
                openstaand_centen=boek.openstaand,
                in_balans=boek.in_balans,
                saldi=boek.saldi(),
                boekingen=[
                    BoekingView(
                        debet=b.debet,
                        credit=b.credit,
                        bedrag_centen=b.centen,
                        referentie=b.referentie,
                    )
                    for b in boek.boekingen
                ],
            ),
        )


class OpenstaandView(BaseModel):
    verantwoordelijke: OrganisatieView
    openstaand_centen: int
    overbruggingen: int


class TerugvorderingView(BaseModel):
    """A repayment request, and what is still open on it."""

    overbrugging_id: str
    casus_id: str
    verzoek_id: str
    betaler: OrganisatieView
    bedrag_centen: int
    open_centen: int
    uiterlijk: dt.date
    achterstallig: bool = Field(description="Past its last day with something still open.")
    betalingskenmerk: str = Field(description="The reference to quote with the payment.")
    gevraagd_op: dt.datetime

    @classmethod
    def of(cls, t: Terugvordering, vandaag: dt.date) -> TerugvorderingView:
        v = t.verzoek
        return cls(
            overbrugging_id=t.overbrugging_id,
            casus_id=t.casus_id,
            verzoek_id=v.verzoek_id,
            betaler=OrganisatieView.of(v.betaler),
            bedrag_centen=v.centen,
            open_centen=t.open_centen,
            uiterlijk=v.uiterlijk,
            achterstallig=v.uiterlijk < vandaag and t.open_centen > 0,
            betalingskenmerk=v.betalingskenmerk,
            gevraagd_op=v.gevraagd_op,
        )


class GeldoverzichtView(BaseModel):
    """Outstanding per responsible party (over all its bridgings) and the repayments overdue."""

    op: dt.datetime
    openstaand: list[OpenstaandView]
    openstaand_totaal_centen: int
    achterstallig: list[TerugvorderingView]

    @classmethod
    def of(cls, g: Geldoverzicht, vandaag: dt.date) -> GeldoverzichtView:
        return cls(
            op=g.op,
            openstaand=[
                OpenstaandView(
                    verantwoordelijke=OrganisatieView.of(p.verantwoordelijke),
                    openstaand_centen=p.openstaand_centen,
                    overbruggingen=p.overbruggingen,
                )
                for p in g.openstaand
            ],
            openstaand_totaal_centen=sum(p.openstaand_centen for p in g.openstaand),
            achterstallig=[TerugvorderingView.of(t, vandaag) for t in g.achterstallig],
        )
