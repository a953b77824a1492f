"""Overbruggingsprocedure: start care now, settle who pays later.

Everyone agrees what care is needed, but not who pays (gemeente under the Wmo, insurer under the
Zvw, care office under the Wlz). Flow: ``OverbruggingAangevraagd`` -> the loket decides fast
(``OverbruggingToegekend`` with pre-financing, or ``OverbruggingAfgewezen``) ->
``VoorfinancieringBetaald`` (one per payment) -> the LET designates the responsible party
(``VerantwoordelijkeAangewezen``) -> ``TerugbetalingGevraagd`` -> ``TerugbetalingOntvangen``.
Amounts are :class:`~schemas.gedeeld.Bedrag`: integer euro cents. On ``maatwerk.overbrugging.v1``.

A responsible party that is an installed agency (it has a connector) also gets the repayment
request as an instruction on its own instruction topic (``TerugbetalingsverzoekInstructie``)
and answers on its own answer topic: accepted, with its own reference
(``TerugbetalingsverzoekAanvaard``), or refused with a reason code
(``TerugbetalingsverzoekGeweigerd``). Other parties read their requests over the API.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from pydantic import AwareDatetime, Field

from schemas.envelope import Contract, EventData, register
from schemas.gedeeld import Bedrag, Partij, Weigeringsreden
from schemas.ids import CasusId, Oin
from schemas.opschorting import PersoonVersleuteld
from schemas.organisaties import Uitvoerdercode


class Financieringskader(StrEnum):
    """The law under which care may be funded."""

    WMO = "wmo"
    """Wet maatschappelijke ondersteuning 2015: the gemeente."""
    ZVW = "zvw"
    """Zorgverzekeringswet: the health insurer."""
    WLZ = "wlz"
    """Wet langdurige zorg: the care office (zorgkantoor)."""
    JEUGDWET = "jeugdwet"
    """Jeugdwet: the gemeente."""
    OVERIG = "overig"


class Financier(Contract):
    """A party that may have to pay, and under which law."""

    partij: Partij = Field(description="The organisation.")
    kader: Financieringskader = Field(description="The law under which it would pay.")


class _Overbruggingsbericht(EventData):
    overbrugging_id: str = Field(
        description="Id of the bridging procedure (UUID).", min_length=1, max_length=64
    )
    casus_id: CasusId = Field(description="The casus the bridging belongs to.")


@register
class OverbruggingAangevraagd(_Overbruggingsbericht):
    """A professional asked the loket to bridge: the care is agreed, who pays is not."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.aangevraagd.v1"
    zorgvoorziening: str = Field(
        description="The care or support needed (no personal identifiers).",
        min_length=1,
        max_length=2000,
    )
    mogelijke_financiers: tuple[Financier, ...] = Field(
        min_length=1, description="The parties disputing or possibly responsible for the funding."
    )
    geraamd_bedrag: Bedrag = Field(description="Estimated cost of the care until a decision.")
    aangevraagd_door: Partij = Field(description="The organisation asking for bridging.")
    aangevraagd_op: AwareDatetime = Field(description="When bridging was asked for.")


@register
class OverbruggingToegekend(_Overbruggingsbericht):
    """The loket decided to bridge: care starts now, pre-financed."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.toegekend.v1"
    voorfinancierder: Partij = Field(description="The organisation that pre-finances the care.")
    maximum_bedrag: Bedrag = Field(description="The most that may be pre-financed.")
    ingangsdatum: dt.date = Field(description="First day of pre-financed care.")
    toelichting: str | None = Field(
        default=None, description="The loket's grounds for bridging.", max_length=2000
    )
    besloten_op: AwareDatetime = Field(description="When the loket decided.")


class Afwijzingsgrond(StrEnum):
    """Why the loket does not bridge."""

    ZORG_NIET_EENDUIDIG = "zorg-niet-eenduidig"
    """The parties do not agree what care is needed."""
    FINANCIER_BEKEND = "financier-bekend"
    """It is clear who pays: no bridging needed."""
    NIET_URGENT = "niet-urgent"
    """Waiting for the funding decision does not harm the household."""
    BUITEN_REIKWIJDTE = "buiten-reikwijdte"
    """The request lies outside the procedure."""


@register
class OverbruggingAfgewezen(_Overbruggingsbericht):
    """The loket decided not to bridge, with its reason."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.afgewezen.v1"
    redencode: Afwijzingsgrond = Field(description="Why bridging was declined, as a code.")
    reden: str = Field(
        description="Why bridging was declined, in words.", min_length=1, max_length=2000
    )
    besloten_op: AwareDatetime = Field(description="When the loket decided.")


