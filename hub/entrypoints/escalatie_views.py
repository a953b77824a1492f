"""Response bodies of the escalation API: built from the aggregate, never from a message."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping

from pydantic import BaseModel, Field

from hub.domain.escalatie import (
    Actiepunt,
    Escalatie,
    EscalatieStatus,
    Knelpunt,
    Knelpuntregel,
    Knelpunttelling,
    Uitnodiging,
)
from hub.domain.verzoek import Verzoek
from hub.entrypoints.instructie_views import InstructieView, instructie_of
from schemas.casus import Urgentie
from schemas.escalatie import Knelpuntcategorie, Uitkomst
from schemas.gedeeld import Partij, Regel


class ContactView(BaseModel):
    team: str
    email: str
    telefoon: str


class UitnodigingView(BaseModel):
    partij: Partij
    functie: str = Field(description="The administrator's role invited.")
    contact: ContactView | None = Field(
        description="The organisation's registered contact when it was invited; null: none."
    )
    zonder_contact: bool = Field(description="No registered contact: reach it another way.")
    instructie: InstructieView | None = Field(
        default=None,
        description="For an installed agency: the invitation its connector received (the "
        "latest, for the meeting as planned now) and its answer; null for any other "
        "organisation (it reads the escalation over the API).",
    )

    @classmethod
    def of(cls, u: Uitnodiging, instructie: Verzoek | None = None) -> UitnodigingView:
        c = u.contact
        return cls(
            instructie=instructie_of(instructie),
            partij=u.partij,
            functie=u.functie,
            contact=None
            if c is None
            else ContactView(team=c.team, email=c.email, telefoon=c.telefoon),
            zonder_contact=u.zonder_contact,
        )


class InstrumentView(BaseModel):
    soort: str
    id: str
    status: str
    omschrijving: str | None


class DocumentView(BaseModel):
    kenmerk: str
    titel: str


class DossierView(BaseModel):
    samenvatting: str
    vraag: str
    geprobeerd: str
    betrokken_partijen: list[Partij]
    lopende_instrumenten: list[InstrumentView] = Field(
        description="The instruments on the casus at escalation, as the hub had them."
    )
    documenten: list[DocumentView]


class OverlegView(BaseModel):
    overleg_id: str
    aanvang: dt.datetime
    duur_minuten: int
    locatie: str
    agenda: list[str]
    gepland_op: dt.datetime


class ActiepuntView(BaseModel):
    nummer: int
    omschrijving: str
    verantwoordelijke: Partij
    uiterlijk: dt.date
    afgerond_op: dt.datetime | None
    toelichting: str | None
    achterstallig: bool = Field(description="Open past its deadline (overdue).")

    @classmethod
    def of(cls, a: Actiepunt, vandaag: dt.date) -> ActiepuntView:
        return cls(
            nummer=a.nummer,
            omschrijving=a.omschrijving,
            verantwoordelijke=a.verantwoordelijke,
            uiterlijk=a.uiterlijk,
            afgerond_op=a.afgerond_op,
            toelichting=a.toelichting,
            achterstallig=a.is_achterstallig(vandaag),
        )


class UitkomstView(BaseModel):
    uitkomst: Uitkomst
    besluit: str
    verantwoordelijke: Partij | None
    vastgesteld_op: dt.datetime


class KnelpuntView(BaseModel):
    knelpunt_id: str
    escalatie_id: str
    casus_id: str
    categorie: Knelpuntcategorie
    regel: Regel | None
    omschrijving: str
    betrokken_partijen: list[Partij]
    voorstel: str | None
    geregistreerd_op: dt.datetime
    maand: str = Field(description="YYYY-MM in the Netherlands: the month it counts in.")

    @classmethod
    def of(cls, escalatie_id: str, casus_id: str, k: Knelpunt) -> KnelpuntView:
        return cls(
            knelpunt_id=k.knelpunt_id,
            escalatie_id=escalatie_id,
            casus_id=casus_id,
            categorie=k.categorie,
            regel=k.regel,
            omschrijving=k.omschrijving,
            betrokken_partijen=list(k.betrokken_partijen),
            voorstel=k.voorstel,
            geregistreerd_op=k.geregistreerd_op,
            maand=k.maand,
        )


class EscalatieSamenvatting(BaseModel):
    """An escalation in a list: where it stands, without its dossier."""

    escalatie_id: str
    casus_id: str
    status: EscalatieStatus
    toegestaan: list[EscalatieStatus] = Field(description="The statuses that may follow.")
    urgentie: Urgentie
    aangemeld_op: dt.datetime
    overleg_aanvang: dt.datetime | None
    uitkomst: Uitkomst | None
    zonder_contact: list[Partij] = Field(
        description="Invited organisations with no registered contact (flagged)."
    )
    open_actiepunten: int
    achterstallige_actiepunten: int

    @classmethod
    def of(cls, e: Escalatie, vandaag: dt.date) -> EscalatieSamenvatting:
        return cls(
            escalatie_id=e.escalatie_id,
            casus_id=e.casus_id,
            status=e.status,
            toegestaan=list(e.toegestaan),
            urgentie=e.urgentie,
            aangemeld_op=e.aangemeld_op,
            overleg_aanvang=e.overleg.aanvang if e.overleg else None,
            uitkomst=e.besluit.uitkomst if e.besluit else None,
            zonder_contact=list(e.zonder_contact),
            open_actiepunten=sum(1 for a in e.actiepunten if a.afgerond_op is None),
            achterstallige_actiepunten=len(e.achterstallig(vandaag)),
        )


class EscalatieView(EscalatieSamenvatting):
    """The escalation with its dossier: for the loket, the LET and those invited only."""

    dossier: DossierView
    uitnodigingen: list[UitnodigingView]
    overleg: OverlegView | None
    uitkomst_details: UitkomstView | None = Field(description="The outcome, once recorded.")
    actiepunten: list[ActiepuntView]
    knelpunten: list[KnelpuntView]

    @classmethod
    def van(
        cls, e: Escalatie, vandaag: dt.date, instructies: Mapping[str, Verzoek] | None = None
    ) -> EscalatieView:
        d, o, b = e.dossier, e.overleg, e.besluit
        return cls(
            **EscalatieSamenvatting.of(e, vandaag).model_dump(),
            dossier=DossierView(
                samenvatting=d.samenvatting,
                vraag=d.vraag,
                geprobeerd=d.geprobeerd,
                betrokken_partijen=list(d.betrokken_partijen),
                lopende_instrumenten=[
                    InstrumentView(
                        soort=i.soort, id=i.id, status=i.status, omschrijving=i.omschrijving
                    )
                    for i in d.lopende_instrumenten
                ],
                documenten=[DocumentView(kenmerk=x.kenmerk, titel=x.titel) for x in d.documenten],
            ),
            uitnodigingen=[
                UitnodigingView.of(u, (instructies or {}).get(u.partij.oin))
                for u in e.uitnodigingen
            ],
            overleg=None
            if o is None
            else OverlegView(
                overleg_id=o.overleg_id,
                aanvang=o.aanvang,
                duur_minuten=o.duur_minuten,
                locatie=o.locatie,
                agenda=list(o.agenda),
                gepland_op=o.gepland_op,
            ),
            uitkomst_details=None
            if b is None
            else UitkomstView(
                uitkomst=b.uitkomst,
                besluit=b.besluit,
                verantwoordelijke=b.verantwoordelijke,
                vastgesteld_op=b.vastgesteld_op,
            ),
            actiepunten=[ActiepuntView.of(a, vandaag) for a in e.actiepunten],
            knelpunten=[KnelpuntView.of(e.escalatie_id, e.casus_id, k) for k in e.knelpunten],
        )


class EscalatiePagina(BaseModel):
    totaal: int
    pagina: int
    per_pagina: int
    items: list[EscalatieSamenvatting]


class KnelpuntPagina(BaseModel):
    totaal: int
    pagina: int
    per_pagina: int
    items: list[KnelpuntView]

    @classmethod
    def of(
        cls, regels: list[Knelpuntregel], totaal: int, pagina: int, per_pagina: int
    ) -> KnelpuntPagina:
        return cls(
            totaal=totaal,
            pagina=pagina,
            per_pagina=per_pagina,
            items=[KnelpuntView.of(r.escalatie_id, r.casus_id, r.knelpunt) for r in regels],
        )


class Knelpuntrapport(BaseModel):
    """What the LET learns across cases: knelpunten counted, and the actions overdue."""

    totaal: int
    per_categorie: dict[str, int] = Field(description="Every category, 0 included.")
    per_regeling: dict[str, int] = Field(description="Per law, most first; '(geen)': none.")
    per_maand: dict[str, int] = Field(
        description="Per month YYYY-MM, oldest first; months between without any are 0."
    )
    achterstallige_actiepunten: int = Field(
        description="Open actions past their deadline, over all escalations."
    )

    @classmethod
    def of(cls, t: Knelpunttelling, achterstallig: int) -> Knelpuntrapport:
        return cls(
            totaal=t.totaal,
            per_categorie=t.per_categorie,
            per_regeling=t.per_regeling,
            per_maand=t.per_maand,
            achterstallige_actiepunten=achterstallig,
        )


CSV_KOLOMMEN = (
    "knelpunt_id",
    "geregistreerd_op",
    "maand",
    "categorie",
    "regeling",
    "artikel",
    "bwb_id",
    "organisaties",
    "omschrijving",
    "voorstel",
    "escalatie_id",
    "casus_id",
)


def _cel(waarde: str) -> str:
    """A cell a spreadsheet will not run: text starting with = + - @ (or a tab or CR) gets a
    leading quote (OWASP's CSV injection advice)."""
    return f"'{waarde}" if waarde[:1] in ("=", "+", "-", "@", "\t", "\r") else waarde


def knelpunten_csv(regels: list[Knelpuntregel]) -> str:
    """The knelpunten as CSV (RFC 4180, a header row, ``;``-free: comma-separated, quoted)."""
    uit = io.StringIO()
    schrijver = csv.writer(uit, lineterminator="\r\n")
    schrijver.writerow(CSV_KOLOMMEN)
    for r in regels:
        k, regel = r.knelpunt, r.knelpunt.regel
        schrijver.writerow(
            [
                _cel(v)
                for v in (
                    k.knelpunt_id,
                    k.geregistreerd_op.isoformat(),
                    k.maand,
                    k.categorie.value,
                    regel.regeling if regel else "",
                    (regel.artikel or "") if regel else "",
                    (regel.bwb_id or "") if regel else "",
                    " | ".join(f"{p.naam} ({p.oin})" for p in k.betrokken_partijen),
                    k.omschrijving,
                    k.voorstel or "",
                    r.escalatie_id,
                    r.casus_id,
                )
            ]
        )
    return uit.getvalue()
