# ruff: noqa: E402 - the imports must follow the sys.path fix below
"""What the streams of real PDF exports decode to: the measurements behind the bounds of
``kurswerk/core/files/pdf/streams.py`` (prints, asserts nothing).

    .venv/bin/python bench/pdf_streams.py [--libreoffice] [FILE.pdf ...]

For each PDF: file size, what all its streams decode to (``measure_decoded`` with no
budget), the ratio decoded/file size, the largest stream's ratio, and the time of the
measurement. ``--libreoffice`` first exports documents with LibreOffice
(``soffice --headless --convert-to pdf``, needs ``libreoffice-writer-nogui``) into a
temporary folder and measures them too: a 300-page text, a thesis-like mix of text,
tables, photos and screenshots, 60 pages of photos, 40 pages of screenshots. The photos
and screenshots are drawn with Pillow (noise and gradients like a camera; flat colour,
lines and text like a screen), so the run needs no files from outside.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

_REPO = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == _REPO / "bench":
    sys.path[0] = str(_REPO)

from kurswerk.core.files.pdf.streams import measure_decoded

_WORDS = [
    "Strategie", "Reichweite", "Zielgruppe", "Beitrag", "Kampagne", "Analyse", "Kennzahl",
    "Plattform", "Inhalt", "Redaktionsplan", "Interaktion", "Community", "Marke", "Budget",
    "Auswertung", "Ergebnis", "Hypothese", "Stichprobe", "Methode", "Diskussion",
]  # fmt: skip


def _paragraph(rng: random.Random, words: int = 90) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _photo(path: Path, rng: random.Random) -> None:
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((1600, 1200), 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    tint = Image.new("RGB", (1600, 1200), tuple(rng.randrange(256) for _ in range(3)))
    image = Image.blend(Image.blend(gradient, tint, 0.5), noise, 0.35)
    image.filter(ImageFilter.GaussianBlur(1)).save(path, quality=88)


def _screenshot(path: Path, rng: random.Random) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1000), (245, 246, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1600, 60), fill=(40, 60, 120))
    draw.rectangle((0, 60, 260, 1000), fill=(230, 232, 236))
    for row in range(40):
        y = 80 + row * 22
        draw.text((280, y), _paragraph(rng, 12)[:110], fill=(30, 30, 30))
        draw.text((10, y), rng.choice(_WORDS), fill=(60, 60, 60))
    for _ in range(6):
        x, y = rng.randrange(300, 1300), rng.randrange(100, 800)
        draw.rectangle((x, y, x + 200, y + 120), outline=(200, 80, 40), width=3)
    image.save(path)


def _export(folder: Path, name: str, body: list[str]) -> Path:
    html = folder / f"{name}.html"
    html.write_text(
        "<html><head><meta charset='utf-8'></head><body>" + "\n".join(body) + "</body></html>",
        encoding="utf-8",
    )
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf:writer_web_pdf_Export", "--outdir",
         str(folder), str(html)],
        check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    return folder / f"{name}.pdf"


def libreoffice_exports(folder: Path) -> list[Path]:
    rng = random.Random(7)
    text = []
    for chapter in range(60):
        text.append(f"<h1>Kapitel {chapter + 1}</h1>")
        text += [f"<p>{_paragraph(rng)}</p>" for _ in range(14)]
        text.append("<ul>" + "".join(f"<li>{_paragraph(rng, 8)}</li>" for _ in range(5)) + "</ul>")
    thesis, photos, screens = [], [], []
    for index in range(20):
        _photo(folder / f"photo{index}.jpg", rng)
        _screenshot(folder / f"screen{index}.png", rng)
    for chapter in range(40):
        thesis.append(f"<h1>Abschnitt {chapter + 1}</h1>")
        thesis += [f"<p>{_paragraph(rng)}</p>" for _ in range(6)]
        cells = "".join(f"<td>{rng.randrange(1000)}</td>" for _ in range(5))
        thesis.append("<table border='1'>" + f"<tr>{cells}</tr>" * 8 + "</table>")
        thesis.append(f"<p><img src='screen{chapter % 20}.png' width='600'></p>")
        if chapter % 4 == 0:
            thesis.append(f"<p><img src='photo{chapter % 20}.jpg' width='600'></p>")
    for index in range(60):
        photos.append(f"<h2>Foto {index + 1}</h2><p><img src='photo{index % 20}.jpg' width='640'>")
        photos.append(f"<p>{_paragraph(rng, 30)}</p><p style='page-break-after: always'></p>")
    for index in range(40):
        screens.append(
            f"<h2>Bild {index + 1}</h2><p><img src='screen{index % 20}.png' width='640'>"
        )
        screens.append(f"<p>{_paragraph(rng, 30)}</p><p style='page-break-after: always'></p>")
    return [
        _export(folder, "lo-text", text),
        _export(folder, "lo-thesis", thesis),
        _export(folder, "lo-photos", photos),
        _export(folder, "lo-screenshots", screens),
    ]


def measure(path: Path) -> None:
    size = path.stat().st_size
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
        objects = list(pdf.objects)
        started = time.perf_counter()
        decoded = measure_decoded(objects, budget=1 << 62)
        seconds = time.perf_counter() - started
        worst = max(
            (measure_decoded([obj], 1 << 62) / max(1, len(obj.read_raw_bytes())), obj.objgen)
            for obj in objects
            if isinstance(obj, pikepdf.Stream)
        )
    print(
        f"{path.name:28} {pages:4} pages {size / 1e6:7.2f} MB file {decoded / 1e6:8.2f} MB "
        f"decoded  ratio {decoded / size:6.1f}  largest stream ratio {worst[0]:7.1f}  "
        f"{seconds * 1000:6.1f} ms ({seconds * 1000 * 100 / pages:5.2f} ms/100 pages)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--libreoffice", action="store_true")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    files = list(args.files)
    folder = Path(tempfile.mkdtemp(prefix="pdf-streams-"))
    try:
        if args.libreoffice:
            files += libreoffice_exports(folder)
        for path in files:
            measure(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
