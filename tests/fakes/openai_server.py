"""A fake OpenAI-compatible server on 127.0.0.1 speaking the documented HTTP API:
POST /v1/chat/completions (plain and streamed as server-sent events) and POST /v1/embeddings.

Its chat "model" answers with the first sentence of the first numbered source it is given,
citing it as [1], so tests can check that the product's real client code sent the sources
and mapped the citation back. Queue HTTP failures with `fail_next`.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SOURCE = re.compile(r"\[1\][^\n]*\n(?P<text>.+?)(?:\n\n\[\d+\]|\n\nQuestion:|$)", re.S)


@dataclass
class FakeOpenAI:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    delay_seconds: float = 0.0
    # Seconds between streamed words, so a client can be seen showing an answer as it arrives.
    word_delay_seconds: float = 0.0
    # Scripted chat replies, used in order before the default "first sentence of [1]" reply.
    replies: list[str] = field(default_factory=list)
    in_flight: int = 0

    def settle(self, timeout: float = 30.0) -> None:
        """Wait until no request is being answered (a client that timed out leaves one behind)."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            time.sleep(0.05)


def _answer_for(messages: list[dict[str, Any]]) -> str:
    user_text = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
    match = SOURCE.search(user_text)
    if not match:
        return "I don't know based on the provided sources."
    first_sentence = re.split(r"(?<=[.!?])\s", match.group("text").strip().replace("\n", " "))[0]
    return f"{first_sentence} [1]"


def _embedding(text: str, dimension: int = 64) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    raw = [(digest[i % len(digest)] - 128) / 128 for i in range(dimension)]
    norm = sum(v * v for v in raw) ** 0.5 or 1.0
    return [v / norm for v in raw]


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            return

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            state.in_flight += 1
            try:
                self._answer()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer
            finally:
                state.in_flight -= 1

        def _answer(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            state.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
            if state.delay_seconds:
                time.sleep(state.delay_seconds)
            if state.fail_next:
                status = state.fail_next.pop(0)
                self._json(
                    status, {"error": {"message": f"fake failure {status}", "type": "server_error", "code": None}}
                )
                return
            if self.path.endswith("/chat/completions"):
                self._chat(body)
            elif self.path.endswith("/embeddings"):
                inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                data = [{"object": "embedding", "index": i, "embedding": _embedding(t)} for i, t in enumerate(inputs)]
                self._json(
                    200,
                    {
                        "object": "list",
                        "data": data,
                        "model": body.get("model"),
                        "usage": {"prompt_tokens": 1, "total_tokens": 1},
                    },
                )
            else:
                self._json(404, {"error": {"message": "unknown path", "type": "invalid_request_error"}})

        def _chat(self, body: dict[str, Any]) -> None:
            answer = state.replies.pop(0) if state.replies else _answer_for(body.get("messages", []))
            usage = {
                "prompt_tokens": 100,
                "completion_tokens": len(answer.split()),
                "total_tokens": 100 + len(answer.split()),
            }
            created = int(time.time())
            if not body.get("stream"):
                self._json(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": created,
                        "model": body.get("model"),
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}
                        ],
                        "usage": usage,
                    },
                )
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in re.findall(r"\S+\s*", answer):
                time.sleep(state.word_delay_seconds)
                chunk = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": created,
                    "model": body.get("model"),
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            final = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": created,
                "model": body.get("model"),
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                "usage": usage,
            }
            self.wfile.write(f"data: {json.dumps(final)}\n\ndata: [DONE]\n\n".encode())

    return Handler


@contextmanager
def running_fake_openai() -> Iterator[FakeOpenAI]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(FakeOpenAI(url="")))
    state = FakeOpenAI(url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    server.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
