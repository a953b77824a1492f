"""The information request in the connector base: its outcome, its answer, its reader.

Each agency's translation reads its back-office's answer about one person into an :data:`Uitkomst`
(neutral, in contract terms); :func:`maak_antwoord` turns it into the contract answer:

- a :class:`Weigering` is ``InformatieGeweigerd`` with its reason code;
- an :class:`Opgave` is ``InformatieVerstrekt`` holding, per category asked, what the back-office
  gave: one ``Gegeven`` per claim for ``vorderingen`` (opened: :class:`VorderingInhoud` JSON), one
  ``Gegeven`` per other category (opened: compact JSON, see :func:`tekst`). Whatever the
  back-office gave beyond the categories asked is dropped here (minimisation, first check; the hub
  checks again). A category asked that the back-office did not give is ``niet_verstrekt`` with
  ``geen-gegevens``; when nothing at all is given, the answer is ``InformatieGeweigerd``
  ``geen-gegevens``.

Every ``Gegeven.inhoud`` is sealed for the request's ``ontvanger_sleutel``
(:func:`schemas.versleuteling.seal`); a request without a usable key is refused ``onverwerkbaar``
before the back-office is asked (:func:`vertaling`): content never travels in clear. So is a
request naming more than one person: the hub sends one request per agency per person, and one
back-office query answers for one person.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek
from connectors.base.lezer import Foutbericht, Gelukt
from connectors.base.opdracht import DeadLetterReden, Onverwerkbaar, Opdracht
from connectors.base.vertaling import Vertaling
from schemas.deadletter import mask_bsn_like
from schemas.gedeeld import Regel
from schemas.informatie import (
    MAX_INHOUD_TEKST,
    Gegeven,
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    InformatieVerzoek,
    NietVerstrekt,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel
from schemas.versleuteling import SealError, load_public_key_text, seal

NL = ZoneInfo("Europe/Amsterdam")
"""Whose calendar ``peildatum`` follows when the back-office names none."""

MAX_REDEN = 2000
MAX_GRONDSLAG = 200
"""Longest legal ground the three back-offices take (``regeling, artikel``)."""


@dataclass(frozen=True)
class Vordering:
    """One claim as the back-office gave it. ``opschorting`` is the suspension covering it that
    has not ended (first and last day, both inclusive), if any: whether the claim is suspended
    *now* is decided on the answer's ``peildatum`` (:meth:`op`)."""

    inhoud: VorderingInhoud
    opschorting: tuple[dt.date, dt.date] | None = None

    def op(self, peildatum: dt.date) -> VorderingInhoud:
        """The claim as shared on ``peildatum``."""
        lopend = self.opschorting is not None and (
            self.opschorting[0] <= peildatum <= self.opschorting[1]
        )
        return self.inhoud.model_copy(update={"opgeschort": self.inhoud.opgeschort or lopend})


@dataclass(frozen=True)
class Opgave:
    """What the back-office gave about the person (any categories; the answer keeps the asked)."""

    vorderingen: tuple[Vordering, ...] = ()
    """Category ``vorderingen``: its claims (none: nothing to give)."""
    teksten: Mapping[Gegevenscategorie, str] = field(default_factory=dict)
    """Every other category: its content (compact JSON, at most ``MAX_INHOUD_TEKST``)."""
    peildatum: dt.date | None = None
    """The back-office's reference date; ``None``: today in the Netherlands."""


@dataclass(frozen=True)
class Weigering:
    """The agency refuses the whole request."""

    redencode: Weigeringsgrond
    reden: str


Uitkomst = Opgave | Weigering


def tekst(waarde: BaseModel | Sequence[BaseModel] | None) -> str | None:
    """A category's content as compact JSON ``{"aantal": n, "items": [...]}``: only the fields the
    agency's reader model declares (a field the back-office adds is never passed on). Items are
    left off the end until it fits ``MAX_INHOUD_TEKST`` (``aantal`` still counts them all).
    ``None`` when there is nothing (no value, an empty list)."""
    if waarde is None:
        return None
    items = [waarde] if isinstance(waarde, BaseModel) else list(waarde)
    if not items:
        return None
    dumps = [i.model_dump(mode="json") for i in items]
    while True:
        text = json.dumps({"aantal": len(items), "items": dumps}, separators=(",", ":"))
        if len(text) <= MAX_INHOUD_TEKST:
            return text
        dumps.pop()


