"""The text font (Source Sans 3) is served as our own static files
(``kurswerk/static/vendor/source-sans-3/``, copied by ``make vendor-fonts``): the licence
ships beside the files, kurswerk.css names each file with its current version (so the
browser keeps it and the page's preload is the same request), and the copies are the
files of the package that package.json pins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kurswerk.core.static_files import file_version

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "kurswerk" / "static"
VENDORED = STATIC / "vendor" / "source-sans-3"
PACKAGE = "@fontsource-variable/source-sans-3"
INSTALLED = ROOT / "node_modules" / PACKAGE
FACE_URL = re.compile(r'url\("(vendor/source-sans-3/[^"?]+)\?v=([0-9a-f]{12})"\)')


def test_the_licence_ships_beside_the_font():
    licence = (VENDORED / "LICENSE").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence


def test_kurswerk_css_names_every_vendored_font_file_with_its_version():
    css = (STATIC / "kurswerk.css").read_text(encoding="utf-8")
    named = {path: version for path, version in FACE_URL.findall(css)}
    files = {str(p.relative_to(STATIC)) for p in (VENDORED / "files").glob("*.woff2")}
    assert set(named) == files
    for path, version in named.items():
        assert file_version(STATIC / path) == version, f"{path}: update ?v= in kurswerk.css"
    assert css.count("font-display: swap") >= len(files)


def test_every_vendored_file_is_byte_identical_to_the_installed_package():
    if not INSTALLED.is_dir():
        pytest.skip(f"{PACKAGE} is not installed here (npm ci installs it)")
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"][PACKAGE]
    assert json.loads((INSTALLED / "package.json").read_text())["version"] == pinned
    for path in VENDORED.rglob("*"):
        if path.is_file():
            source = INSTALLED / path.relative_to(VENDORED)
            assert source.read_bytes() == path.read_bytes(), "run `make vendor-fonts`"
