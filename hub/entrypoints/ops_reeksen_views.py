"""The body of ``GET /api/v1/ops/reeksen``: the dashboard's charts as JSON."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hub.service.ops_reeksen import Reeksen


class LatentieView(BaseModel):
    p50_seconden: float
    p95_seconden: float
    aantal: int = Field(description="Answers measured.")


class Latenties(BaseModel):
    """Order -> answer: from the request written to the outbox to its answer processed."""

    p50: dict[str, list[float | None]] = Field(
        description="Per agency the median of the answers of each minute, in seconds; null: "
        "no answer processed in that minute."
    )
    p95: dict[str, list[float | None]] = Field(description="The same, the 95th percentile.")
    venster: dict[str, LatentieView] = Field(
        description="Per agency over the whole window (nearest-rank percentiles)."
    )


class ReeksenView(BaseModel):
    """Per series one value per minute of ``minuten``, oldest first; the last minute is the one
    now running. Never a BSN, never a message value."""

    van: dt.datetime = Field(description="Start of the first minute.")
    tot: dt.datetime = Field(description="When the series were read (the hub's clock).")
    venster_minuten: int
    minuten: list[dt.datetime] = Field(description="The start of each minute.")
    berichten_per_instrument: dict[str, list[int]] = Field(
        description="Messages the hub wrote to publish plus the answers it processed, per "
        "instrument (the event type's family: opschorting, informatie, casus, ...)."
    )
    berichten_per_uitvoerder: dict[str, list[int]] = Field(
        description="The same per agency: its instructions and its answers. Every configured "
        "agency, with zeros when quiet."
    )
    latentie: Latenties
    achterstand: dict[str, list[int | None]] = Field(
        description="Consumer lag per group (records not yet consumed, over its partitions), "
        "sampled once a minute; the hub's own groups and the connectors of the configured "
        "agencies only. null: no sample in that minute."
    )
    dead_letters_per_reden: dict[str, list[int]] = Field(
        description="Dead letters received per reason code ('onbekend': none given)."
    )

    @classmethod
    def of(cls, r: Reeksen) -> ReeksenView:
        return cls(
            van=r.van,
            tot=r.tot,
            venster_minuten=len(r.minuten),
            minuten=r.minuten,
            berichten_per_instrument=r.per_instrument,
            berichten_per_uitvoerder=r.per_uitvoerder,
            latentie=Latenties(
                p50=r.latentie_p50,
                p95=r.latentie_p95,
                venster={
                    u: LatentieView(p50_seconden=x.p50, p95_seconden=x.p95, aantal=x.aantal)
                    for u, x in r.latentie_venster.items()
                },
            ),
            achterstand=r.achterstand,
            dead_letters_per_reden=r.dead_letters,
        )
