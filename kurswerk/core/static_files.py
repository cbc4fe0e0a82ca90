"""Static files that cache well (issue 16): every page names its CSS, scripts and icons
with their content's version in the URL (``/static/kurswerk.css?v=3f2a9c0d1e4b``), and a
request that names the file's current version is answered as cacheable for a year and
``immutable``: a browser never asks for it again while the file is the same, and a
changed file has a new URL. A request without the version, or with an old one (a page
rendered before a deployment), gets ``no-cache``: kept, but checked with its ETag.

The version is the first 12 hex digits of the file's SHA-256, worked out once per file
and process and again when the file's size or modification time changes (the demo edits
files while it runs). Pages themselves stay ``no-store`` (``kurswerk.core.security``):
they carry a session.

Templates keep calling ``url_for('static', path=...)``: the page context's ``url_for``
(:func:`versioned_url_for`) adds the version for a mount of :class:`VersionedStaticFiles`
when the path is a file (a folder, such as PDF.js's character maps, has no version).

A script or stylesheet asked for by its current version goes out Brotli-compressed from
memory (issue 13): compressed once per file and version, in a worker thread, instead of
by the compression middleware on every request - PDF.js's worker alone (1.3 MB) took the
middleware tens of milliseconds per page view, on the event loop every other request
waits for. The middleware leaves a response that is already encoded alone; a browser
that does not take Brotli, a request without the version and a range request get the
file as before.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import PurePath
from stat import S_ISREG
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
import brotli
from starlette.datastructures import URL, Headers, URLPath
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from kurswerk.core.paths import route_path

VERSION_PARAM = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

COMPRESSED_SUFFIXES = frozenset({".js", ".mjs", ".css", ".svg"})
COMPRESS_MIN_BYTES = 1024  # smaller files go out as they are (as the middleware does)
BROTLI_QUALITY = 5  # once per file and version: a little more than the middleware's 4

_versions: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, version)
_compressed: dict[str, tuple[str, bytes]] = {}  # path -> (version, Brotli body)


def file_version(path: str | os.PathLike[str]) -> str | None:
    """The version of the file at ``path`` (None: not a file)."""
    key = os.fspath(path)
    try:
        stat = os.stat(key)
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    known = _versions.get(key)
    if known is not None and known[:2] == (stat.st_size, stat.st_mtime_ns):
        return known[2]
    digest = hashlib.sha256()
    with open(key, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    version = digest.hexdigest()[:12]
    _versions[key] = (stat.st_size, stat.st_mtime_ns, version)
    return version


def brotli_body(path: str, version: str) -> bytes | None:
    """The file at ``path`` Brotli-compressed, if its content is still ``version`` (None:
    it changed meanwhile); kept for the next request (one body per file: its latest)."""
    known = _compressed.get(path)
    if known is not None and known[0] == version:
        return known[1]
    with open(path, "rb") as file:
        data = file.read()
    if hashlib.sha256(data).hexdigest()[:12] != version:
        return None
    body = brotli.compress(data, quality=BROTLI_QUALITY)
    _compressed[path] = (version, body)
    return body


def accepts_brotli(headers: Headers) -> bool:
    """``Accept-Encoding`` names ``br`` (with a quality above 0)."""
    for item in headers.get("accept-encoding", "").split(","):
        coding, _, params = item.partition(";")
        if coding.strip().lower() != "br":
            continue
        quality = params.strip().lower()
        if not quality.startswith("q="):
            return True
        try:
            return float(quality[2:]) > 0
        except ValueError:
            return False
    return False


class VersionedStaticFiles(StaticFiles):
    """Static files answered as immutable when the URL names their current version."""

    def version_of(self, path: str) -> str | None:
        # Where a path lies is looked up once (a walk with ``realpath`` and a stat per
        # folder); whether the file changed, on every call (one stat).
        known = self.__dict__.setdefault("_full_paths", {})
        full_path = known.get(path)
        if full_path is None:
            full_path, _ = self.lookup_path(path.lstrip("/"))
            if full_path and len(known) < 4096:
                known[path] = full_path
        return file_version(full_path) if full_path else None

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(VERSION_PARAM)
            current = self.version_of(path)
            fresh = bool(asked) and current is not None and asked == [current]
            response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
            if fresh and current is not None:
                return await _compressed_response(response, scope, current)
        return response


async def _compressed_response(response: Response, scope: Scope, version: str) -> Response:
    """``response`` (a versioned file) as its Brotli body from memory, where that fits."""
    if (
        scope["method"] != "GET"
        or response.status_code != 200
        or not isinstance(response, FileResponse)
        or PurePath(response.path).suffix not in COMPRESSED_SUFFIXES
    ):
        return response
    request_headers = Headers(scope=scope)
    if "range" in request_headers or not accepts_brotli(request_headers):
        return response
    path = os.fspath(response.path)
    if os.stat(path).st_size < COMPRESS_MIN_BYTES:
        return response
    body = await anyio.to_thread.run_sync(brotli_body, path, version)
    if body is None:
        return response
    headers = {
        name: value
        for name, value in response.headers.items()
        if name not in ("content-length", "accept-ranges", "etag")
    }
    compressed = Response(body, headers=headers)
    compressed.headers["Content-Encoding"] = "br"
    compressed.headers["Vary"] = "Accept-Encoding"
    etag = response.headers.get("etag")
    if etag:  # another representation, another tag
        compressed.headers["ETag"] = etag[:-1] + '-br"' if etag.endswith('"') else etag
    return compressed


def _static_mounts(request: Request) -> dict[str, VersionedStaticFiles]:
    mounts = getattr(request.app.state, "versioned_static", None)
    if mounts is None:
        mounts = {
            route.name: route.app
            for route in request.app.routes
            if isinstance(route, Mount) and isinstance(route.app, VersionedStaticFiles)
        }
        request.app.state.versioned_static = mounts
    return mounts


def versioned_url_for(request: Request) -> Callable[..., URL]:
    """``request.url_for`` that adds the file's version to a static file's URL."""

    def url_for(name: str, /, **path_params: Any) -> URL:
        files = _static_mounts(request).get(name)
        if files is None:
            return request.url_for(name, **path_params)
        # The mount's path from the route table once (``kurswerk.core.paths``), made
        # absolute for this request as ``request.url_for`` does.
        path = URLPath(route_path(request.app.router, name, path_params), protocol="http")
        url = path.make_absolute_url(base_url=request.base_url)
        version = files.version_of(str(path_params.get("path", "")))
        if version is not None:
            url = url.include_query_params(**{VERSION_PARAM: version})
        return url

    return url_for


__all__ = [
    "BROTLI_QUALITY",
    "COMPRESSED_SUFFIXES",
    "IMMUTABLE",
    "REVALIDATE",
    "VERSION_PARAM",
    "VersionedStaticFiles",
    "accepts_brotli",
    "brotli_body",
    "file_version",
    "versioned_url_for",
]
