"""Escalation to the Landelijk Escalatie Team (LET).

Flow: the loket escalates a casus (``CasusOpgeschaald`` on the casus topic) and hands the LET its
dossier (``EscalatieAangemeld``); the LET schedules a meeting of the administrators involved
(``EscalatieOverlegGepland``), records its outcome (``EscalatieUitkomstVastgesteld``), each agreed
action as it is carried out (``EscalatieActiepuntAfgerond``) and collects systemic bottlenecks
(``KnelpuntGeregistreerd``). All on ``maatwerk.escalatie.v1``, keyed on the
casus id.

An invited organisation that is an installed agency (it has a connector) also gets the invitation
as an instruction on its own instruction topic (``EscalatieUitnodigingInstructie``, again with the
meeting once it is planned) and answers on its own answer topic: received, with its own
reference (``EscalatieUitnodigingOntvangen``), or refused with a reason code
(``EscalatieUitnodigingGeweigerd``). Other organisations read the escalation over the API.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from schemas.casus import Urgentie
from schemas.envelope import Contract, EventData, register
from schemas.gedeeld import Bestuurder, Partij, Regel, Weigeringsreden
from schemas.ids import CasusId, Oin
from schemas.opschorting import PersoonVersleuteld
from schemas.organisaties import Uitvoerdercode


class Documentverwijzing(Contract):
    """A document in the loket's case file, by reference: documents never travel on a topic."""

    kenmerk: str = Field(
        description="The loket's reference of the document.", min_length=1, max_length=100
    )
    titel: str = Field(description="Title of the document.", min_length=1, max_length=200)


class LopendInstrument(Contract):
    """An instrument running on the casus when it was escalated, as the hub knows it (read from
    the hub, not retyped by the loket)."""

    soort: str = Field(
        description="Kind of instrument: opschorting, informatieverzoek, schuldenoverzicht.",
        min_length=1,
        max_length=40,
    )
    id: str = Field(description="The instrument's id in the hub.", min_length=1, max_length=64)
    status: str = Field(description="Its status in the hub.", min_length=1, max_length=40)
    omschrijving: str | None = Field(
        default=None,
        description="What it is, in a few words (a time-out's period and agencies).",
        max_length=400,
    )


class Dossier(Contract):
    """What the LET needs to take the case up (no personal identifiers)."""

    samenvatting: str = Field(
        description="Summary of the situation.", min_length=1, max_length=4000
    )
    vraag: str = Field(
        description="What the loket asks the LET to decide.", min_length=1, max_length=2000
    )
    geprobeerd: str = Field(
        description="What the organisations and the loket tried already.",
        min_length=1,
        max_length=4000,
    )
    betrokken_partijen: tuple[Partij, ...] = Field(
        min_length=1, description="Organisations involved in the case."
    )
    documenten: tuple[Documentverwijzing, ...] = Field(
        default=(), description="Documents in the loket's case file the LET can consult."
    )
    lopende_instrumenten: tuple[LopendInstrument, ...] = Field(
        default=(),
        description="The instruments on the casus when it was escalated, as the hub records them.",
    )


class _Escalatiebericht(EventData):
    escalatie_id: str = Field(
        description="Id of the escalation (UUID).", min_length=1, max_length=64
    )
    casus_id: CasusId = Field(description="The escalated casus.")


@register
class EscalatieAangemeld(_Escalatiebericht):
    """The loket put a casus before the LET, with its dossier and the administrators to invite."""

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.aangemeld.v1"
    dossier: Dossier = Field(description="The escalation dossier.")
    uit_te_nodigen: tuple[Bestuurder, ...] = Field(
        min_length=1, description="Administrators the independent chair should bring together."
    )
    urgentie: Urgentie = Field(description="How fast the household needs a decision.")
    aangemeld_op: AwareDatetime = Field(description="When the loket escalated to the LET.")
    zonder_contact: tuple[Partij, ...] = Field(
        default=(),
        description="Organisations to invite that have no registered contact "
        "(maatwerkfunctionaris) in the Landelijk Maatwerkregister: the LET must reach them "
        "another way. Flagged, never left out of uit_te_nodigen.",
    )