@register
class VoorfinancieringBetaald(_Overbruggingsbericht):
    """The pre-financing party paid (part of) the care."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.voorfinanciering-betaald.v1"
    betaling_id: str = Field(description="Id of this payment (UUID).", min_length=1, max_length=64)
    bedrag: Bedrag = Field(description="Amount paid.")
    betaald_door: Partij = Field(description="The pre-financing organisation.")
    ontvanger: str = Field(
        description="Name of the care provider paid.", min_length=1, max_length=200
    )
    betaaldatum: dt.date = Field(description="Day of payment.")
    betalingskenmerk: str = Field(
        description="Payment reference of the payer.", min_length=1, max_length=100
    )


@register
class VerantwoordelijkeAangewezen(_Overbruggingsbericht):
    """The LET decided which party is responsible for the care and so repays the pre-financing."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.verantwoordelijke-aangewezen.v1"
    verantwoordelijke: Partij = Field(description="The responsible organisation.")
    kader: Financieringskader = Field(description="The law under which it is responsible.")
    motivering: str = Field(description="Grounds of the decision.", min_length=1, max_length=4000)
    escalatie_id: str | None = Field(
        default=None, description="The escalation in which the LET decided, if any.", max_length=64
    )
    aangewezen_op: AwareDatetime = Field(description="When the LET decided.")


@register
class TerugbetalingGevraagd(_Overbruggingsbericht):
    """The pre-financing party asks the responsible party to repay."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1"
    verzoek_id: str = Field(
        description="Id of this repayment request (UUID).", min_length=1, max_length=64
    )
    betaler: Partij = Field(description="The responsible organisation that repays.")
    ontvanger: Partij = Field(description="The pre-financing organisation that is repaid.")
    bedrag: Bedrag = Field(description="Amount to repay.")
    uiterlijk: dt.date = Field(description="Last day for payment.")
    betalingskenmerk: str = Field(
        description="Reference to quote with the payment.", min_length=1, max_length=100
    )
    gevraagd_op: AwareDatetime = Field(description="When repayment was requested.")


@register
class TerugbetalingOntvangen(_Overbruggingsbericht):
    """The pre-financing party received (part of) the repayment."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.terugbetaling-ontvangen.v1"
    verzoek_id: str = Field(
        description="Id of the repayment request paid.", min_length=1, max_length=64
    )
    bedrag: Bedrag = Field(description="Amount received.")
    betaald_door: Partij = Field(description="The organisation that repaid.")
    ontvangstdatum: dt.date = Field(description="Day the payment was received.")
    openstaand: Bedrag = Field(description="What remains to be repaid after this payment.")


@register
class TerugbetalingsverzoekInstructie(_Overbruggingsbericht):
    """The hub asks one agency, designated responsible by the LET, to repay the pre-financing
    (on its own instruction topic)."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.terugbetalingsverzoek.v1"
    verzoek_id: str = Field(
        description="Id of the repayment request (UUID).", min_length=1, max_length=64
    )
    uitvoerder: Uitvoerdercode = Field(
        description="The agency asked to repay (owner of the topic)."
    )
    personen: tuple[PersoonVersleuteld, ...] = Field(
        min_length=1,
        description="The household members the care was for, each BSN sealed for this agency "
        "only: how its back-office finds its own file.",
    )
    bedrag: Bedrag = Field(description="Amount to repay, in integer euro cents.")
    uiterlijk: dt.date = Field(description="Last day for payment.")
    betalingskenmerk: str = Field(
        description="Reference to quote with the payment.", min_length=1, max_length=100
    )
    voorfinancierder: Partij = Field(description="The pre-financing organisation to repay.")
    reageer_uiterlijk: AwareDatetime = Field(description="Deadline for the agency's answer.")
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality asked; unset for "
        "every other agency.",
    )


class _TerugbetalingsAntwoord(_Overbruggingsbericht):
    verzoek_id: str = Field(
        description="Id of the repayment request answered.", min_length=1, max_length=64
    )
    uitvoerder: Uitvoerdercode = Field(description="The answering agency.")
    instructie_id: str = Field(
        description="Event id of the instruction this answers.", min_length=1, max_length=64
    )
    beantwoord_op: AwareDatetime = Field(description="When the agency answered.")
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality that answered.",
    )


@register
class TerugbetalingsverzoekAanvaard(_TerugbetalingsAntwoord):
    """The agency accepted the repayment request and booked it for payment."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.terugbetalingsverzoek-aanvaard.v1"
    referentie: str = Field(
        description="The agency's own reference of the payment order.", min_length=1, max_length=100
    )


@register
class TerugbetalingsverzoekGeweigerd(_TerugbetalingsAntwoord):
    """The agency refused the repayment request."""

    event_type: ClassVar[str] = "nl.maatwerk.overbrugging.terugbetalingsverzoek-geweigerd.v1"
    redencode: Weigeringsreden = Field(description="Why the agency refused, as a code.")
    reden: str = Field(description="The agency's reason, in words.", min_length=1, max_length=2000)
    referentie: str | None = Field(
        default=None, description="The agency's reference, if any.", max_length=100
    )
