"""Errors of the service layer. Each knows the HTTP status the API answers with."""

from __future__ import annotations


class HubError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NietGevonden(HubError):
    status_code = 404


class Ongeldig(HubError):
    status_code = 422


class Conflict(HubError):
    """The request is valid, but the state of the thing it changes does not allow it."""

    status_code = 409


class NietGeauthenticeerd(HubError):
    """No proven caller: no client certificate, no OIN in it, or an OIN the hub does not know."""

    status_code = 401


class Verboden(HubError):
    """A known caller whose role does not allow this."""

    status_code = 403
