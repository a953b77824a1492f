"""Response bodies of the loket's casus API: built from the aggregate, never from a message."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema

from hub.bootstrap import INSTRUMENTLIJSTEN
from hub.domain.casus import Casus, CasusStatus
from hub.domain.verzoek import Verzoek, VerzoekSoort
from hub.entrypoints.opschorting_views import AfleveringView
from hub.service.casus import CasusDossier, CasusLijst
from schemas.casus import Instrument, Probleemdomein, Urgentie
from schemas.organisaties import Uitvoerder


class HuishoudlidView(BaseModel):
    pseudoniem: str
    rol: str


class CasusAangemaakt(BaseModel):
    casus_id: str
    status: str
    huishouden: list[HuishoudlidView] = Field(description="Members as pseudonyms; never a BSN.")


class MaatwerkfunctionarisView(BaseModel):
    naam: str
    email: str
    telefoon: str | None


class TransitieView(BaseModel):
    van: CasusStatus | None = Field(description="Null for the submission.")
    naar: CasusStatus
    op: dt.datetime
    door: str = Field(description="Who took the step (an organisation's URN, or loket).")
    details: dict[str, Any] = Field(description="What the step carried: reasons, team, ids.")


def _instrumenten_schema() -> dict[str, Any]:
    """The casus view's ``instrumenten`` as the API documents it: a key per kind of instrument
    the hub lists (``hub.bootstrap.INSTRUMENTLIJSTEN``), each a list of ids."""
    return {
        "type": "object",
        "title": "Instrumenten",
        "description": "The instruments used on this casus, per kind: the ids of each.",
        "properties": {
            lijst.naam: {
                "type": "array",
                "items": {"type": "string"},
                "description": lijst.beschrijving,
            }
            for lijst in INSTRUMENTLIJSTEN
        },
        "required": [lijst.naam for lijst in INSTRUMENTLIJSTEN],
        "additionalProperties": False,
    }


Instrumenten = Annotated[dict[str, list[str]], WithJsonSchema(_instrumenten_schema())]


class OnbestelbaarView(BaseModel):
    """A request of this casus whose instruction could not be delivered to the agency."""

    uitvoerder: str
    soort: VerzoekSoort
    instrument_id: str = Field(description="The instrument that owns it (the time-out's id).")
    instructie_id: str
    reageer_uiterlijk: dt.datetime
    aflevering: AfleveringView

    @classmethod
    def of(cls, v: Verzoek) -> OnbestelbaarView:
        aflevering = AfleveringView.of(v.aflevering)
        assert aflevering is not None
        return cls(
            uitvoerder=v.uitvoerder,
            soort=v.soort,
            instrument_id=v.instrument_id,
            instructie_id=v.instructie_id,
            reageer_uiterlijk=v.reageer_uiterlijk,
            aflevering=aflevering,
        )


class CasusView(BaseModel):
    casus_id: str
    status: CasusStatus
    toegestaan: list[CasusStatus] = Field(description="The statuses this casus may go to next.")
    indiener_oin: str
    maatwerkfunctionaris: MaatwerkfunctionarisView
    huishouden: list[HuishoudlidView] = Field(description="Members as pseudonyms; never a BSN.")
    probleemdomeinen: list[Probleemdomein]
    betrokken_organisaties: list[Uitvoerder]
    geprobeerd: str
    urgentie: Urgentie
    gevraagde_instrumenten: list[Instrument]
    ingediend_op: dt.datetime
    woongemeente: str | None = Field(
        default=None, description="OIN of the household's municipality of residence."
    )
    gewijzigd_op: dt.datetime = Field(description="When the casus took its latest step.")
    transities: list[TransitieView] = Field(description="The history, oldest first.")
    instrumenten: Instrumenten
    onbestelbaar: list[OnbestelbaarView] = Field(
        default_factory=list,
        description="Requests of this casus (of any instrument) whose instruction could not be "
        "delivered to the agency's back-office: status undeliverable, with why.",
    )
    opschortingen: list[str] = Field(
        deprecated=True, description="Same as instrumenten.opschortingen; kept for older clients."
    )

    @classmethod
    def of(cls, dossier: CasusDossier) -> CasusView:
        c = dossier.casus
        return cls(
            **_samenvatting(c),
            toegestaan=list(c.toegestaan),
            maatwerkfunctionaris=MaatwerkfunctionarisView(
                naam=c.maatwerkfunctionaris.naam,
                email=c.maatwerkfunctionaris.email,
                telefoon=c.maatwerkfunctionaris.telefoon,
            ),
            huishouden=[HuishoudlidView(pseudoniem=m.pseudoniem, rol=m.rol) for m in c.leden],
            geprobeerd=c.geprobeerd,
            woongemeente=c.woongemeente,
            transities=[
                TransitieView(van=t.van, naar=t.naar, op=t.op, door=t.door, details=dict(t.details))
                for t in c.transities
            ],
            instrumenten=dossier.instrumenten,
            onbestelbaar=[
                OnbestelbaarView.of(v) for v in dossier.onbestelbaar if v.aflevering is not None
            ],
            opschortingen=dossier.opschortingen,
        )


class CasusSamenvatting(BaseModel):
    """A casus in a list: enough to pick it, without its household or history."""

    casus_id: str
    status: CasusStatus
    urgentie: Urgentie
    indiener_oin: str
    ingediend_op: dt.datetime
    betrokken_organisaties: list[Uitvoerder]
    probleemdomeinen: list[Probleemdomein]
    gevraagde_instrumenten: list[Instrument]
    gewijzigd_op: dt.datetime = Field(description="When the casus took its latest step.")

    @classmethod
    def of(cls, casus: Casus) -> CasusSamenvatting:
        return cls(**_samenvatting(casus))


class CasusPagina(BaseModel):
    totaal: int = Field(description="How many casussen pass the filters, over all pages.")
    pagina: int
    per_pagina: int
    items: list[CasusSamenvatting]

    @classmethod
    def of(cls, lijst: CasusLijst) -> CasusPagina:
        return cls(
            totaal=lijst.totaal,
            pagina=lijst.pagina,
            per_pagina=lijst.per_pagina,
            items=[CasusSamenvatting.of(c) for c in lijst.items],
        )


def _samenvatting(c: Casus) -> dict[str, Any]:
    return {
        "casus_id": c.casus_id,
        "status": c.status,
        "urgentie": c.urgentie,
        "indiener_oin": c.indiener_oin,
        "ingediend_op": c.ingediend_op,
        "betrokken_organisaties": list(c.betrokken_organisaties),
        "probleemdomeinen": list(c.probleemdomeinen),
        "gevraagde_instrumenten": list(c.gevraagde_instrumenten),
        "gewijzigd_op": c.transities[-1].op if c.transities else c.ingediend_op,
    }
