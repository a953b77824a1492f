"""What the information-request and debt-overview routes read and answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub.domain.informatieverzoek import Informatieverzoek, Ontvanger
from hub.domain.schuldenoverzicht import Schuldenoverzicht, UitvoerderSchulden, Vordering
from hub.domain.verzoek import KetenStatus, VerzoekStatus
from hub.entrypoints.afspraak_views import ToetsInformatieverzoek
from hub.entrypoints.opschorting_views import AfleveringView
from hub.service.deps import Deps
from hub.service.informatie import Vragen, open_inhoud
from hub.service.invoer import Dag, Uniek
from hub.service.vrije_tekst import VrijeTekst
from schemas.opschorting import Maatregel
from schemas.organisaties import Uitvoerder
from schemas.versleuteling import SealError, load_public_key_text

MAX_UREN = 720


class VraagInformatie(ToetsInformatieverzoek):
    """An information request: what the dry run checks, plus who receives the answers and by
    when the agencies answer."""

    ontvanger_sleutel: str | None = Field(
        default=None,
        description="The requester's X25519 public key (base64url of its 32 raw bytes, no "
        "padding; schemas.versleuteling.public_key_text): the agencies seal every content for "
        "it, and the hub keeps text it cannot read. When absent the hub's own key: the hub opens "
        "the content for the requester when it is read.",
    )
    reageer_binnen_uren: int | None = Field(
        default=None,
        ge=1,
        le=MAX_UREN,
        description="Hours the agencies have to answer; default the hub's answer deadline.",
    )

    @field_validator("ontvanger_sleutel")
    @classmethod
    def _sleutel(cls, tekst: str | None) -> str | None:
        if tekst is not None:
            try:
                load_public_key_text(tekst)
            except SealError as exc:
                raise ValueError(str(exc)) from exc
        return tekst

    def vragen(self) -> Vragen:
        return Vragen(
            doel=self.doel,
            grondslag=self.grondslag,
            gevraagd=self.gevraagd(),
            personen=list(self.personen),
            ontvanger_sleutel=self.ontvanger_sleutel,
            reageer_binnen_uren=self.reageer_binnen_uren,
        )


class AfspraakVersieView(BaseModel):
    kenmerk: str
    versie: int


class GegevenView(BaseModel):
    categorie: str
    pseudoniem: str
    peildatum: dt.date
    inhoud: str | None = Field(
        description="The content opened, when the hub is the receiver (else null; null too "
        "once purged)."
    )
    inhoud_verzegeld: str | None = Field(
        description="The content sealed for the requester's key, when the requester is the "
        "receiver (else null; null too once purged)."
    )
    verwijderd_op: dt.datetime | None = Field(
        description="When the retention purge deleted the content; the fact stays."
    )


class NietVerstrektView(BaseModel):
    categorie: str
    redencode: str


class AntwoordView(BaseModel):
    """One question (one agency, one person) and its answer."""

    uitvoerder: str
    pseudoniem: str
    instructie_id: str
    status: VerzoekStatus
    late: bool = Field(description="Unanswered (pending or undeliverable) past the deadline.")
    aflevering: AfleveringView | None = Field(
        default=None, description="Set while the status is undeliverable: why."
    )
    afspraak: AfspraakVersieView = Field(description="The agreement version relied on.")
    categorieen: list[str] = Field(description="The categories asked.")
    redencode: str | None = Field(description="Why the agency refused.")
    reden: str | None
    verstrekt_op: dt.datetime | None = Field(description="When the agency answered.")
    gegevens: list[GegevenView]
    niet_verstrekt: list[NietVerstrektView]


class InformatieverzoekView(BaseModel):
    informatieverzoek_id: str
    casus_id: str
    doel: str
    grondslag: dict[str, str]
    status: KetenStatus
    gevraagd_op: dt.datetime
    reageer_uiterlijk: dt.datetime
    ontvanger: Ontvanger = Field(description="Who can open the content: the hub or the requester.")
    antwoorden: list[AntwoordView]

    @classmethod
    def of(
        cls, v: Informatieverzoek, now: dt.datetime, deps: Deps | None, *, inhoud: bool = True
    ) -> Self:
        """``deps`` opens content sealed for the hub; ``inhoud`` False: no content at all (an
        operator's view, a list)."""
        hub = v.ontvanger is Ontvanger.HUB
        antwoorden = []
        for vraag in v.vragen:
            verzoek = v.verzoek(vraag.instructie_id)
            deel = v.deel_van(vraag.uitvoerder)
            antwoorden.append(
                AntwoordView(
                    uitvoerder=vraag.uitvoerder,
                    pseudoniem=vraag.pseudoniem,
                    instructie_id=vraag.instructie_id,
                    status=verzoek.status,
                    late=verzoek.is_late(now),
                    aflevering=AfleveringView.of(verzoek.aflevering),
                    afspraak=AfspraakVersieView(kenmerk=deel.kenmerk, versie=deel.versie),
                    categorieen=list(vraag.categorieen),
                    redencode=verzoek.redencode,
                    reden=verzoek.reden,
                    verstrekt_op=verzoek.beantwoord_op,
                    gegevens=[
                        GegevenView(
                            categorie=g.categorie,
                            pseudoniem=g.pseudoniem,
                            peildatum=g.peildatum,
                            inhoud=open_inhoud(g.inhoud, deps)
                            if inhoud and hub and deps is not None
                            else None,
                            inhoud_verzegeld=g.inhoud if inhoud and not hub else None,
                            verwijderd_op=g.verwijderd_op,
                        )
                        for g in vraag.gegevens
                    ],
                    niet_verstrekt=[
                        NietVerstrektView(categorie=n.categorie, redencode=n.redencode)
                        for n in vraag.niet_verstrekt
                    ],
                )
            )
        return cls(
            informatieverzoek_id=v.informatieverzoek_id,
            casus_id=v.casus_id,
            doel=v.doel,
            grondslag=v.grondslag.model_dump(mode="json", exclude_none=True),
            status=v.status,
            gevraagd_op=v.gevraagd_op,
            reageer_uiterlijk=v.reageer_uiterlijk,
            ontvanger=v.ontvanger,
            antwoorden=antwoorden,
        )


class InformatieverzoekPagina(BaseModel):
    totaal: int = Field(description="How many requests, over all pages.")
    pagina: int
    per_pagina: int
    items: list[InformatieverzoekView] = Field(description="Without any content.")


class VraagSchuldenoverzicht(BaseModel):
    """A debt overview: which agencies (default every connected one with an agreement for it)."""

    model_config = ConfigDict(extra="forbid")

    uitvoerders: list[Uitvoerder] | None = Field(
        default=None,
        min_length=1,
        max_length=len(Uitvoerder),
        description="Only these agencies; each needs an agreement in force to give vorderingen "
        "to the loket for a schuldenoverzicht.",
        json_schema_extra={"uniqueItems": True},
    )
    reageer_binnen_uren: int | None = Field(
        default=None,
        ge=1,
        le=MAX_UREN,
        description="Hours the agencies have to answer; default the hub's answer deadline.",
    )

    @field_validator("uitvoerders")
    @classmethod
    def _eenmaal(cls, uitvoerders: list[Uitvoerder] | None) -> list[Uitvoerder] | None:
        if uitvoerders is not None and len(set(uitvoerders)) != len(uitvoerders):
            raise ValueError("names an agency twice")
        return uitvoerders


class VorderingView(BaseModel):
    pseudoniem: str = Field(description="The household member the claim is on.")
    referentie: str = Field(description="The agency's own reference of the claim.")
    soort: str
    oorspronkelijk_bedrag_centen: int
    openstaand_bedrag_centen: int
    maatregelen: list[str] = Field(description="Collection measures running on it now.")
    bezwaar_of_beroep: bool
    betalingsregeling: bool
    opgeschort: bool

    @classmethod
    def of(cls, v: Vordering) -> Self:
        return cls(
            pseudoniem=v.pseudoniem,
            referentie=v.referentie,
            soort=v.soort,
            oorspronkelijk_bedrag_centen=v.oorspronkelijk_bedrag_centen,
            openstaand_bedrag_centen=v.openstaand_bedrag_centen,
            maatregelen=list(v.maatregelen),
            bezwaar_of_beroep=v.bezwaar_of_beroep,
            betalingsregeling=v.betalingsregeling,
            opgeschort=v.opgeschort,
        )


class UitvoerderSchuldenView(BaseModel):
    uitvoerder: str
    status: VerzoekStatus = Field(description="The agency's answer over the whole household.")
    late: bool
    redencode: str | None
    reden: str | None
    vorderingen: list[VorderingView]
    totaal_oorspronkelijk_centen: int
    totaal_openstaand_centen: int
    onleesbaar: int = Field(
        description="Contents from this agency that did not open as a claim: left out of its "
        "claims and totals."
    )

    @classmethod
    def of(cls, u: UitvoerderSchulden) -> Self:
        return cls(
            uitvoerder=u.uitvoerder,
            status=u.status,
            late=u.late,
            redencode=u.redencode,
            reden=u.reden,
            vorderingen=[VorderingView.of(v) for v in u.vorderingen],
            totaal_oorspronkelijk_centen=u.totaal_oorspronkelijk_centen,
            totaal_openstaand_centen=u.totaal_openstaand_centen,
            onleesbaar=u.onleesbaar,
        )


class SchuldenoverzichtView(BaseModel):
    schuldenoverzicht_id: str
    casus_id: str
    status: KetenStatus = Field(
        description="pending while an agency has not answered; confirmed when every agency gave "
        "all its claims on the household (a person unknown to an agency has none there); "
        "incomplete when an agency refused for a person it knows or its content did not open."
    )
    compleet: bool = Field(
        description="The totals hold every agency's claims on every member: status confirmed."
    )
    gevraagd_op: dt.datetime
    reageer_uiterlijk: dt.datetime
    uitvoerders: list[UitvoerderSchuldenView]
    totaal_oorspronkelijk_centen: int = Field(description="The household's, in cents.")
    totaal_openstaand_centen: int = Field(description="The household's, in cents.")
    ontbrekend: list[str] = Field(description="Agencies that have not answered (yet).")
    late: list[str] = Field(description="Agencies that have not answered past the deadline.")
    verwijderd_op: dt.datetime | None = Field(
        description="Set once the retention purge deleted the claims (agencies and statuses stay)."
    )

    @classmethod
    def of(cls, o: Schuldenoverzicht) -> Self:
        return cls(
            schuldenoverzicht_id=o.schuldenoverzicht_id,
            casus_id=o.casus_id,
            status=o.status,
            compleet=o.compleet,
            gevraagd_op=o.gevraagd_op,
            reageer_uiterlijk=o.reageer_uiterlijk,
            uitvoerders=[UitvoerderSchuldenView.of(u) for u in o.uitvoerders],
            totaal_oorspronkelijk_centen=o.totaal_oorspronkelijk_centen,
            totaal_openstaand_centen=o.totaal_openstaand_centen,
            ontbrekend=o.ontbrekend,
            late=o.late,
            verwijderd_op=o.verwijderd_op,
        )


class OpschortingUitOverzicht(BaseModel):
    """A time-out on exactly the claims of a debt overview."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ingangsdatum: Dag | None = Field(default=None, description="Default today.")
    einddatum: Dag = Field(description="The last day; not before ingangsdatum.")
    maatregelen: Annotated[list[Maatregel], Uniek] = Field(
        default_factory=lambda: list(Maatregel), min_length=1, max_length=len(Maatregel)
    )
    grondslag: VrijeTekst = Field(min_length=1, max_length=500)
    reden: VrijeTekst = Field(min_length=1, max_length=2000)
