"""Static files cache well (issue 16): pages name CSS and scripts with their content's
version; that URL is answered as immutable for a year, any other as "check first"; the
page itself stays ``no-store``; a changed file gets a new version."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from kurswerk.core.static_files import IMMUTABLE, REVALIDATE, file_version
from tests.course.conftest import Learner

STATIC = Path(__file__).resolve().parents[2] / "kurswerk" / "static"
LESSON = "kundenbeziehungen"


def _page_assets(client: TestClient, learner: Learner) -> list[str]:
    page = client.get(learner.url(f"/c/{learner.context_id}/lessons/{LESSON}"))
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"  # the page carries a session
    found = re.findall(r'(?:href|src)="(?:https?://[^/"]+)?(/(?:lti/)?static/[^"]+)"', page.text)
    return [url.replace("&amp;", "&") for url in found]


def _stylesheet(client: TestClient, learner: Learner) -> str:
    page = client.get(learner.url(f"/c/{learner.context_id}/lessons/{LESSON}"))
    (href,) = re.findall(r'<link rel="stylesheet" href="(?:https?://[^/"]+)?([^"]+)">', page.text)
    return href.replace("&amp;", "&")


def test_the_page_names_its_css_with_the_files_version(client, learner):
    expected = hashlib.sha256((STATIC / "kurswerk.css").read_bytes()).hexdigest()[:12]
    # The demo course has its own accent: kurswerk.css with it (kurswerk.core.branding),
    # at an address that names kurswerk.css's version.
    assert _stylesheet(client, learner) == f"/brand/kurswerk-{expected}-0b6e79.css"
    page = client.get("/dev/patterns")  # off a course: kurswerk.css itself
    (css,) = re.findall(r'href="(?:https?://[^/"]+)?(/static/kurswerk\.css[^"]*)"', page.text)
    assert parse_qs(urlsplit(css).query)["v"][0] == expected


def test_the_versioned_url_is_immutable_for_a_year(client, learner):
    assets = _page_assets(client, learner)
    assert len(assets) >= 2  # the icon and the style sheet at least
    for asset in [*assets, _stylesheet(client, learner)]:
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert response.headers["cache-control"] == IMMUTABLE, asset
        assert "immutable" in IMMUTABLE and "max-age=31536000" in IMMUTABLE


def test_without_the_current_version_the_browser_checks_first(client):
    for url in ("/static/kurswerk.css", "/static/kurswerk.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == REVALIDATE
        again = client.get(url, headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304  # checked with its ETag, not sent again


def test_a_changed_file_gets_a_new_version(tmp_path):
    file = tmp_path / "site.css"
    file.write_text("body { color: black; }")
    first = file_version(file)
    file.write_text("body { color: navy; }")
    os.utime(file, ns=(1, 1))  # a different modification time, as an edit leaves
    assert file_version(file) not in (None, first)
    assert file_version(tmp_path) is None  # a folder has no version
