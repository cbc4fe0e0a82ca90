"""Mozilla PDF.js is served as our own static files (``kurswerk/static/vendor/pdfjs/``,
copied by ``make vendor-pdfjs``): they must be exactly the files of the ``pdfjs-dist``
that package.json pins and ``npm ci`` installs, so an update is one version bump plus
one copy, and nobody edits a vendored file by hand."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDORED = ROOT / "kurswerk" / "static" / "vendor" / "pdfjs"
INSTALLED = ROOT / "node_modules" / "pdfjs-dist"
LOADED = ("LICENSE", "build/pdf.min.mjs", "build/pdf.worker.min.mjs")
"""What the viewer imports (``kurswerk/static/workbench/``) and the licence beside it."""
FOLDERS = ("cmaps", "standard_fonts")
"""Fetched by PDF.js itself for PDFs that need them: every file of the package's folder
(and the annotation layer's icons of notes, ``web/images/annotation-*.svg``)."""


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_the_installed_pdfjs_is_the_version_package_json_pins():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["pdfjs-dist"]
    installed = json.loads((INSTALLED / "package.json").read_text())["version"]
    assert installed == pinned, "run `npm ci`, then `make vendor-pdfjs`"


def test_every_vendored_file_is_byte_identical_to_the_installed_package():
    vendored = _files(VENDORED)
    assert vendored, "nothing vendored: run `make vendor-pdfjs`"
    differing = [
        name
        for name in sorted(vendored)
        if not (INSTALLED / name).is_file()
        or (INSTALLED / name).read_bytes() != (VENDORED / name).read_bytes()
    ]
    assert differing == [], "run `make vendor-pdfjs` after changing pdfjs-dist"


def test_the_viewer_finds_everything_it_loads():
    vendored = _files(VENDORED)
    assert set(LOADED) <= vendored
    for folder in FOLDERS:
        assert _files(INSTALLED / folder) == _files(VENDORED / folder), folder
    icons = {p.name for p in (INSTALLED / "web" / "images").glob("annotation-*.svg")}
    assert icons and {p.name for p in (VENDORED / "web" / "images").iterdir()} == icons


def test_pdfjs_is_served_as_a_javascript_module_under_our_csp(client):
    """Module scripts and module workers load only with a JavaScript type (we send
    ``nosniff``); the page's CSP lets them (and nothing else) run: ``script-src 'self'``,
    which ``worker-src`` falls back to, and no ``'unsafe-eval'`` (PDF.js runs with
    ``isEvalSupported: false``)."""
    for name in LOADED[1:]:
        response = client.get(f"/static/vendor/pdfjs/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] in {
            "text/javascript",
            "application/javascript",
        }
        assert response.headers["x-content-type-options"] == "nosniff"
    policy = [part.strip() for part in response.headers["content-security-policy"].split(";")]
    assert "script-src 'self'" in policy
    assert not any(part.startswith(("worker-src", "child-src")) for part in policy)
    assert "unsafe-eval" not in response.headers["content-security-policy"]
