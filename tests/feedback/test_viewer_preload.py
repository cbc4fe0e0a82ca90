"""The review page's head lets the browser fetch what the PDF viewer's first page waits for
at once (issue 13, "first page visible <= 1 s"): PDF.js's library at the versioned URL the
viewer imports it from, and the viewer's own modules at the URLs their imports resolve
to; the viewer's module runs as soon as it is loaded; the viewer knows the PDF's length,
so it reads the PDF by ranges from the start. Every URL named is a static file that
exists, and PDF.js's files are named with their version (cacheable for a year)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

from sqlmodel import select

from kurswerk.core.static_files import IMMUTABLE, file_version
from tests.feedback.helpers import path
from uploads.models import SubmissionVersion

STATIC = Path(__file__).resolve().parents[2] / "kurswerk" / "static"


def review_page(web, world, make_submission):
    submission = make_submission(world.learner)
    page = web.get(path(world.tutor, f"/review/{submission.id}"))
    assert page.status_code == 200
    return submission, page.text


def head_of(html: str) -> str:
    return html.split("</head>", 1)[0]


def preloads(html: str) -> list[str]:
    found = re.findall(r'<link rel="modulepreload" href="([^"]+)">', head_of(html))
    return [unescape(url) for url in found]


def viewer_config(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" data-viewer-config>(.*?)</script>', html, re.S
    )
    assert found
    return json.loads(found.group(1))


def main_script(html: str) -> re.Match[str]:
    found = re.search(r'<script type="module" src="([^"]*/workbench/main\.js[^"]*)"([^>]*)>', html)
    assert found
    return found


def relative_imports(module: str) -> list[str]:
    """The static ``import … from "./…"`` of a module of the workbench."""
    text = (STATIC / "workbench" / module).read_text(encoding="utf-8")
    return re.findall(r'^import [^;]* from "(\./[^"]+)";', text, re.M)


def test_the_pdfjs_library_is_preloaded_at_the_versioned_url_it_is_imported_from(
    web, world, make_submission
):
    _, html = review_page(web, world, make_submission)
    library = viewer_config(html)["pdfjs"]["module"]
    assert library in preloads(html)
    url = urlsplit(library)
    assert url.path == "/static/vendor/pdfjs/build/pdf.min.mjs"
    file = STATIC / "vendor" / "pdfjs" / "build" / "pdf.min.mjs"
    assert parse_qs(url.query)["v"] == [file_version(file)]
    response = web.get(library)
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE


def test_the_viewers_modules_are_preloaded_at_the_urls_their_imports_resolve_to(
    web, world, make_submission
):
    _, html = review_page(web, world, make_submission)
    main = unescape(main_script(html).group(1))
    worker_start, viewer = (urljoin(main, name) for name in relative_imports("main.js"))
    (page,) = (urljoin(viewer, name) for name in relative_imports("viewer.js"))
    wanted = [viewer, page]
    assert [urlsplit(url).path for url in wanted] == [
        "/static/workbench/viewer.js",
        "/static/workbench/page.js",
    ]
    named = preloads(html)
    for url in wanted:
        assert url in named, (url, named)
        assert web.get(url).status_code == 200


def test_the_viewer_starts_as_soon_as_its_module_is_loaded(web, world, make_submission):
    _, html = review_page(web, world, make_submission)
    assert main_script(html).group(2).split() == ["async"]


def test_the_viewer_knows_the_pdfs_length_to_read_it_by_ranges(web, world, make_submission, db):
    submission, html = review_page(web, world, make_submission)
    version = db.exec(
        select(SubmissionVersion).where(SubmissionVersion.submission_id == submission.id)
    ).one()
    config = viewer_config(html)
    assert config["length"] == version.size
    whole = web.get(config["src"])
    assert len(whole.content) == version.size


def test_the_head_starts_pdfjss_worker_through_the_module_the_viewer_imports(
    web, world, make_submission
):
    _, html = review_page(web, world, make_submission)
    head = head_of(html)
    main = unescape(main_script(html).group(1))
    starter = urljoin(main, relative_imports("main.js")[0])
    assert urlsplit(starter).path == "/static/workbench/pdf-worker.js"
    found = re.search(r'<script type="module" src="([^"]+)" async></script>', head)
    assert found and unescape(found.group(1)) == starter  # one module instance, one worker
    assert web.get(starter).status_code == 200
    meta = re.search(r'<meta name="kw-pdf-worker" content="([^"]+)">', head)
    assert meta
    worker = unescape(meta.group(1))
    assert worker == viewer_config(html)["pdfjs"]["worker"]
    file = STATIC / "vendor" / "pdfjs" / "build" / "pdf.worker.min.mjs"
    assert parse_qs(urlsplit(worker).query)["v"] == [file_version(file)]
    response = web.get(worker)
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
