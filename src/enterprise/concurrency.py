"""At most as many requests inside the API at once as its database pool has connections.

Every request holds one database session from its first dependency to its response (a streamed
answer to its last event). Past the pool's size, requests would wait inside the app holding
what they had, and time out after 30 s with a 500 (seen under 50 clients: `bench/load.py`).
Here they wait before entering, in the event loop, holding nothing, and are served in turn.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send


class InFlightLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self._limit = max(1, limit)
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            # Made on first use, inside the server's event loop.
            self._slots = asyncio.Semaphore(self._limit)
        async with self._slots:
            await self.app(scope, receive, send)
