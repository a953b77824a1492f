"""Casus messages: the loket's intake of a stuck case and its lifecycle.

Lifecycle: ``ingediend`` -> ``geaccepteerd`` or ``afgewezen`` -> ``in-behandeling`` ->
(``opgeschaald`` to the LET) -> ``opgelost`` -> ``gesloten``. All on ``maatwerk.casus.v1``, keyed on
the casus id, so they stay in order.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from schemas.envelope import Contract, EventData, register
from schemas.ids import CasusId, Oin, Pseudoniem
from schemas.organisaties import Uitvoerdercode


class Urgentie(StrEnum):
    """How fast the household needs help."""

    NORMAAL = "normaal"
    HOOG = "hoog"
    ACUUT = "acuut"


class Probleemdomein(StrEnum):
    """Area of life in which the household is stuck."""

    SCHULDEN = "schulden"
    ZORG = "zorg"
    WONEN = "wonen"
    INKOMEN = "inkomen"
    VERBLIJFSSTATUS = "verblijfsstatus"
    ONDERWIJS = "onderwijs"
    JUSTITIE = "justitie"


class Instrument(StrEnum):
    """An instrument of the programme that a casus can ask for."""

    TIME_OUT = "time-out"
    ESCALATIE = "escalatie"
    OVERBRUGGING = "overbrugging"
    INFORMATIE_DELEN = "informatie-delen"
    AFWIJKING = "afwijking"


class Huishoudlid(Contract):
    """A household member as it travels: pseudonymised, never with a BSN."""

    pseudoniem: Pseudoniem = Field(description="Pseudonym of the household member.")
    rol: str = Field(
        description="Role in the household (aanvrager, partner, kind, overig).", max_length=40
    )


class Maatwerkfunctionaris(Contract):
    """The contact point of the submitting organisation for one casus."""

    naam: str = Field(description="Name of the officer or team.", min_length=1, max_length=200)
    email: str = Field(description="Central e-mail address.", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    telefoon: str | None = Field(default=None, description="Phone number.", max_length=40)


@register
class CasusIngediend(EventData):
    """The loket has taken in a casus."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.ingediend.v1"
    casus_id: CasusId = Field(description="The loket's id of this casus.")
    indiener_oin: Oin = Field(description="OIN of the submitting organisation.")
    maatwerkfunctionaris: Maatwerkfunctionaris = Field(description="Contact point for this casus.")
    huishouden: tuple[Huishoudlid, ...] = Field(
        min_length=1, description="Household members, pseudonymised."
    )
    probleemdomeinen: tuple[Probleemdomein, ...] = Field(
        min_length=1, description="Areas of life in which the household is stuck."
    )
    betrokken_organisaties: tuple[Uitvoerdercode, ...] = Field(
        description="Organisations involved in the case."
    )
    geprobeerd: str = Field(
        description="What was tried already (no personal identifiers).",
        min_length=1,
        max_length=4000,
    )
    urgentie: Urgentie = Field(description="Urgency as judged by the submitter.")
    gevraagde_instrumenten: tuple[Instrument, ...] = Field(
        min_length=1, description="Instruments the submitter asks the loket to use."
    )
    ingediend_op: AwareDatetime = Field(description="When the casus was submitted.")
    woongemeente: Oin | None = Field(
        default=None,
        description="OIN of the household's municipality of residence: the municipality whose "
        "social services (bijzondere bijstand, Wmo) the instruments reach when gemeente is "
        "involved. Required before a time-out or information request for gemeente.",
    )


class Afwijzingsreden(StrEnum):
    """Why the loket does not take a casus on."""

    NIET_ALLES_GEPROBEERD = "niet-alles-geprobeerd"
    """Not everything reasonable was tried locally and between the organisations first."""
    GEEN_MULTIPROBLEMATIEK = "geen-multiproblematiek"
    """The household is not stuck between the rules of several bodies."""
    ONVOLLEDIG = "onvolledig"
    """The submission lacks what the loket needs to judge it."""
    DUBBEL = "dubbel"
    """The same household is already a casus."""
    BUITEN_REIKWIJDTE = "buiten-reikwijdte"
    """The question lies outside what the loket and its instruments can do."""


class Sluitingsreden(StrEnum):
    """Why a casus was closed."""

    OPGELOST = "opgelost"
    AFGEWEZEN = "afgewezen"
    INGETROKKEN = "ingetrokken"
    """The submitter withdrew the casus."""
    GEEN_OPLOSSING = "geen-oplossing"
    """Every instrument was tried without a solution."""
    OVERGEDRAGEN = "overgedragen"
    """Handed back to regular care or another body."""


class _Casusbericht(EventData):
    casus_id: CasusId = Field(description="The loket's id of this casus.")


@register
class CasusGeaccepteerd(_Casusbericht):
    """The loket took the casus on: reasonably everything was done before it came in."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.geaccepteerd.v1"
    toelichting: str | None = Field(
        default=None,
        description="The loket's note on the intake (no personal identifiers).",
        max_length=2000,
    )
    geaccepteerd_op: AwareDatetime = Field(description="When the loket accepted the casus.")


@register
class CasusAfgewezen(_Casusbericht):
    """The loket refused the casus, with its reason."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.afgewezen.v1"
    redencode: Afwijzingsreden = Field(description="Why the casus was refused, as a code.")
    reden: str = Field(
        description="Why the casus was refused, in words.", min_length=1, max_length=2000
    )
    advies: str | None = Field(
        default=None, description="Where the submitter can turn instead.", max_length=2000
    )
    afgewezen_op: AwareDatetime = Field(description="When the loket refused the casus.")


@register
class CasusInBehandeling(_Casusbericht):
    """A case handler of the loket is working on the casus."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.in-behandeling.v1"
    behandelteam: str = Field(
        description="The loket team handling the casus.", min_length=1, max_length=200
    )
    in_behandeling_op: AwareDatetime = Field(description="When handling started.")


@register
class CasusOpgeschaald(_Casusbericht):
    """The loket escalated the casus to the Landelijk Escalatie Team (dossier: escalatie topic)."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.opgeschaald.v1"
    escalatie_id: str = Field(
        description="Id of the escalation (UUID); the dossier is EscalatieAangemeld.",
        min_length=1,
        max_length=64,
    )
    reden: str = Field(
        description="Why the loket alone could not solve it.", min_length=1, max_length=2000
    )
    opgeschaald_op: AwareDatetime = Field(description="When the casus was escalated.")


@register
class CasusOpgelost(_Casusbericht):
    """The household's situation was solved."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.opgelost.v1"
    oplossing: str = Field(
        description="What the solution is (no personal identifiers).", min_length=1, max_length=4000
    )
    ingezette_instrumenten: tuple[Instrument, ...] = Field(
        default=(), description="Instruments that were used to reach the solution."
    )
    opgelost_op: AwareDatetime = Field(description="When the solution was established.")


@register
class CasusGesloten(_Casusbericht):
    """The casus is closed; no further messages follow for it."""

    event_type: ClassVar[str] = "nl.maatwerk.casus.gesloten.v1"
    redencode: Sluitingsreden = Field(description="Why the casus was closed.")
    toelichting: str | None = Field(
        default=None, description="Note on the closing (no personal identifiers).", max_length=2000
    )
    gesloten_op: AwareDatetime = Field(description="When the casus was closed.")
