"""Which municipalities the gemeente connector serves, and the way to each one's back-office.

One connector process serves many municipalities. Each is configured (``CONNECTOR_GEMEENTEN_FILE``,
JSON; default: ``gemeenten.json`` next to this module, the local simulator) with its OIN, CBS code,
name, back-office URL and its own client certificate. :class:`Gemeenterouter` is the runtime's
back-office: it sends each request to the back-office of the municipality the request names
(:attr:`~connectors.base.backoffice.HttpVerzoek.bestemming`, the instruction's ``gemeente``), over
that municipality's own HTTP client (its base URL, its certificate for mutual TLS). A municipality
it does not serve is answered here, in the back-office's own error shape, with HTTP 421
(*Misdirected Request*) and code ``GEMEENTE_NIET_BEDIEND``: the translations read that as a
refusal with a clear reason, so the hub hears of it; nothing is sent anywhere.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from connectors.base.backoffice import BackofficeAntwoord, BackofficeClient, HttpVerzoek
from connectors.base.settings import ConnectorSettings
from schemas.ids import Oin

STANDAARD = Path(__file__).with_name("gemeenten.json")
NIET_BEDIEND = 421
"""HTTP 421 Misdirected Request: the connector has no back-office for this municipality."""


class GemeenteSettings(BaseSettings):
    """The gemeente connector's own setting (environment, prefix ``CONNECTOR_``)."""

    model_config = SettingsConfigDict(env_prefix="CONNECTOR_", extra="ignore")

    gemeenten_file: Path = Field(
        default=STANDAARD, description="JSON: the municipalities served (see gemeenten.json)."
    )


class Gemeente(BaseModel):
    """One municipality served: who it is and how its back-office is reached."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    oin: Oin
    code: str = Field(pattern=r"^[0-9]{4}$", description="CBS municipality code.")
    naam: str = Field(min_length=1, max_length=200)
    backoffice_url: str = Field(
        min_length=1,
        description="Absolute URL, or a path under CONNECTOR_BACKOFFICE_URL (a shared host).",
    )
    certfile: Path | None = Field(default=None, description="Its client certificate (PEM).")
    keyfile: Path | None = Field(default=None, description="Its private key (PEM).")

    @model_validator(mode="after")
    def _beide_of_geen(self) -> Self:
        if (self.certfile is None) != (self.keyfile is None):
            raise ValueError(f"{self.naam}: certfile and keyfile come together")
        return self

    def url(self, basis: str) -> str:
        if "://" in self.backoffice_url:
            return self.backoffice_url
        return basis.rstrip("/") + "/" + self.backoffice_url.lstrip("/")


class Gemeenten(BaseModel):
    """The configuration file."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    cafile: Path | None = Field(
        default=None, description="CA of the back-offices' server certificates (None: system)."
    )
    gemeenten: tuple[Gemeente, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _uniek(self) -> Self:
        oins = [g.oin for g in self.gemeenten]
        if len(set(oins)) != len(oins):
            raise ValueError("a municipality (OIN) is configured twice")
        return self

    @classmethod
    def lees(cls, pad: Path) -> Gemeenten:
        """Read ``pad``; relative certificate paths are taken from the file's own directory."""
        ruw: Any = json.loads(pad.read_text(encoding="utf-8"))
        gelezen = cls.model_validate(ruw)
        return gelezen.ten_opzichte_van(pad.parent)

    def ten_opzichte_van(self, map_: Path) -> Gemeenten:
        def absoluut(p: Path | None) -> Path | None:
            return p if p is None or p.is_absolute() else map_ / p

        return self.model_copy(
            update={
                "cafile": absoluut(self.cafile),
                "gemeenten": tuple(
                    g.model_copy(
                        update={"certfile": absoluut(g.certfile), "keyfile": absoluut(g.keyfile)}
                    )
                    for g in self.gemeenten
                ),
            }
        )


def tls_context(gemeente: Gemeente, cafile: Path | None) -> ssl.SSLContext | None:
    """The municipality's TLS: its own certificate (mutual TLS), the back-office checked against
    ``cafile``; ``None`` when it has neither (plain HTTP or the system's trust)."""
    if gemeente.certfile is None and cafile is None:
        return None
    context = ssl.create_default_context(cafile=None if cafile is None else str(cafile))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if gemeente.certfile is not None and gemeente.keyfile is not None:
        context.load_cert_chain(str(gemeente.certfile), str(gemeente.keyfile))
    return context


def niet_bediend(oin: str | None) -> BackofficeAntwoord:
    """The answer for a municipality the connector does not serve (the back-office's shape)."""
    melding = (
        "De instructie noemt geen gemeente."
        if oin is None
        else f"Gemeente met OIN {oin} wordt niet door deze connector bediend."
    )
    return BackofficeAntwoord(
        status=NIET_BEDIEND,
        body={"fouten": [{"code": "GEMEENTE_NIET_BEDIEND", "melding": melding}]},
    )


class Gemeenterouter:
    """The runtime's back-office for many municipalities: one client each, chosen per request.

    Usage::

        async with Gemeenterouter.uit(gemeenten, basis="http://127.0.0.1:8108") as router:
            await router.stuur(HttpVerzoek("POST", "/opschortingen", body=..., bestemming=oin))
    """

    def __init__(self, clients: Mapping[str, BackofficeClient]) -> None:
        self._clients = dict(clients)
        self._stack = AsyncExitStack()
        for client in self._clients.values():
            self._stack.push_async_callback(client.aclose)

    @classmethod
    def uit(cls, gemeenten: Gemeenten, *, basis: str, timeout: float = 10.0) -> Gemeenterouter:
        return cls(
            {
                g.oin: BackofficeClient(
                    base_url=g.url(basis), timeout=timeout, tls=tls_context(g, gemeenten.cafile)
                )
                for g in gemeenten.gemeenten
            }
        )

    @property
    def bediend(self) -> Sequence[str]:
        """The OINs served."""
        return tuple(self._clients)

    async def stuur(self, verzoek: HttpVerzoek) -> BackofficeAntwoord:
        client = self._clients.get(verzoek.bestemming or "")
        if client is None:
            return niet_bediend(verzoek.bestemming)
        return await client.stuur(verzoek)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stack.aclose()


def maak_router(settings: ConnectorSettings) -> Gemeenterouter:
    """The router for the configured municipalities (``Koppeling.maak_backoffice``)."""
    gemeenten = Gemeenten.lees(GemeenteSettings().gemeenten_file)
    basis = settings.backoffice_url or "http://127.0.0.1:8108"
    return Gemeenterouter.uit(gemeenten, basis=basis, timeout=settings.request_timeout)