@register
class EscalatieOverlegGepland(_Escalatiebericht):
    """The LET scheduled a meeting of the administrators on the casus."""

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.overleg-gepland.v1"
    overleg_id: str = Field(description="Id of the meeting (UUID).", min_length=1, max_length=64)
    aanvang: AwareDatetime = Field(description="When the meeting starts.")
    duur_minuten: int = Field(description="Planned length in minutes.", gt=0, le=480)
    locatie: str = Field(
        description="Where the meeting takes place, or 'online'.", min_length=1, max_length=200
    )
    deelnemers: tuple[Bestuurder, ...] = Field(
        min_length=1, description="Administrators invited to the meeting."
    )
    agenda: tuple[str, ...] = Field(
        default=(), description="Agenda items, in order (no personal identifiers)."
    )
    gepland_op: AwareDatetime = Field(description="When the meeting was scheduled.")


class Uitkomst(StrEnum):
    """What the LET meeting led to."""

    OPLOSSING = "oplossing"
    """The administrators agreed on a solution."""
    GEEN_OPLOSSING = "geen-oplossing"
    """No solution could be agreed."""
    TERUGVERWEZEN = "terugverwezen"
    """Sent back to the organisations or the loket with directions."""


class Actiepunt(Contract):
    """One thing an organisation committed to in the LET."""

    omschrijving: str = Field(description="What will be done.", min_length=1, max_length=2000)
    verantwoordelijke: Partij = Field(description="The organisation that will do it.")
    uiterlijk: dt.date | None = Field(default=None, description="Last day by which it is done.")


@register
class EscalatieUitkomstVastgesteld(_Escalatiebericht):
    """The LET recorded the outcome of the escalation: the decision and who is responsible."""

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.uitkomst-vastgesteld.v1"
    uitkomst: Uitkomst = Field(description="What the meeting led to.")
    besluit: str = Field(description="The decision, in words.", min_length=1, max_length=4000)
    verantwoordelijke: Partij | None = Field(
        default=None,
        description="The organisation responsible for carrying out the solution; required when "
        "uitkomst is 'oplossing'.",
    )
    actiepunten: tuple[Actiepunt, ...] = Field(
        default=(), description="What each organisation committed to."
    )
    vastgesteld_op: AwareDatetime = Field(description="When the outcome was recorded.")

    @model_validator(mode="after")
    def _verantwoordelijke_bij_oplossing(self) -> Self:
        if self.uitkomst is Uitkomst.OPLOSSING and self.verantwoordelijke is None:
            raise ValueError("verantwoordelijke is required when uitkomst is 'oplossing'")
        return self


@register
class EscalatieActiepuntAfgerond(_Escalatiebericht):
    """The LET recorded that an agreed action was carried out."""

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.actiepunt-afgerond.v1"
    actiepunt: int = Field(
        description="Number of the action in the outcome's actiepunten (from 1).", ge=1
    )
    verantwoordelijke: Partij = Field(description="The organisation that carried it out.")
    uiterlijk: dt.date | None = Field(default=None, description="Its deadline.")
    toelichting: str | None = Field(
        default=None, description="How it was done (no personal identifiers).", max_length=2000
    )
    afgerond_op: AwareDatetime = Field(description="When the LET recorded it as done.")


class Knelpuntcategorie(StrEnum):
    """Kind of systemic bottleneck the LET learns from."""

    WETGEVING = "wetgeving"
    """A law or regulation blocks the solution."""
    UITVOERING = "uitvoering"
    """The way an organisation applies its rules blocks the solution."""
    SAMENWERKING = "samenwerking"
    """Organisations do not find or reach each other."""
    FINANCIERING = "financiering"
    """It is unclear or disputed who pays."""
    INFORMATIEDELING = "informatiedeling"
    """Information cannot be shared when it is needed."""
    SYSTEMEN = "systemen"
    """IT systems cannot carry out the solution."""


