"""Security headers on every response, and a strict Content-Security-Policy for pages."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The dashboard serves its own scripts and styles and calls only its own origin: nothing inline,
# nothing from elsewhere, never framed.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# JSON needs no policy to render; this one forbids using a response as a page at all.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    def __init__(
        self, app: ASGIApp, policy: str, strict_transport: bool = False, exempt_paths: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.policy = policy
        self.strict_transport = strict_transport
        self.exempt_paths = exempt_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exempt = str(scope.get("path", "")).endswith(self.exempt_paths) if self.exempt_paths else False

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON.items():
                    headers.setdefault(name, value)
                if not exempt:
                    headers.setdefault("content-security-policy", self.policy)
                if self.strict_transport:
                    headers.setdefault("strict-transport-security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
