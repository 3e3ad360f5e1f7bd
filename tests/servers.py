"""Real server processes for the tests that talk to them over HTTP: started on a free port,
waited for until /health answers, stopped with SIGTERM (which they must obey)."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn


@contextmanager
def app_on_thread(app: Any, port: int, lifespan: str = "auto", start_seconds: float = 30) -> Iterator[str]:
    """An ASGI app served by uvicorn on a thread of this process: its base URL until the block ends."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_seconds
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(command: list[str], port: int, env: dict[str, str], cwd: Path | None = None) -> Iterator[str]:
    """The server's base URL while it runs. Its output goes to a file, not a pipe: a pipe nobody
    reads fills up after a few hundred access-log lines and then blocks the server."""
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for_health(process, base, output)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                raise AssertionError("the server did not shut down within 20 s of SIGTERM") from None


def _wait_for_health(process: subprocess.Popen[str], base: str, output: object) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)  # type: ignore[attr-defined]
            raise AssertionError(f"server exited: {output.read()}")  # type: ignore[attr-defined]
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code in {200, 503}:
                return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("server did not start within 90 s")