@register
class KnelpuntGeregistreerd(_Escalatiebericht):
    """The LET recorded a systemic bottleneck found in the casus."""

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.knelpunt-geregistreerd.v1"
    knelpunt_id: str = Field(
        description="Id of the bottleneck (UUID).", min_length=1, max_length=64
    )
    categorie: Knelpuntcategorie = Field(description="Kind of bottleneck.")
    regel: Regel | None = Field(
        default=None,
        description="The rule or law involved; required when categorie is 'wetgeving'.",
    )
    omschrijving: str = Field(
        description="What blocks, in words (no personal identifiers).",
        min_length=1,
        max_length=4000,
    )
    betrokken_partijen: tuple[Partij, ...] = Field(
        default=(), description="Organisations whose rules or practice are involved."
    )
    voorstel: str | None = Field(
        default=None, description="Suggested structural improvement.", max_length=4000
    )
    geregistreerd_op: AwareDatetime = Field(description="When the bottleneck was recorded.")

    @model_validator(mode="after")
    def _regel_bij_wetgeving(self) -> Self:
        if self.categorie is Knelpuntcategorie.WETGEVING and self.regel is None:
            raise ValueError("regel is required when categorie is 'wetgeving'")
        return self


class Overlegmoment(Contract):
    """The meeting an invitation is for, once the LET planned it."""

    overleg_id: str = Field(description="Id of the meeting (UUID).", min_length=1, max_length=64)
    aanvang: AwareDatetime = Field(description="When the meeting starts.")
    duur_minuten: int = Field(description="Planned length in minutes.", gt=0, le=480)
    locatie: str = Field(
        description="Where the meeting takes place, or 'online'.", min_length=1, max_length=200
    )


@register
class EscalatieUitnodigingInstructie(_Escalatiebericht):
    """The hub invites one agency to the LET escalation of a casus (on its own instruction topic).

    Sent when the casus is escalated (no meeting yet) and again each time the meeting is planned
    or moved; each is a request of its own, answered by its ``instructie_id``.
    """

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.uitnodiging.v1"
    uitvoerder: Uitvoerdercode = Field(description="The agency invited (owner of the topic).")
    personen: tuple[PersoonVersleuteld, ...] = Field(
        min_length=1,
        description="The household members the casus is about, each BSN sealed for this agency "
        "only: how its back-office finds its own file.",
    )
    dossierkenmerk: str = Field(
        description="The reference of the escalation dossier at the LET, to quote when asking "
        "the LET for it (the dossier itself is not sent).",
        min_length=1,
        max_length=64,
    )
    gevraagde_rol: str = Field(
        description="Whom the LET asks the agency to send: the administrator's role, e.g. "
        "'directeur-generaal'.",
        min_length=1,
        max_length=200,
    )
    urgentie: Urgentie = Field(description="How fast the household needs a decision.")
    overleg: Overlegmoment | None = Field(
        default=None, description="The meeting, once planned; null when not planned yet."
    )
    reageer_uiterlijk: AwareDatetime = Field(description="Deadline for the agency's answer.")
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality invited; unset for "
        "every other agency.",
    )


class _UitnodigingAntwoord(_Escalatiebericht):
    uitvoerder: Uitvoerdercode = Field(description="The answering agency.")
    instructie_id: str = Field(
        description="Event id of the invitation this answers.", min_length=1, max_length=64
    )
    beantwoord_op: AwareDatetime = Field(description="When the agency answered.")
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality that answered.",
    )


@register
class EscalatieUitnodigingOntvangen(_UitnodigingAntwoord):
    """The agency registered the invitation and will send the role asked."""

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.uitnodiging-ontvangen.v1"
    referentie: str = Field(
        description="The agency's own reference of the invitation.", min_length=1, max_length=100
    )


@register
class EscalatieUitnodigingGeweigerd(_UitnodigingAntwoord):
    """The agency refused the invitation."""

    event_type: ClassVar[str] = "nl.maatwerk.escalatie.uitnodiging-geweigerd.v1"
    redencode: Weigeringsreden = Field(description="Why the agency refused, as a code.")
    reden: str = Field(description="The agency's reason, in words.", min_length=1, max_length=2000)
    referentie: str | None = Field(
        default=None, description="The agency's reference, if any.", max_length=100
    )
