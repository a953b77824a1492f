"""Register events as contract messages (``maatwerk.register.v1``, compacted, keyed by OIN).

``Geregistreerd`` and ``Gewijzigd`` carry the whole entry, so a consumer that reads the compacted
topic from the start rebuilds the register; ``Verwijderd`` stays as a removed organisation's last
state. The audit entry keeps what changed and by whom; a register entry names a team, never a
person, and belongs to no casus.
"""

from __future__ import annotations

from hub.domain.register import Gegevens, Geregistreerd, Gewijzigd, Verwijderd
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas.casus import Instrument, Probleemdomein
from schemas.gedeeld import Bedrag
from schemas.register import (
    MaatwerkfunctionarisGeregistreerd,
    MaatwerkfunctionarisGewijzigd,
    MaatwerkfunctionarisVerwijderd,
    Mandaat,
)
from schemas.topics import REGISTER


def _inschrijving(g: Gegevens) -> dict[str, object]:
    m = g.mandaat
    return {
        "organisatie_naam": g.organisatie_naam,
        "organisatiesoort": g.organisatiesoort,
        "team": g.team,
        "email": g.email,
        "telefoon": g.telefoon,
        "mandaat": Mandaat(
            omschrijving=m.omschrijving,
            verleend_door=m.verleend_door,
            instrumenten=tuple(Instrument(i) for i in m.instrumenten),
            maximum_bedrag=(
                Bedrag(centen=m.maximum_bedrag_centen)
                if m.maximum_bedrag_centen is not None
                else None
            ),
        ),
        "domeinen": tuple(Probleemdomein(d) for d in g.domeinen),
    }


async def geregistreerd(g: Geregistreerd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = MaatwerkfunctionarisGeregistreerd.model_validate(
        {
            "organisatie_oin": g.organisatie_oin,
            "geregistreerd_op": g.op,
            **_inschrijving(g.gegevens),
        }
    )
    return Uitgaand(
        actie=g.actie,
        casus_id=None,
        details={"organisatie_oin": g.organisatie_oin, "team": g.gegevens.team},
        berichten=(Bericht(data, REGISTER.name),),
    )


async def gewijzigd(g: Gewijzigd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = MaatwerkfunctionarisGewijzigd.model_validate(
        {"organisatie_oin": g.organisatie_oin, "gewijzigd_op": g.op, **_inschrijving(g.gegevens)}
    )
    return Uitgaand(
        actie=g.actie,
        casus_id=None,
        details={"organisatie_oin": g.organisatie_oin, "velden": list(g.gewijzigde_velden)},
        berichten=(Bericht(data, REGISTER.name),),
    )


async def verwijderd(g: Verwijderd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = MaatwerkfunctionarisVerwijderd(
        organisatie_oin=g.organisatie_oin, reden=g.reden, verwijderd_op=g.op
    )
    return Uitgaand(
        actie=g.actie,
        casus_id=None,
        details={"organisatie_oin": g.organisatie_oin},
        berichten=(Bericht(data, REGISTER.name),),
    )


VERTALINGEN: Vertalingen = {
    Geregistreerd: geregistreerd,
    Gewijzigd: gewijzigd,
    Verwijderd: verwijderd,
}
