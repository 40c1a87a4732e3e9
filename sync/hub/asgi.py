"""The hub as an ASGI application made in each worker process: `python -m sync.hub serve --workers N`
runs N of these behind one address (uvicorn's supervisor: one listening socket shared by the
workers, a worker that dies is replaced). Each worker opens its own connection pool; on
PostgreSQL the hub's writes are safe across processes (op ids recorded in the transaction of
their effect, change rows numbered under an advisory lock, a colliding batch rolled back and run
again), so any worker can take any request.

Configured by the environment the supervisor passes down, not by arguments, because uvicorn
makes each worker's application by importing `sync.hub.asgi:app` and calling it."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

DB_VARIABLE, BLOBS_VARIABLE = "MOTCUA_HUB_DB", "MOTCUA_HUB_BLOBS"
WORKER_HEADER = b"x-hub-worker"  # which process answered: for operators' logs and the cross-process tests

Message = MutableMapping[str, Any]
Asgi = Callable[[Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


class WorkerTag:
    """Adds the answering worker's process id to every HTTP response."""

    def __init__(self, inner: Asgi) -> None:
        self.inner = inner
        self.value = str(os.getpid()).encode()

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (WORKER_HEADER, self.value)]}
            await send(message)

        await self.inner(scope, receive, tagged)


def app() -> WorkerTag:
    """One worker's application (uvicorn calls this with factory=True)."""
    from sync.hub.admission import policy_from
    from sync.hub.api import create_app
    from sync.hub.store import open_hub

    engine = open_hub(os.environ[DB_VARIABLE])  # already migrated by the supervisor: this only checks
    return WorkerTag(create_app(engine, Path(os.environ.get(BLOBS_VARIABLE, "hub-blobs")), policy_from(os.environ)))
