"""The ``Idempotency-Key`` header on the API's POSTs, as ASGI middleware: same key and same
request from the same caller, the stored answer again and one effect; same key and another
request, 422 naming the header (``hub.service.idempotentie`` says how keys are kept).

Middleware rather than a dependency of each route: the answer to store is the finished HTTP
answer (status and body), which only the layer around the routes sees; and the whole request runs
in one transaction (``hub.service.sql_unit_of_work.RequestTransaction``) so that the effect and
its stored answer commit together, before the answer is sent. It reads the body itself to hash
it, inside the body limit (``hub.entrypoints.hygiene.BodyLimit``), and hands it on unchanged.
"""

from __future__ import annotations

import datetime as dt
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
WAIT_SECONDS = 5.0
"""How long a duplicate of a request still being handled waits for its answer before the 409."""
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
        hash_ = idempotentie.request_hash(
            scope["method"], scope["path"], bytes(body), key=hub.deps.secrets.pseudonym_key
        )
        claim = await idempotentie.claim(hub.uow(), hub.deps, caller=caller, key=key, hash_=hash_)
        if claim.uitkomst is Uitkomst.BEZIG:
            claim = await idempotentie.wacht_op_antwoord(
                hub.uow, caller=caller, key=key, hash_=hash_, seconds=WAIT_SECONDS
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
            assert claim.geclaimd_op is not None
            await self._handle(scope, bytes(body), send, hub, caller, key, hash_, claim.geclaimd_op)

    async def _replay(self, send: Send, claim: idempotentie.Claim) -> None:
        body = claim.body or b""
        headers = [(b"content-length", str(len(body)).encode()), (b"idempotent-replayed", b"true")]
        if claim.content_type:
            headers.append((b"content-type", claim.content_type.encode()))
        await send({"type": "http.response.start", "status": claim.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _handle(
        self,
        scope: Scope,
        body: bytes,
        send: Send,
        hub: Hub,
        caller: str,
        key: str,
        hash_: str,
        geclaimd_op: dt.datetime,
    ) -> None:
        """Handle the request in one transaction with its answer: the answer is held back until
        the effect and the answer stored under the key have committed together. A failure before
        that commit (an exception, a 5xx, a 429) rolls back both and releases the key."""
        sent = False

        async def replay_body() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        start: Message | None = None
        answer = bytearray()

        async def hold(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                answer.extend(message.get("body", b""))

        committed = False
        failure: BaseException | None = None
        async with hub.request_transaction() as transaction:
            try:
                await self.app(scope, replay_body, hold)
                if start is not None and start["status"] < 500 and start["status"] != 429:
                    await idempotentie.complete(
                        hub.uow(),
                        caller=caller,
                        key=key,
                        hash_=hash_,
                        geclaimd_op=geclaimd_op,
                        status=start["status"],
                        content_type=_content_type(start),
                        body=bytes(answer),
                    )
                    await transaction.commit()
                    committed = True
            except BaseException as exc:  # re-raised below, once the key is released
                failure = exc
        # Out of the request's transaction (rolled back on leaving it unless committed): the
        # release is a transaction of its own, and nothing of the request happened.
        if not committed:
            await idempotentie.release(hub.uow(), caller=caller, key=key, geclaimd_op=geclaimd_op)
        if failure is not None:
            raise failure
        if start is None:
            raise RuntimeError("the app sent no answer")
        headers = [
            (name, value) for name, value in start.get("headers", []) if name != b"content-length"
        ]
        headers.append((b"content-length", str(len(answer)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": bytes(answer)})


def _content_type(start: Message) -> str | None:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            return str(value.decode("latin-1"))
    return None