def teksten(
    per_categorie: Mapping[Gegevenscategorie, BaseModel | Sequence[BaseModel] | None],
) -> dict[Gegevenscategorie, str]:
    """:func:`tekst` of each category that has content."""
    uit = {categorie: tekst(waarde) for categorie, waarde in per_categorie.items()}
    return {categorie: t for categorie, t in uit.items() if t is not None}


def maatregelen(codes: Sequence[Any], tabel: Mapping[Any, Maatregel]) -> tuple[Maatregel, ...]:
    """The agency's measure codes running on a claim as standard measures, each once, in order;
    a code the table does not know counts as ``invordering``, so a running measure is never
    hidden."""
    return tuple(dict.fromkeys(tabel.get(code, Maatregel.INVORDERING) for code in codes))


def codes(instructie: InformatieVerzoek, tabel: Mapping[Gegevenscategorie, Any]) -> list[Any]:
    """The agency's codes of the categories asked that it has a code for, in the asked order."""
    return [tabel[c] for c in instructie.gevraagde_categorieen if c in tabel]


def niets_te_vragen(agency: str, instructie: InformatieVerzoek) -> Weigering:
    """No category asked is one the agency keeps: refused ``geen-gegevens`` without a query."""
    namen = ", ".join(c.value for c in instructie.gevraagde_categorieen)
    return Weigering(
        Weigeringsgrond.GEEN_GEGEVENS, f"The {agency} back-office keeps none of: {namen}."
    )


def grondslag(regel: Regel) -> str:
    """The legal ground as one line (``regeling, artikel``), as long as a back-office takes."""
    regel_tekst = regel.regeling if not regel.artikel else f"{regel.regeling}, {regel.artikel}"
    return regel_tekst[:MAX_GRONDSLAG]


def _kort(reden: str) -> str:
    reden = mask_bsn_like(reden.strip()) or "-"
    return reden if len(reden) <= MAX_REDEN else reden[: MAX_REDEN - 1] + "…"


def niet_te_beantwoorden(opdracht: Opdracht[InformatieVerzoek]) -> Weigering | None:
    """Why the request cannot be answered whatever the back-office holds, or ``None``."""
    instructie = opdracht.instructie
    if len(instructie.personen) != 1:
        return Weigering(
            Weigeringsgrond.ONVERWERKBAAR,
            f"The request names {len(instructie.personen)} persons; this connector answers one "
            "person per request.",
        )
    if instructie.ontvanger_sleutel is None:
        return Weigering(
            Weigeringsgrond.ONVERWERKBAAR,
            "The request names no ontvanger_sleutel: content is never shared in clear.",
        )
    try:
        # Any 32 bytes load; a low-order point (e.g. all zeros) fails only when sealing.
        seal("", load_public_key_text(instructie.ontvanger_sleutel))
    except (SealError, ValueError):
        return Weigering(
            Weigeringsgrond.ONVERWERKBAAR,
            "The ontvanger_sleutel is not an X25519 public key one can seal for.",
        )
    return None


