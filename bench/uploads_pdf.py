# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""Figures for the upload building blocks (prints, asserts nothing).

    .venv/bin/python bench/uploads_pdf.py

1. PDF check of a ~20 MB, 300-page PDF: in this process (``inspect_pdf``), through the
   pre-started worker pool (``check_pdf``: the isolation we use), and in a fresh process
   per call (``python -m kurswerk.core.files.pdf.check``: the isolation we did not choose). Goal:
   under
   10 ms per 100 pages.
2. Intake of a multipart body of 5 MB and 100 MB (fed in 64 KiB chunks, no network):
   peak memory above the baseline, and throughput (parse + SHA-256 + write). Goal: growth
   from 5 to 100 MB under 10 MB. Loopback HTTP throughput is measured later in
   ``bench/uploads.py`` with the route.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

# Run as a script, this file's folder comes first on sys.path, where ``bench/uploads.py``
# would shadow the ``uploads`` package: put the repository root there instead.
_REPO = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _REPO / "bench":
    sys.path[0] = str(_REPO)

from kurswerk.core.files.intake import IntakeLimits, receive_upload
from kurswerk.core.files.pdf.check import PdfChecker, inspect_pdf
from kurswerk.core.files.storage import LocalStorage

PAGES = 300
IMAGE_BYTES = 66_000  # random (incompressible) image data per page: ~20 MB in all
CHUNK = 64 * 1024
BOUNDARY = b"benchboundary1234567890"


def make_big_pdf(path: Path) -> None:
    """Pages with text, a shared font, an image and a web link each; object streams."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in range(PAGES):
        image = pikepdf.Stream(pdf, os.urandom(IMAGE_BYTES))
        image.Type, image.Subtype = Name.XObject, Name.Image
        image.Width, image.Height = 100, IMAGE_BYTES // 300
        image.ColorSpace, image.BitsPerComponent = Name.DeviceRGB, 8
        content = pikepdf.Stream(
            pdf, b"BT /F1 12 Tf 72 720 Td (Seite %d) Tj ET /Im0 Do" % (number + 1)
        )
        page = Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595, 842],
            Contents=pdf.make_indirect(content),
            Resources=Dictionary(Font=Dictionary(F1=font), XObject=Dictionary(Im0=image)),
        )
        pdf.pages.append(pikepdf.Page(page))
        link = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=[72, 72, 200, 90],
            A=Dictionary(S=Name.URI, URI=String(f"https://example.org/{number}")),
        )
        pdf.pages[-1].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(link)]))
    pdf.save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def make_sized_pdf(path: Path, megabytes: float, pages: int = 20) -> None:
    """``pages`` pages, each with one image of random (incompressible) bytes: ~``megabytes``."""
    image_bytes = int(megabytes * 1024 * 1024) // pages
    pdf = pikepdf.new()
    for number in range(pages):
        image = pikepdf.Stream(pdf, os.urandom(image_bytes))
        image.Type, image.Subtype = Name.XObject, Name.Image
        image.Width, image.Height = 1000, image_bytes // 3000
        image.ColorSpace, image.BitsPerComponent = Name.DeviceRGB, 8
        content = pikepdf.Stream(pdf, b"q 595 0 0 842 0 0 cm /Im0 Do Q BT (%d) Tj ET" % number)
        page = Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595, 842],
            Contents=pdf.make_indirect(content),
            Resources=Dictionary(XObject=Dictionary(Im0=image)),
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def bench_pdf_check(folder: Path) -> None:
    path = folder / "big.pdf"
    make_big_pdf(path)
    size_mb = path.stat().st_size / 1e6
    per_100 = 100 / PAGES * 1000  # seconds for all pages -> ms per 100 pages

    in_process = timed(lambda: inspect_pdf(path), 30)
    with PdfChecker(workers=1) as checker:
        start = time.perf_counter()
        checker.warm_up()
        warm_up = time.perf_counter() - start
        checker.check(path)
        pooled = timed(lambda: checker.check(path), 30)
    command = [sys.executable, "-m", "kurswerk.core.files.pdf.check", str(path)]
    spawned = timed(lambda: subprocess.run(command, check=True, capture_output=True), 5)

    def line(label: str, times: list[float]) -> None:
        median = statistics.median(times)
        print(
            f"  {label:<34} median {median * 1000:7.1f} ms  "
            f"({median * per_100:6.1f} ms / 100 pages, min {min(times) * 1000:.1f} ms)"
        )

    load = os.getloadavg()[0]
    print(f"PDF check, {PAGES} pages, {size_mb:.1f} MB", end=" ")
    print(f"(load average {load:.1f} on {os.cpu_count()} CPUs):")
    line("in process (no isolation)", in_process)
    line("worker pool (isolated)", pooled)
    line("fresh process per call (isolated)", spawned)
    base = statistics.median(in_process)
    pool_cost = (statistics.median(pooled) - base) * 1000
    spawn_cost = (statistics.median(spawned) - base) * 1000
    print(
        f"  cost of isolation per call: pool {pool_cost:+.1f} ms, new process {spawn_cost:+.0f} ms"
    )
    print(f"  starting one pool worker: {warm_up * 1000:.0f} ms (once, at start-up)")


def intake_child(size: int) -> None:
    """Run in a fresh process: receive a ``size``-byte file; print peak RSS growth."""

    def rss_kib(field: str) -> int:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
        return 0

    with tempfile.TemporaryDirectory() as folder:
        storage = LocalStorage(Path(folder))
        limits = IntakeLimits(max_file_bytes=size)
        head = (
            b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; '
            b'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        tail = b"\r\n--" + BOUNDARY + b"--\r\n"
        block = os.urandom(CHUNK)

        async def stream() -> AsyncIterator[bytes]:
            yield head
            for _ in range(size // CHUNK):
                yield bytes(block)  # a fresh object per chunk, as a server hands them over
            yield tail

        headers = {"content-type": "multipart/form-data; boundary=" + BOUNDARY.decode()}
        baseline = rss_kib("VmRSS:")
        start = time.perf_counter()
        received = asyncio.run(receive_upload(stream(), headers, storage, limits))
        seconds = time.perf_counter() - start
        peak = rss_kib("VmHWM:")
        assert received.size == size
        print(f"{(peak - baseline) / 1024:.1f} {size / seconds / 1e6:.0f}")


def bench_intake() -> None:
    print("Intake (multipart parse + SHA-256 + temp file), 64 KiB chunks:")
    growth = {}
    for megabytes in (5, 100):
        size = megabytes * 1024 * 1024
        result = subprocess.run(
            [sys.executable, __file__, "--intake-child", str(size)],
            check=True,
            capture_output=True,
            text=True,
        )
        growth_mib, rate = result.stdout.split()
        growth[megabytes] = float(growth_mib)
        print(f"  {megabytes:>3} MB: peak RSS +{growth_mib} MiB, {rate} MB/s")
    print(f"  growth from 5 to 100 MB: {growth[100] - growth[5]:+.1f} MiB (goal: under 10)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--intake-child":
        intake_child(int(sys.argv[2]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            bench_pdf_check(Path(tmp))
        bench_intake()
