# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""Figures for the annotated PDF a release writes (issue 13; prints, asserts nothing).

    .venv/bin/python bench/annotations_pdf.py

A 300-page, ~20 MB PDF (text, a shared font, an incompressible image and a web link per
page; object streams) gets 200 annotations (highlights of three lines, notes, free texts
and freehand paths of 200 points, spread over the pages), written by
``feedback.workbench.writer.write_annotated`` - what release and the preview run. Each
run happens in a fresh process, so that its peak resident memory (``VmHWM``) is its own:
growth is the peak minus the resident memory just before the write (libraries loaded).
Then the result goes through our PDF check (the isolated worker, as for uploads).
Goals: write <= 2 s server time, memory growth <= 64 MiB, the check passes.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

# Run as a script, this file's folder comes first on sys.path, where ``bench/uploads.py``
# would shadow the ``uploads`` package: put the repository root there instead.
_REPO = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _REPO / "bench":
    sys.path[0] = str(_REPO)

from bench.procstat import memory_kib
from feedback.workbench.document import parse_save
from feedback.workbench.writer import write_annotated
from kurswerk.core.files.pdf.check import PdfChecker

PAGES = 300
IMAGE_BYTES = 66_000  # random (incompressible) image data per page: ~20 MB in all
ANNOTATIONS = 200
RUNS = 5
GOAL_SECONDS = 2.0
GOAL_GROWTH_MIB = 64


def make_big_pdf(path: Path) -> None:
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    for number in range(PAGES):
        image = pikepdf.Stream(pdf, os.urandom(IMAGE_BYTES))
        image.Type, image.Subtype = Name.XObject, Name.Image
        image.Width, image.Height = 100, IMAGE_BYTES // 300
        image.ColorSpace, image.BitsPerComponent = Name.DeviceRGB, 8
        text = b"BT /F1 12 Tf 72 720 Td (Seite %d) Tj ET q 200 0 0 200 72 400 cm /Im0 Do Q"
        page = Dictionary(
            Type=Name.Page,
            MediaBox=[0, 0, 595, 842],
            Contents=pdf.make_indirect(pikepdf.Stream(pdf, text % (number + 1))),
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


def annotation_set() -> bytes:
    items = []
    for n in range(ANNOTATIONS):
        page = 1 + (n * 37) % PAGES
        kind = n % 4
        if kind == 0:
            rects = [[72, 700 - 16 * i, 500, 714 - 16 * i] for i in range(3)]
            item = {"type": "highlight", "rects": rects, "color": "#ffd400",
                    "text": "Hier fehlt die Begründung.", "quote": "Zielgruppe: alle"}  # fmt: skip
        elif kind == 1:
            item = {"type": "note", "at": [500, 800], "text": "Schön formuliert! " * 10,
                    "color": "#ffd400"}  # fmt: skip
        elif kind == 2:
            text = "Bitte begründen Sie die Wahl der Kanäle. " * 6
            item = {"type": "freetext", "rect": [72, 300, 400, 380], "size": 11,
                    "text": text, "color": "#c00000"}  # fmt: skip
        else:
            path = [[100 + i, 200 + (i * 7) % 50] for i in range(200)]
            item = {"type": "ink", "paths": [path], "color": "#c00000", "width": 2}
        items.append({"id": f"a{n}", "page": page, **item})
    return json.dumps({"revision": 0, "annotations": items}).encode()


def measure(source: str, target: str, body: str) -> None:
    """Child process: one write, then its figures as JSON on stdout."""
    request = parse_save(Path(body).read_bytes())
    before = memory_kib(os.getpid())["VmRSS"]
    cpu, wall = time.process_time(), time.perf_counter()
    write_annotated(
        Path(source), Path(target), request.annotations, author="Tilda Tutorin",
        when=datetime.now(UTC),
    )  # fmt: skip
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = memory_kib(os.getpid())["VmHWM"]
    print(json.dumps({"wall": wall, "cpu": cpu, "growth_kib": peak - before}))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-annotations-") as folder:
        source, target, body = (Path(folder) / name for name in ("in.pdf", "out.pdf", "set.json"))
        make_big_pdf(source)
        body.write_bytes(annotation_set())
        size_mb = source.stat().st_size / 1e6
        print(f"source: {PAGES} pages, {size_mb:.1f} MB; {ANNOTATIONS} annotations")
        runs = []
        for _ in range(RUNS):
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(source), str(target), str(body)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
        walls = [run["wall"] for run in runs]
        growth = max(run["growth_kib"] for run in runs) / 1024
        print(
            f"write, server time: median {statistics.median(walls):.2f} s, worst "
            f"{max(walls):.2f} s (CPU {statistics.median(r['cpu'] for r in runs):.2f} s)"
            f"   goal <= {GOAL_SECONDS:.0f} s"
        )
        print(f"write, memory growth: worst {growth:.1f} MiB   goal <= {GOAL_GROWTH_MIB} MiB")
        with pikepdf.open(target) as pdf:
            added = sum(len(page.obj.get("/Annots", [])) for page in pdf.pages) - PAGES
        print(f"annotations in the result: {added}   goal {ANNOTATIONS}")
        with PdfChecker(workers=1) as checker:
            started = time.perf_counter()
            report = checker.check(target)
            seconds = time.perf_counter() - started
        print(
            f"PDF check of the result: passes ({report.pages} pages, {report.nodes} values, "
            f"{seconds:.2f} s)   goal: passes"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(*sys.argv[2:5])
    else:
        main()
