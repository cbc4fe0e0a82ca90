"""A versioned script or stylesheet goes out Brotli-compressed from memory, compressed once
per file and version (issue 13: PDF.js's worker was compressed again for every page view,
on the event loop); what the browser gets decompresses to the file; everything else is
answered as before, the compression middleware (as the app has it) included."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from types import SimpleNamespace

import brotli
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette_compress import CompressMiddleware

from kurswerk.core import static_files
from kurswerk.core.static_files import IMMUTABLE, VersionedStaticFiles, file_version

BIG = b"export const x = [" + b"1, 2, 3, 4, 5, 6, 7, 8, 9, 10, " * 400 + b"];\n"
BROTLI = {"Accept-Encoding": "gzip, deflate, br, zstd"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "big.mjs").write_bytes(BIG)
    (tmp_path / "small.js").write_bytes(b"let a = 1;\n")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG" + os.urandom(4000))
    return tmp_path


@pytest.fixture
def client(folder: Path) -> TestClient:
    app = Starlette(
        routes=[Mount("/static", VersionedStaticFiles(directory=folder), name="static")],
        middleware=[Middleware(CompressMiddleware, minimum_size=1024, zstd=False)],
    )
    return TestClient(app)


@pytest.fixture
def compressions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of what ``static_files`` gave Brotli to compress."""
    calls: list[int] = []
    real = brotli.compress

    def counting(data: bytes, **options: int) -> bytes:
        calls.append(len(data))
        return real(data, **options)

    monkeypatch.setattr(static_files, "brotli", SimpleNamespace(compress=counting))
    monkeypatch.setattr(static_files, "_compressed", {})
    return calls


def versioned(folder: Path, name: str) -> str:
    return f"/static/{name}?v={file_version(folder / name)}"


def raw_get(client: TestClient, url: str, **headers: str):
    """The response as sent (the test client would decode Brotli itself)."""
    with client.stream("GET", url, headers=headers) as response:
        return response, b"".join(response.iter_raw())


def test_a_versioned_script_goes_out_brotli_compressed_once(client, folder, compressions):
    url = versioned(folder, "big.mjs")
    for _ in range(3):
        response, body = raw_get(client, url, **BROTLI)
        assert response.status_code == 200
        assert response.headers["content-encoding"] == "br"
        assert brotli.decompress(body) == BIG
        assert response.headers["content-length"] == str(len(body))
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.headers["cache-control"] == IMMUTABLE
        assert response.headers["content-type"].startswith("text/javascript")
        assert "accept-ranges" not in response.headers
        assert response.headers["etag"].endswith('-br"')
    assert compressions == [len(BIG)]  # once, not per request


def test_a_changed_file_is_compressed_again_under_its_new_version(client, folder, compressions):
    raw_get(client, versioned(folder, "big.mjs"), **BROTLI)
    changed = BIG.replace(b"const", b"let  ")
    (folder / "big.mjs").write_bytes(changed)
    response, body = raw_get(client, versioned(folder, "big.mjs"), **BROTLI)
    assert brotli.decompress(body) == changed
    assert len(compressions) == 2


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/static/big.mjs", BROTLI),  # no version: the middleware, as before
        ("/static/big.mjs?v=000000000000", BROTLI),  # an old version
        ("VERSIONED", {"Accept-Encoding": "gzip"}),  # no Brotli wanted
        ("VERSIONED", {"Accept-Encoding": "br;q=0, gzip"}),
        ("VERSIONED", {**BROTLI, "Range": "bytes=0-99"}),
    ],
)
def test_otherwise_the_file_is_answered_as_before(client, folder, compressions, url, headers):
    url = versioned(folder, "big.mjs") if url == "VERSIONED" else url
    response, body = raw_get(client, url, **headers)
    assert compressions == []
    if "Range" in headers:
        assert response.status_code == 206
        assert body == BIG[:100]
        return
    assert response.status_code == 200
    encoding = response.headers.get("content-encoding")
    if encoding == "br":
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    assert body == BIG


@pytest.mark.parametrize("name", ["small.js", "picture.png"])
def test_small_files_and_images_are_left_as_they_are(client, folder, compressions, name):
    response, body = raw_get(client, versioned(folder, name), **BROTLI)
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert body == (folder / name).read_bytes()
    assert compressions == []


def test_a_head_request_and_a_revalidation_are_answered_as_before(client, folder, compressions):
    url = versioned(folder, "big.mjs")
    head = client.head(url, headers=BROTLI)
    assert head.status_code == 200
    etag = client.get(url, headers={"Accept-Encoding": "identity"}).headers["etag"]
    again = client.get(url, headers={**BROTLI, "If-None-Match": etag})
    assert again.status_code == 304
    assert compressions == []
