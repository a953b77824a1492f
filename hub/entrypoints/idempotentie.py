"""The ``Idempotency-Key`` header on the API's POSTs, as ASGI middleware: same key and same
request from the same caller, the stored answer again and one effect; same key and another
request, 422 naming the header (``hub.service.idempotentie`` says how keys are kept).

Middleware rather than a dependency of each route: the answer to store is the finished HTTP
answer (status and body as sent), which only the layer around the routes sees. It reads the
body itself to hash it, inside the body limit (``hub.entrypoints.hygiene.BodyLimit``), and hands
it on unchanged.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.bootstrap import Hub
from hub.entrypoints.hygiene import caller_of, send_error
from hub.service import idempotentie
from hub.service.idempotentie import Uitkomst

HEADER = b"idempotency-key"
FIELD = "Idempotency-Key"
ANONYMOUS = "anonymous"
"""The caller of a request whose OIN nobody proved (until identity is required everywhere)."""
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class Idempotency:
    def __init__(self, app: ASGIApp, *, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key_bytes = dict(scope.get("headers", [])).get(HEADER) if scope["type"] == "http" else None
        if (
            key_bytes is None
            or scope["method"] != "POST"
            or not scope["path"].startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        key = key_bytes.decode("latin-1")
        if not _KEY.match(key):
            await send_error(
                send, 422, FIELD, "must be 1 to 255 visible ASCII characters", "value_error"
            )
            return
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        hub: Hub = scope["app"].state.hub
        caller = caller_of(scope) or ANONYMOUS
        claim = await idempotentie.claim(
            hub.uow(),
            hub.deps,
            caller=caller,
            key=key,
            hash_=idempotentie.request_hash(
                scope["method"], scope["path"], bytes(body), key=hub.deps.secrets.pseudonym_key
            ),
        )
        if claim.uitkomst is Uitkomst.ANDERS:
            await send_error(
                send,
                422,
                FIELD,
                "this key was used for a different request (method, path or body)",
                "idempotency_key_reused",
            )
        elif claim.uitkomst is Uitkomst.BEZIG:
            await send_error(
                send,
                409,
                FIELD,
                "a request with this key is still being handled; retry later",
                "idempotency_key_in_use",
            )
        elif claim.uitkomst is Uitkomst.HERHAALD:
            await self._replay(send, claim)
        else:
            await self._handle(scope, bytes(body), send, hub, caller, key)

    async def _replay(self, send: Send, claim: idempotentie.Claim) -> None:
        body = claim.body or b""
        headers = [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
        if claim.content_type:
            headers.append((b"content-type", claim.content_type.encode()))
        await send({"type": "http.response.start", "status": claim.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _handle(
        self, scope: Scope, body: bytes, send: Send, hub: Hub, caller: str, key: str
    ) -> None:
        sent = False

        async def replay_body() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 500
        content_type: str | None = None
        answer = bytearray()

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        content_type = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                answer.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        except BaseException:
            await idempotentie.release(hub.uow(), caller=caller, key=key)
            raise
        if status >= 500 or status == 429:
            await idempotentie.release(hub.uow(), caller=caller, key=key)
        else:
            await idempotentie.complete(
                hub.uow(),
                caller=caller,
                key=key,
                status=status,
                content_type=content_type,
                body=bytes(answer),
            )
