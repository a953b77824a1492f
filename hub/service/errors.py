"""Errors of the service layer. Each knows the HTTP status the API answers with."""

from __future__ import annotations


class HubError(Exception):
    status_code = 400
    type: str | None = None
    """Machine-readable error type in the answer, where one is defined."""

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


class LogNietGeschreven(HubError):
    """The audit entry of an action could not be written, so the action is refused (FSC logging:
    a party must not do what it cannot log). The type is FSC's error code."""

    status_code = 500
    type = "TRANSACTION_LOG_WRITE_ERROR"


class NietGeauthenticeerd(HubError):
    """No proven caller: no client certificate, no OIN in it, or an OIN the hub does not know."""

    status_code = 401


class Verboden(HubError):
    """A known caller whose role does not allow this."""

    status_code = 403
