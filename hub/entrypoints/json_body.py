"""Request bodies of the API are JSON in UTF-8 (RFC 8259 section 8.1), as ASGI middleware: another
media type is 415, another charset is 415, and bytes that are not UTF-8 are 400, each in the
API's one error body.

Without this, FastAPI hands the bytes to ``json.loads``, which guesses UTF-16 and UTF-32 from the
first bytes, so a body the API does not speak is taken; and bytes it cannot decode are FastAPI's
own 400 "There was an error parsing the body". The bytes are checked as they are received (an
incremental decoder), so nothing is read twice.
"""

from __future__ import annotations

import codecs

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.entrypoints.hygiene import API_PREFIX, send_error

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class NotUtf8(HTTPException):
    """Raised by the checking ``receive``; an ``HTTPException`` so FastAPI, reading the body,
    lets it through to the app's handler (or to :class:`JsonBody`)."""

    field = "body"
    type = "body_not_utf8"

    def __init__(self) -> None:
        super().__init__(400, "the body is not UTF-8")


def media_type_problem(content_type: str | None) -> str | None:
    """Why ``content_type`` is not JSON in UTF-8, or ``None`` when it is (or is not given)."""
    if content_type is None:
        return None
    media, *params = (part.strip() for part in content_type.split(";"))
    media = media.lower()
    if not (
        media == "application/json"
        or (media.startswith("application/") and media.endswith("+json"))
    ):
        return "the body must be application/json"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return "the body must be JSON in UTF-8 (charset=utf-8, or no charset)"
    return None


class JsonBody:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in WITH_BODY
            or not scope["path"].startswith(API_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        content_type = dict(scope["headers"]).get(b"content-type")
        problem = media_type_problem(
            content_type.decode("latin-1") if content_type is not None else None
        )
        if problem is not None:
            await send_error(send, 415, "Content-Type", problem, "unsupported_media_type")
            return
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        started = False

        async def checked_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                try:
                    decoder.decode(message.get("body", b""), final=not message.get("more_body"))
                except UnicodeDecodeError:
                    raise NotUtf8() from None
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, checked_receive, tracking_send)
        except NotUtf8 as exc:
            if started:
                raise
            await send_error(send, 400, exc.field, exc.detail, exc.type)
