"""Afstemmingsbepaling: purpose-bound information requests between organisations, minimised answers.

Flow: the hub puts an ``InformatieVerzoek`` on the answering agency's own topic
(``maatwerk.informatie.verzoek.<agency>.v1``, read by that agency only); the agency's connector
answers on its own ``maatwerk.informatie.antwoord.<agency>.v1`` (written by it alone, read by the
hub only) with ``InformatieVerstrekt`` or ``InformatieGeweigerd``. Every request and answer is
logged by the hub on its event id.

Minimisation is checked in the messages themselves: a request asks only for categories that the
sharing agreement (``afspraak``) allows, and an answer carries only categories that were asked.
The hub checks it once more against the request it recorded.

The personal content of an answer (each ``Gegeven.inhoud``) travels sealed for the receiver only:
the request names the receiver's X25519 public key (``ontvanger_sleutel``) and the agency seals
each ``inhoud`` with it (:func:`schemas.versleuteling.seal`). Only the category, the person's
pseudonym and the reference date stay readable, so the hub can check minimisation without reading
the content. Sealed content of category ``vorderingen`` opens to JSON of :class:`VorderingInhoud`
(one claim), which is what a debt overview (schuldenoverzicht) is made of.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import AwareDatetime, Field, model_validator

from schemas.envelope import Contract, EventData, register
from schemas.gedeeld import Partij, Regel
from schemas.ids import CasusId, Oin, Pseudoniem
from schemas.opschorting import Maatregel, PersoonVersleuteld
from schemas.organisaties import Uitvoerdercode


class Gegevenscategorie(StrEnum):
    """A category of information about a household member that can be asked for."""

    VORDERINGEN = "vorderingen"
    """Open claims and their amounts."""
    BETALINGSREGELINGEN = "betalingsregelingen"
    """Payment arrangements in force."""
    BESLAGEN = "beslagen"
    """Garnishments in force."""
    VERREKENINGEN = "verrekeningen"
    """Set-offs against benefits or refunds."""
    INKOMEN = "inkomen"
    """Income as known to the organisation."""
    UITKERINGEN = "uitkeringen"
    """Benefits paid."""
    TOESLAGEN = "toeslagen"
    """Allowances (huur-, zorg-, kinderopvangtoeslag, kindgebonden budget)."""
    ZORGVERZEKERING = "zorgverzekering"
    """Health insurance status and premium arrears."""
    ZORGINDICATIE = "zorgindicatie"
    """Care entitlements (Wmo, Wlz, Jeugdwet)."""
    VERBLIJFSSTATUS = "verblijfsstatus"
    """Residence status and pending procedures."""
    STUDIEFINANCIERING = "studiefinanciering"
    """Student finance and study debt."""
    PROCEDURES = "procedures"
    """Pending objections, appeals and enforcement steps."""


def _zonder_dubbelen(categorieen: tuple[Gegevenscategorie, ...], veld: str) -> None:
    if len(set(categorieen)) != len(categorieen):
        raise ValueError(f"{veld} must not name a category twice")


class Afspraak(Contract):
    """The information-sharing agreement a request relies on."""

    kenmerk: str = Field(
        description="Reference of the agreement (convenant) between the organisations.",
        min_length=1,
        max_length=100,
    )
    toegestane_categorieen: tuple[Gegevenscategorie, ...] = Field(
        min_length=1,
        description="Categories the agreement allows to share for this purpose.",
        json_schema_extra={"uniqueItems": True},
    )


@register
class InformatieVerzoek(EventData):
    """The hub asks one agency for information about household members, for one purpose."""

    event_type: ClassVar[str] = "nl.maatwerk.informatie.verzoek.v1"
    verzoek_id: str = Field(description="Id of the request (UUID).", min_length=1, max_length=64)
    casus_id: CasusId = Field(description="The casus the information is needed for.")
    verzoeker: Partij = Field(description="The organisation asking.")
    verstrekker: Uitvoerdercode = Field(description="The agency asked (owner of the topic).")
    doel: str = Field(
        description="The specific purpose the information is needed for, in this casus.",
        min_length=1,
        max_length=1000,
    )
    grondslag: Regel = Field(description="Legal ground for sharing.")
    afspraak: Afspraak = Field(description="The sharing agreement relied on.")
    gevraagde_categorieen: tuple[Gegevenscategorie, ...] = Field(
        min_length=1,
        description="Categories asked; each must be allowed by afspraak.toegestane_categorieen.",
        json_schema_extra={"uniqueItems": True},
    )
    personen: tuple[PersoonVersleuteld, ...] = Field(
        min_length=1, description="Household members concerned, each BSN sealed for this agency."
    )
    reageer_uiterlijk: AwareDatetime = Field(description="Deadline for the agency's answer.")
    gevraagd_op: AwareDatetime = Field(description="When the request was made.")
    ontvanger_sleutel: str | None = Field(
        default=None,
        description=(
            "X25519 public key of the receiver of the answer (base64url of its 32 raw bytes, no "
            "padding): the agency seals every gegevens[].inhoud with it, so only the receiver "
            "can read the content. The hub's own key when the hub assembles the answer (a debt "
            "overview). Without it an agency refuses (onverwerkbaar): content never travels in "
            "clear."
        ),
        min_length=43,
        max_length=43,
        pattern=r"^[A-Za-z0-9_-]{43}$",
    )

    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality whose back-office holds "
        "the claims (the household's municipality of residence, the casus's woongemeente). One "
        "connector serves many municipalities and routes by it; unset for every other agency.",
    )

    @model_validator(mode="after")
    def _binnen_afspraak(self) -> Self:
        _zonder_dubbelen(self.gevraagde_categorieen, "gevraagde_categorieen")
        buiten = set(self.gevraagde_categorieen) - set(self.afspraak.toegestane_categorieen)
        if buiten:
            namen = ", ".join(sorted(buiten))
            raise ValueError(f"gevraagde_categorieen not allowed by afspraak: {namen}")
        return self


class Gegeven(Contract):
    """Information of one category about one household member, minimised to the purpose."""

    categorie: Gegevenscategorie = Field(description="The category.")
    pseudoniem: Pseudoniem = Field(description="The household member it is about.")
    inhoud: str = Field(
        description=(
            "The information, minimised (no BSN or other identifiers), sealed for the request's "
            "ontvanger_sleutel (schemas.versleuteling: v1.<epk>.<nonce>.<ciphertext>). Opened: "
            "JSON of VorderingInhoud for category vorderingen, text (at most 4000 characters) "
            "for the others."
        ),
        min_length=1,
        max_length=8000,
    )
    peildatum: dt.date = Field(description="The day the information reflects.")


class VorderingInhoud(Contract):
    """One open claim, as an agency shares it for category ``vorderingen`` (the opened content of
    a ``Gegeven``). Amounts in integer euro cents."""

    referentie: str = Field(
        description="The agency's own reference of the claim (as a time-out's scope names it).",
        min_length=1,
        max_length=64,
    )
    soort: str = Field(
        description="What the claim is, in the agency's words (e.g. 'inkomstenbelasting 2023').",
        min_length=1,
        max_length=200,
    )
    oorspronkelijk_bedrag_centen: int = Field(ge=0, description="The amount first due, in cents.")
    openstaand_bedrag_centen: int = Field(ge=0, description="The amount still open, in cents.")
    maatregelen: tuple[Maatregel, ...] = Field(
        default=(),
        description="Collection measures running on the claim now.",
        json_schema_extra={"uniqueItems": True},
    )
    bezwaar_of_beroep: bool = Field(
        default=False, description="An objection or appeal against the claim is pending."
    )
    betalingsregeling: bool = Field(
        default=False, description="A payment arrangement for the claim is in force."
    )
    opgeschort: bool = Field(
        default=False, description="Collection of the claim is suspended now (a time-out or stop)."
    )


MAX_INHOUD_TEKST = 4000
"""The longest opened ``Gegeven.inhoud`` of a category other than ``vorderingen``."""


class Weigeringsgrond(StrEnum):
    """Why an agency does not share (a category or the whole request)."""

    GEEN_GRONDSLAG = "geen-grondslag"
    """The legal ground does not cover this sharing."""
    DOEL_ONVOLDOENDE = "doel-onvoldoende"
    """The purpose does not need this information."""
    BUITEN_AFSPRAAK = "buiten-afspraak"
    """The agreement does not cover this category."""
    ONBEKENDE_PERSOON = "onbekende-persoon"
    """The agency does not know the person."""
    GEEN_GEGEVENS = "geen-gegevens"
    """The agency holds no information of this category."""
    ONVERWERKBAAR = "onverwerkbaar"
    """The request could not be processed."""


class NietVerstrekt(Contract):
    """A category that was asked but not shared, and why."""

    categorie: Gegevenscategorie = Field(description="The category withheld.")
    redencode: Weigeringsgrond = Field(description="Why it was withheld.")


class _Antwoord(EventData):
    verzoek_id: str = Field(
        description="Id of the request answered (UUID).", min_length=1, max_length=64
    )
    casus_id: CasusId = Field(description="The casus the information is needed for.")
    verstrekker: Uitvoerdercode = Field(description="The answering agency.")
    verzoek_event_id: str = Field(description="Event id of the InformatieVerzoek answered.")
    gemeente: Oin | None = Field(
        default=None,
        description="For uitvoerder gemeente: the OIN of the municipality whose back-office "
        "answered (the request's gemeente); unset for every other agency.",
    )


@register
class InformatieVerstrekt(_Antwoord):
    """The agency shares the information asked for, or the part it may share."""

    event_type: ClassVar[str] = "nl.maatwerk.informatie.verstrekt.v1"
    gevraagde_categorieen: tuple[Gegevenscategorie, ...] = Field(
        min_length=1,
        description="The categories the request asked for (copied from it).",
        json_schema_extra={"uniqueItems": True},
    )
    gegevens: tuple[Gegeven, ...] = Field(
        min_length=1, description="The information shared; only categories that were asked."
    )
    niet_verstrekt: tuple[NietVerstrekt, ...] = Field(
        default=(), description="Categories asked but withheld, each with its reason."
    )
    verstrekt_op: AwareDatetime = Field(description="When the agency answered.")

    @model_validator(mode="after")
    def _alleen_gevraagd(self) -> Self:
        _zonder_dubbelen(self.gevraagde_categorieen, "gevraagde_categorieen")
        gevraagd = set(self.gevraagde_categorieen)
        extra = {g.categorie for g in self.gegevens} - gevraagd
        if extra:
            raise ValueError(f"gegevens holds categories not asked for: {', '.join(sorted(extra))}")
        extra = {n.categorie for n in self.niet_verstrekt} - gevraagd
        if extra:
            namen = ", ".join(sorted(extra))
            raise ValueError(f"niet_verstrekt holds categories not asked for: {namen}")
        return self


@register
class InformatieGeweigerd(_Antwoord):
    """The agency refuses the whole request, with its reason."""

    event_type: ClassVar[str] = "nl.maatwerk.informatie.geweigerd.v1"
    redencode: Weigeringsgrond = Field(description="Why the agency refused, as a code.")
    reden: str = Field(description="The agency's reason, in words.", min_length=1, max_length=2000)
    geweigerd_op: AwareDatetime = Field(description="When the agency refused.")