def maak_antwoord(
    opdracht: Opdracht[InformatieVerzoek], uitkomst: Uitkomst, beantwoord_op: datetime
) -> InformatieVerstrekt | InformatieGeweigerd:
    """The contract answer to ``opdracht`` for ``uitkomst`` (see the module docstring)."""
    instructie = opdracht.instructie
    kop: dict[str, Any] = {
        "verzoek_id": instructie.verzoek_id,
        "casus_id": instructie.casus_id,
        "verstrekker": instructie.verstrekker,
        "verzoek_event_id": opdracht.instructie_id,
    }
    if isinstance(uitkomst, Opgave):
        uitkomst = niet_te_beantwoorden(opdracht) or uitkomst
    if isinstance(uitkomst, Weigering):
        return InformatieGeweigerd(
            **kop,
            redencode=uitkomst.redencode,
            reden=_kort(uitkomst.reden),
            geweigerd_op=beantwoord_op,
        )
    assert instructie.ontvanger_sleutel is not None  # niet_te_beantwoorden checked it
    sleutel = load_public_key_text(instructie.ontvanger_sleutel)
    peildatum = uitkomst.peildatum or beantwoord_op.astimezone(NL).date()
    pseudoniem = instructie.personen[0].pseudoniem
    gegevens: list[Gegeven] = []
    niet: list[NietVerstrekt] = []
    for categorie in instructie.gevraagde_categorieen:
        if categorie is Gegevenscategorie.VORDERINGEN:
            inhoud = [v.op(peildatum).model_dump_json() for v in uitkomst.vorderingen]
        else:
            gegeven = uitkomst.teksten.get(categorie)
            if gegeven is not None and len(gegeven) > MAX_INHOUD_TEKST:
                raise ValueError(f"content of {categorie.value} exceeds {MAX_INHOUD_TEKST}")
            inhoud = [] if gegeven is None else [gegeven]
        if not inhoud:
            niet.append(NietVerstrekt(categorie=categorie, redencode=Weigeringsgrond.GEEN_GEGEVENS))
        gegevens.extend(
            Gegeven(
                categorie=categorie,
                pseudoniem=pseudoniem,
                inhoud=seal(stuk, sleutel),
                peildatum=peildatum,
            )
            for stuk in inhoud
        )
    if not gegevens:
        namen = ", ".join(c.value for c in instructie.gevraagde_categorieen)
        return InformatieGeweigerd(
            **kop,
            redencode=Weigeringsgrond.GEEN_GEGEVENS,
            reden=f"The {instructie.verstrekker.value} back-office holds nothing of: {namen}.",
            geweigerd_op=beantwoord_op,
        )
    return InformatieVerstrekt(
        **kop,
        gevraagde_categorieen=instructie.gevraagde_categorieen,
        gegevens=tuple(gegevens),
        niet_verstrekt=tuple(niet),
        verstrekt_op=beantwoord_op,
    )


@dataclass(frozen=True)
class Opgavelezer:
    """Reads one agency's answer to a query (the information request's
    :class:`~connectors.base.lezer.Antwoordlezer`):

    - 2xx: the success model and its :meth:`Gelukt.uitkomst` (an :class:`Opgave`);
    - a status in ``weigering`` (404 unknown person, 403 protected, 400 unusable request, 422):
      a :class:`Weigering` with the code from ``codes`` (``overige`` when not there) and
      ``"<code>: <text>"`` as reason;
    - any other status: the back-office rejected the request itself, ``backoffice-afgewezen``;
    - a body that does not fit the models: ``onverwerkbaar``.
    """

    agency: str
    gelukt: type[Gelukt[Opgave]]
    fout: type[Foutbericht]
    codes: Mapping[str, Weigeringsgrond]
    weigering: frozenset[int] = frozenset({400, 403, 404, 422})
    overige: Weigeringsgrond = Weigeringsgrond.ONVERWERKBAAR

    def __call__(self, opdracht: Opdracht[Any], antwoord: BackofficeAntwoord) -> Uitkomst:
        if not 200 <= antwoord.status < 300 and antwoord.status not in self.weigering:
            raise Onverwerkbaar(
                DeadLetterReden.BACKOFFICE_AFGEWEZEN,
                f"the {self.agency} back-office rejected the query: HTTP {antwoord.status}",
            )
        try:
            if 200 <= antwoord.status < 300:
                return self.gelukt.model_validate(antwoord.body).uitkomst()
            code, omschrijving = self.fout.model_validate(antwoord.body).code_en_tekst()
        except ValidationError:
            return Weigering(
                Weigeringsgrond.ONVERWERKBAAR,
                f"Unexpected answer from the {self.agency} back-office: HTTP {antwoord.status}",
            )
        return Weigering(self.codes.get(code, self.overige), f"{code}: {omschrijving}")


def vertaling(
    naar_verzoek: Callable[[Opdracht[InformatieVerzoek]], HttpVerzoek | Uitkomst],
    lees_antwoord: Callable[[Opdracht[InformatieVerzoek], BackofficeAntwoord], Uitkomst],
) -> Vertaling[InformatieVerzoek, Uitkomst]:
    """An information request's translation: the agency's two functions, the request checked
    first (:func:`niet_te_beantwoorden`: no query then), answered with :func:`maak_antwoord`."""

    def naar_vraag(opdracht: Opdracht[InformatieVerzoek]) -> HttpVerzoek | Uitkomst:
        return niet_te_beantwoorden(opdracht) or naar_verzoek(opdracht)

    naar_vraag.__name__ = getattr(naar_verzoek, "__name__", "naar_verzoek")
    return Vertaling(
        naar_verzoek=naar_vraag, lees_antwoord=lees_antwoord, maak_antwoord=maak_antwoord
    )
