"""Shedding load honestly (issue 14): a province's desks all reconnect at 07:30 after a night's outage.

Each worker applies at most a few pushes (and serves a few pulls) at once; a few more requests may
wait a moment for a slot; every other one is answered at once `503` with a jittered `Retry-After`
and a Vietnamese message, before its token is checked or its body parsed. Without this every
request is admitted and waits behind all the others (on two cores, 200 desks pushing at once waited
16 s each at the 99th percentile), and a desk cannot tell a busy hub from a dead one. The desk's
client (app/sync/client.py) waits what Retry-After says and tries again; what it pushed before the
refusal is already recorded, so nothing is lost or applied twice.

The refusal drains the request's body before answering: closing a connection with unread data
makes the kernel reset it, and the client would see a broken connection instead of the 503.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BUSY = "Máy chủ đang bận, thử lại sau {seconds} giây. Dữ liệu trên máy trạm vẫn được giữ nguyên và sẽ tự gửi lại."


@dataclass(frozen=True)
class Gate:
    """How many requests of one kind a worker serves at once, and how many more may wait for a slot
    (at most `wait_s`) before the rest are turned away."""

    slots: int
    queue: int
    wait_s: float


@dataclass(frozen=True)
class Policy:
    push: Gate = Gate(slots=2, queue=16, wait_s=1.0)
    pull: Gate = Gate(slots=4, queue=16, wait_s=1.0)
    retry_after: tuple[int, int] = (2, 8)  # seconds, drawn at random: refused desks do not return together


PUSHES_VARIABLE, PULLS_VARIABLE = "MOTCUA_HUB_MAX_PUSHES", "MOTCUA_HUB_MAX_PULLS"
# How long the hub keeps an idle connection: longer than the longest Retry-After, so that a desk that
# waited comes back on its open connection instead of racing the hub closing it (uvicorn's default
# of 5 s did: "Remote end closed connection without response" for a desk told to wait 5 s).
KEEP_ALIVE_S = Policy().retry_after[1] + 12


def policy(pushes: int, pulls: int) -> Policy:
    """`serve --max-pushes N --max-pulls M`: slots per worker; the queues and waits as by default."""
    default = Policy()
    return Policy(push=Gate(max(1, pushes), default.push.queue, default.push.wait_s),
                  pull=Gate(max(1, pulls), default.pull.queue, default.pull.wait_s))


def policy_from(environ: MutableMapping[str, str]) -> Policy:
    """What the supervisor passed down to each worker (sync/hub/asgi.py)."""
    default = Policy()
    return policy(int(environ.get(PUSHES_VARIABLE, default.push.slots)),
                  int(environ.get(PULLS_VARIABLE, default.pull.slots)))


ROUTES = {("POST", "/api/v1/sync/push"): "push", ("GET", "/api/v1/sync/pull"): "pull"}


class _Slots:
    """One gate's state in one worker (one event loop: no lock needed beyond the semaphore)."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.free = asyncio.Semaphore(gate.slots)
        self.waiting = 0

    async def enter(self) -> bool:
        if not self.free.locked():
            await self.free.acquire()
            return True
        if self.waiting >= self.gate.queue:
            return False
        self.waiting += 1
        try:
            await asyncio.wait_for(self.free.acquire(), self.gate.wait_s)
            return True
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1

    def leave(self) -> None:
        self.free.release()


class Admission:
    """ASGI middleware: the gates of `Policy` on the sync routes; every other route passes."""

    def __init__(self, app: ASGIApp, policy: Policy | None = None, rng: random.Random | None = None) -> None:
        self.app = app
        self.policy = policy or Policy()
        self.rng = rng or random.Random()
        self.slots = {"push": _Slots(self.policy.push), "pull": _Slots(self.policy.pull)}
        self.refused = 0  # since the worker started: for its log and the tests

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = ROUTES.get((scope.get("method", ""), scope.get("path", ""))) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        slots = self.slots[kind]
        if not await slots.enter():
            self.refused += 1
            await _drain(receive)
            await self._busy(send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            slots.leave()

    async def _busy(self, send: Send) -> None:
        seconds = self.rng.randint(*self.policy.retry_after)
        body = json.dumps({"code": "busy", "message": BUSY.format(seconds=seconds), "retry_after": seconds,
                           "server_time": datetime.now(UTC).isoformat()}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 503, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(seconds).encode())]})
        await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive) -> None:
    """Reads and drops the request's body (bounded by BodyLimit, which wraps this middleware)."""
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
