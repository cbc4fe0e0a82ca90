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
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from stat import S_ISREG
from typing import Any
from urllib.parse import parse_qs

from starlette.datastructures import URL, URLPath
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from kurswerk.core.paths import route_path

VERSION_PARAM = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_versions: dict[str, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, version)


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
        return response


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
    "IMMUTABLE",
    "REVALIDATE",
    "VERSION_PARAM",
    "VersionedStaticFiles",
    "file_version",
    "versioned_url_for",
]
