"""A real S3-compatible server for the tests: moto in server mode (its own process, speaking S3's
HTTP API on 127.0.0.1), with the suite's bucket made."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "us-east-1"


def s3_client(endpoint: str) -> object:
    import boto3

    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


@contextmanager
def s3_server(port: int, bucket: str) -> Iterator[str]:
    """The endpoint URL while the server runs."""
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        endpoint = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{endpoint}/moto-api/", timeout=2).status_code < 500:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    output.seek(0)
                    raise AssertionError(f"the S3 server did not start: {output.read()}")
                time.sleep(0.2)
            s3_client(endpoint).create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
            yield endpoint
        finally:
            process.terminate()
            process.wait(timeout=20)
