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
