"""A small closed-loop HTTP/1.1 load generator for loopback benchmarks.

Why not httpx: on a 2-core machine the load generator competes with the server for CPU,
and httpx costs several times more per request than this keep-alive client on raw asyncio
streams. The same generator drives every server a benchmark compares, so the ratios are
fair even where the absolute numbers carry the generator's cost.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    label: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index]

    def line(self) -> str:
        return (
            f"{self.label:<34} {self.rps:9.0f} req/s   p50 {self.percentile(50):7.2f} ms"
            f"   p99 {self.percentile(99):7.2f} ms   errors {self.errors}"
        )


def summarise(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)) - 1)]
    return f"p50 {statistics.median(ordered):.2f} ms, p99 {p99:.2f} ms"


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lowered = name.strip().lower()
        if lowered == b"content-length":
            length = int(value.strip())
        elif lowered == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _client(
    url: str,
    headers: dict[str, str],
    deadline: float,
    latencies: list[float],
    counters: list[int],
) -> None:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n{extra}Connection: keep-alive\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            latencies.append((time.perf_counter() - started) * 1000)
            counters[0] += 1
            if status != 200:
                counters[1] += 1
    finally:
        writer.close()


def run_load(
    label: str,
    url: str,
    *,
    concurrency: int = 32,
    seconds: float = 5.0,
    warmup: float = 1.0,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Keep ``concurrency`` connections busy with GETs of ``url`` for ``seconds``."""

    async def main() -> LoadResult:
        # Warm up caches and connection pools first; those figures are discarded.
        await _drive(url, headers or {}, concurrency, warmup, [], [0, 0])
        latencies: list[float] = []
        counters = [0, 0]
        started = time.perf_counter()
        await _drive(url, headers or {}, concurrency, seconds, latencies, counters)
        return LoadResult(label, counters[0], counters[1], time.perf_counter() - started, latencies)

    return asyncio.run(main())


async def _drive(
    url: str,
    headers: dict[str, str],
    concurrency: int,
    seconds: float,
    latencies: list[float],
    counters: list[int],
) -> None:
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(_client(url, headers, deadline, latencies, counters) for _ in range(concurrency))
    )
