"""Response bodies of the time-out routes (``hub.entrypoints.opschorting_api``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from pydantic import BaseModel, Field

from hub.domain.opschorting import Opschorting, WijzigingSoort
from hub.domain.register import Contact
from hub.domain.verzoek import (
    KetenStatus,
    MisluktAflevering,
    Verzoek,
    VerzoekStatus,
    keten_telling,
)


class VorderingView(BaseModel):
    vordering: str
    opgeschort: bool
    redencode: str | None
    toelichting: str | None


class AfleveringView(BaseModel):
    """Why a request is undeliverable: its instruction did not reach the agency's back-office."""

    redencode: str = Field(
        description="backoffice-onbereikbaar, backoffice-fout, backoffice-afgewezen, "
        "onverwerkbaar (the agency's connector reports it), publicatie-opgegeven (the hub could "
        "not publish the instruction)."
    )
    toelichting: str = Field(description="What went wrong, in words, without personal data.")
    definitief: bool = Field(
        description="True: set aside until an operator fixes the cause and replays it; False: "
        "still being retried."
    )
    sinds: dt.datetime = Field(description="When the request was first reported undeliverable.")

    @classmethod
    def of(cls, a: MisluktAflevering | None) -> AfleveringView | None:
        return None if a is None else cls(**dataclasses.asdict(a))


class ContactView(BaseModel):
    """An organisation's maatwerkfunctionaris as the Landelijk Maatwerkregister names it."""

    organisatie_oin: str
    organisatie_naam: str
    team: str
    email: str
    telefoon: str

    @classmethod
    def of(cls, contact: Contact | None) -> ContactView | None:
        return None if contact is None else cls(**dataclasses.asdict(contact))


class VerzoekView(BaseModel):
    """One agency's request in a chain, and its answer."""

    uitvoerder: str
    status: VerzoekStatus
    late: bool = Field(description="Unanswered (pending or undeliverable) past the deadline.")
    aflevering: AfleveringView | None = Field(
        default=None, description="Set while the status is undeliverable: why."
    )
    referentie: str | None = Field(description="The agency's own reference.")
    redencode: str | None
    reden: str | None = Field(description="The agency's reason when it refused.")
    vorderingen: list[VorderingView]
    personen: list[str] | None = Field(
        default=None,
        description="The household members (pseudonyms) the request names; null: all of them.",
    )
    reageer_uiterlijk: dt.datetime
    beantwoord_op: dt.datetime | None = Field(description="When the agency answered.")
    verwerkt_op: dt.datetime | None = Field(description="When the hub recorded the answer.")
    instructie_id: str
    geescaleerd_op: dt.datetime | None = Field(
        default=None,
        description="When the hub escalated it, unanswered past its deadline, to the agency's "
        "maatwerkfunctionaris (once); null: not escalated.",
    )
    contact: ContactView | None = Field(
        default=None,
        description="The agency's maatwerkfunctionaris in the Landelijk Maatwerkregister: whom "
        "a late answer is escalated to; null when it has none (then contact_ontbreekt).",
    )
    contact_ontbreekt: bool = Field(
        default=False,
        description="True: the agency has no contact in the register, so an escalation reaches "
        "no named person: the loket must find one.",
    )


def _verzoeken(
    keten: list[Verzoek], now: dt.datetime, contacten: Mapping[str, Contact]
) -> list[VerzoekView]:
    return [
        VerzoekView(
            uitvoerder=s.uitvoerder,
            status=s.status,
            late=s.is_late(now),
            aflevering=AfleveringView.of(s.aflevering),
            referentie=s.referentie,
            redencode=s.redencode,
            reden=s.reden,
            vorderingen=[VorderingView(**dataclasses.asdict(v)) for v in s.vorderingen],
            personen=None if s.personen_in_scope is None else list(s.personen_in_scope),
            reageer_uiterlijk=s.reageer_uiterlijk,
            beantwoord_op=s.beantwoord_op,
            verwerkt_op=s.verwerkt_op,
            instructie_id=s.instructie_id,
            geescaleerd_op=s.geescaleerd_op,
            contact=ContactView.of(contacten.get(s.uitvoerder)),
            contact_ontbreekt=s.uitvoerder not in contacten,
        )
        for s in keten
    ]


def _telling(keten: list[Verzoek], now: dt.datetime) -> dict[str, int]:
    return keten_telling(keten, now)


class WijzigingView(BaseModel):
    """An extension or lifting, with the chain of the agencies' answers to it."""

    wijziging_id: str
    soort: WijzigingSoort
    reden: str
    gewijzigd_op: dt.datetime
    nieuwe_einddatum: dt.date | None = Field(description="Set for an extension.")
    opheffingsdatum: dt.date | None = Field(
        description="Set for a lifting: the first day collection may resume."
    )
    status: KetenStatus
    telling: dict[str, int]
    compleet_op: dt.datetime | None
    keten: list[VerzoekView]


class OpschortingView(BaseModel):
    opschorting_id: str
    casus_id: str
    status: KetenStatus = Field(description="Chain status of the order itself.")
    telling: dict[str, int]
    maatregelen: list[str]
    ingangsdatum: dt.date
    einddatum: dt.date = Field(description="The current last day (an extension moves it).")
    grondslag: str
    reden: str
    opgedragen_op: dt.datetime
    compleet_op: dt.datetime | None = Field(
        description="When the hub recorded the last agency's answer; null while pending."
    )
    opgeheven_per: dt.date | None = Field(
        description="Set when the loket lifted the time-out: the first day collection resumes."
    )
    verlopen_op: dt.datetime | None = Field(
        description="Set when the time-out ran out (the day after einddatum)."
    )
    keten: list[VerzoekView]
    wijzigingen: list[WijzigingView] = Field(description="Extensions and liftings, oldest first.")

    @classmethod
    def of(
        cls, o: Opschorting, now: dt.datetime, contacten: Mapping[str, Contact]
    ) -> OpschortingView:
        """``contacten``: the registered contact of each agency in it, by code (an agency
        missing has none: ``hub.service.signalering.ketencontacten``)."""
        return cls(
            opschorting_id=o.opschorting_id,
            casus_id=o.casus_id,
            status=o.status,
            telling=_telling(o.keten, now),
            maatregelen=list(o.maatregelen),
            ingangsdatum=o.ingangsdatum,
            einddatum=o.einddatum,
            grondslag=o.grondslag,
            reden=o.reden,
            opgedragen_op=o.opgedragen_op,
            compleet_op=o.compleet_op,
            opgeheven_per=o.opgeheven_per,
            verlopen_op=o.verlopen_op,
            keten=_verzoeken(o.keten, now, contacten),
            wijzigingen=[
                WijzigingView(
                    wijziging_id=w.wijziging_id,
                    soort=w.soort,
                    reden=w.reden,
                    gewijzigd_op=w.gewijzigd_op,
                    nieuwe_einddatum=w.nieuwe_einddatum,
                    opheffingsdatum=w.opheffingsdatum,
                    status=w.status,
                    telling=_telling(w.keten, now),
                    compleet_op=w.compleet_op,
                    keten=_verzoeken(w.keten, now, contacten),
                )
                for w in o.wijzigingen
            ],
        )
