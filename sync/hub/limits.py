"""Two pure-ASGI guards around the hub's FastAPI app.

`BodyLimit` refuses a request body larger than its route allows while it is being read: a stated
Content-Length over the limit is answered 413 before a byte of the body is read, and a streamed
(chunked) body is counted as it arrives and cut off as soon as it passes the limit. FastAPI reads
the whole body before any handler runs, so a limit checked in the handler comes too late.

`SharedRateLimit` counts requests per client address in the database, so that every worker of a
province's hub counts the same ones (the public e-receipt lookup, the province page's login).

`Unexpected` is the last line behind the exception handlers: an error no handler knows becomes a
500 problem with an id, and the log gets the id, the route and the traceback's frames, but never
the exception's message, which may quote the request (pydantic and SQLAlchemy errors do).
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
import traceback
import uuid
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, text

from sync.hub.models import RateHit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("sync.hub")

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Limit:
    """The largest body a route takes; the first Limit whose method and path match applies."""

    methods: frozenset[str]
    path: re.Pattern[str]
    max_bytes: int

    def matches(self, method: str, path: str) -> bool:
        return (not self.methods or method in self.methods) and self.path.match(path) is not None


def limit(methods: str, path: str, max_bytes: int) -> Limit:
    """limit("PUT", r"/api/v1/blobs/", MIB): methods space-separated ("" for all), path a regex prefix."""
    return Limit(frozenset(methods.split()), re.compile(path), max_bytes)


def problem(status: int, code: str, message: str) -> tuple[int, bytes]:
    body = {"code": code, "message": message, "server_time": datetime.now(UTC).isoformat()}
    return status, json.dumps(body, ensure_ascii=False).encode()


async def send_problem(send: Send, status: int, code: str, message: str, *, close: bool = False) -> None:
    status, body = problem(status, code, message)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


TOO_LARGE = "Yêu cầu quá lớn: tối đa {limit} byte cho địa chỉ này. Máy trạm sẽ chia nhỏ rồi gửi lại."
BAD_LENGTH = "Độ dài nội dung (Content-Length) không hợp lệ."


class BodyLimit:
    """Per-route body limits, enforced on Content-Length and again on the bytes actually received."""

    def __init__(self, app: ASGIApp, limits: list[Limit], default: int) -> None:
        self.app = app
        self.limits = limits
        self.default = default

    def limit_for(self, method: str, path: str) -> int:
        return next((rule.max_bytes for rule in self.limits if rule.matches(method, path)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        most = self.limit_for(scope["method"], scope["path"])
        stated = _content_length(scope)
        if stated is None:
            await send_problem(send, 400, "bad_length", BAD_LENGTH, close=True)
            return
        if stated > most:
            # Answered before reading: the client is told at once and the hub never holds the body.
            await send_problem(send, 413, "too_large", TOO_LARGE.format(limit=most), close=True)
            return
        await _Counted(self.app, most).run(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The stated length, 0 when absent (a chunked body is counted instead), None when unreadable."""
    values = [v for k, v in scope.get("headers", []) if k.lower() == b"content-length"]
    if not values:
        return 0
    text = values[0].decode("latin-1").strip()
    if len(values) > 1 or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


class _Counted:
    """One request: counts the body as the app reads it and answers 413 the moment it is too long."""

    def __init__(self, app: ASGIApp, most: int) -> None:
        self.app = app
        self.most = most
        self.seen = 0
        self.started = False
        self.refused = False

    async def run(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted_receive() -> Message:
            if self.refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                self.seen += len(message.get("body", b""))
                if self.seen > self.most:
                    await self._refuse(send)
                    return {"type": "http.disconnect"}  # the app stops reading; nothing more is taken
            return message

        async def guarded_send(message: Message) -> None:
            if self.refused:
                return  # the 413 is the answer; whatever the app says after it is dropped
            if message["type"] == "http.response.start":
                self.started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not self.refused:
                raise  # a real error: Unexpected (outside) answers it

    async def _refuse(self, send: Send) -> None:
        self.refused = True
        if not self.started:
            await send_problem(send, 413, "too_large", TOO_LARGE.format(limit=self.most), close=True)


INTERNAL = ("Hệ thống cấp trên gặp lỗi ngoài dự kiến (mã lỗi {id}). Máy trạm sẽ tự thử lại; nếu lỗi còn, "
            "hãy báo quản trị cấp trên mã lỗi này.")


class Unexpected:
    """An error no handler knows: a 500 problem with an id; the log has the id and frames, not the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as error:
            error_id = uuid.uuid4().hex[:8]
            log.error("unexpected error %s on %s %s: %s\n%s", error_id, scope["method"], scope["path"],
                      type(error).__name__, "".join(traceback.format_tb(error.__traceback__)))
            if not started:
                await send_problem(send, 500, "internal", INTERNAL.format(id=error_id))


RH = RateHit.__table__
RATE_LOCK_CLASS = 7403  # advisory lock's first key: one address of one limit (sync/hub/change_log.py uses 7402)
WINDOW_S = 60.0


class SharedRateLimit:
    """At most `per_minute` requests from one address in any sliding minute, counted in the database
    (table rate_hit) so that all the hub's workers share one count: kept in each worker's memory, a
    limit of 30 let four workers grant 120. Same answers as an in-memory limit: each allowed request
    is recorded, a refused one is not, and a minute later it no longer counts. One short write
    transaction a request: fine for citizens' lookups and logins, not meant for the sync routes
    (those are bounded by sync/hub/admission.py)."""

    def __init__(self, engine: Engine, scope: str, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.engine, self.scope, self.per_minute, self.clock = engine, scope, per_minute, clock

    def allow(self, address: str) -> bool:
        address = address[:64]
        now = self.clock()
        with self.engine.begin() as connection:  # SQLite: BEGIN IMMEDIATE, one writer (sync/hub/store.py)
            if connection.dialect.name == "postgresql":  # two workers checking one address take turns
                key = zlib.crc32(f"{self.scope}|{address}".encode())
                connection.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"),
                                   {"c": RATE_LOCK_CLASS, "k": key - 2**32 if key >= 2**31 else key})
            mine = (RH.c.scope == self.scope) & (RH.c.address == address)
            connection.execute(delete(RH).where(mine, RH.c.at <= now - WINDOW_S))
            if random.random() < 0.01:  # now and then, the addresses that went quiet
                connection.execute(delete(RH).where(RH.c.scope == self.scope, RH.c.at <= now - WINDOW_S))
            if connection.execute(select(func.count()).select_from(RH).where(mine)).scalar_one() >= self.per_minute:
                return False
            connection.execute(insert(RH).values(scope=self.scope, address=address, at=now))
            return True
