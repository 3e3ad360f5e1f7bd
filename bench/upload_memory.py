"""Peak memory of the server while a 100 MB file uploads: the body must stream to disk.

    python bench/upload_memory.py [--megabytes 100]

Starts `brain serve` on embedded defaults, samples the server's resident memory (RSS) every
20 ms while a client streams one file just under MAX_FILE_SIZE, and prints idle and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.benchserver import bench_server


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=100)
    parser.add_argument("--port", type=int, default=8798)
    args = parser.parse_args()
    size = args.megabytes * 1024 * 1024 - 64 * 1024  # just under the default MAX_FILE_SIZE

    with bench_server(args.port) as server:
        process = psutil.Process(server.process.pid)
        time.sleep(2)
        idle = process.memory_info().rss
        peak = idle
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, process.memory_info().rss)
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        boundary = "bench-boundary"

        def body() -> Iterator[bytes]:
            yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n'.encode()
            yield b"%PDF-1.7\n"
            block = os.urandom(1024 * 1024)
            sent = 9
            while sent < size:
                piece = block[: min(len(block), size - sent)]
                sent += len(piece)
                yield piece
            yield f"\r\n--{boundary}--\r\n".encode()

        started = time.perf_counter()
        response = httpx.post(
            f"{server.base}/api/enterprise/documents",
            content=body(),
            headers={**server.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            timeout=300,
        )
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    mb = 1024 * 1024
    print(f"upload of {size / mb:.1f} MB: HTTP {response.status_code} in {seconds:.1f} s")
    print(
        f"server RSS idle {idle / mb:.0f} MB, peak during upload {peak / mb:.0f} MB, "
        f"increase {(peak - idle) / mb:.1f} MB"
    )


if __name__ == "__main__":
    main()
