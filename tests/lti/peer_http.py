"""The HTTP side of the live lti1p3platform peer (``tests/lti/ltipeer``): serving an app on
a loopback socket that can go down and come back, the request/response adapter that
lti1p3platform 0.1.8 lacks for Starlette, and its platform configuration with a key-set
re-fetch for an unknown ``kid``. See ``tests/lti/ltipeer`` for why each shim exists."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from lti1p3platform import exceptions as peer_errors
from lti1p3platform.ltiplatform import JWKS
from lti1p3platform.request import Request as PeerRequestBase
from lti1p3platform.request import TRequest
from lti1p3platform.response import Response as PeerResponse
from lti1p3platform.response import generate_next_link

from tests.e2e.servers import LiveServer
from tests.lti.advantage import bound_socket
from tests.lti.peer import PeerPlatformConf


class Served:
    """An ASGI app on a loopback socket that can go down and come back on the same port."""

    def __init__(self, app: Any) -> None:
        self.app = app
        sock = bound_socket()
        self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = LiveServer(app, sock)
        self._server.start()
        self.up = True

    def stop(self) -> None:
        if self.up:
            self._server.stop()
            self.up = False

    def start(self) -> None:
        if not self.up:
            self._server = LiveServer(self.app, bound_socket(self.port))
            self._server.start()
            self.up = True


# --- the adapter: Starlette request -> TRequest, package Response -> JSON ---------------


class HttpRequest(PeerRequestBase):
    """The package's ``Request`` for a request already read from Starlette (its FastAPI
    adapter is commented out in 0.1.8)."""

    def build_metadata(self, request: TRequest) -> TRequest:
        return request


def _query(request: Request) -> dict[str, Any]:
    """The query, with ``page``/``limit`` as integers (0.1.8 computes ``page + 1``)."""
    query: dict[str, Any] = dict(request.query_params)
    for name in ("page", "limit"):
        if isinstance(query.get(name), str) and query[name].isdigit():
            query[name] = int(query[name])
    return query


async def read_request(request: Request) -> HttpRequest:
    content_type = request.headers.get("content-type")
    body = await request.body()
    form: dict[str, Any] = {}
    if content_type and content_type.startswith("application/x-www-form-urlencoded"):
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    data = None
    if body and content_type and "json" in content_type:  # as its Django adapter decides
        data = json.loads(body)
    return HttpRequest(
        {
            "method": request.method,
            "form_data": form,
            "get_data": _query(request),
            "headers": request.headers,
            "content_type": content_type,
            "path": request.url.path,
            "json": data,
        }
    )


def to_http(answer: PeerResponse) -> Response:
    """The package's ``Response`` as its Django adapter (``wrap_json_resp``) sends it."""
    if not 200 <= answer.code < 300:
        return JSONResponse({"error": answer.message}, answer.code, media_type=answer.media_type)
    result = answer.result
    data = result["content"] if isinstance(result, dict) and "content" in result else result
    headers = {}
    if isinstance(result, dict) and result.get("next"):
        headers["Link"] = generate_next_link(result["next"])
    return JSONResponse(data, answer.code, headers=headers, media_type=answer.media_type)


# --- the package's abstract parts, filled in -------------------------------------------


class LivePlatformConf(PeerPlatformConf):
    """Fetches the tool's key set again, once, for a ``kid`` it does not know."""

    def init_platform_config(self, **kwargs: Any) -> None:
        super().init_platform_config(**kwargs)
        self.tool_key_fetches = 0

    def fetch_public_key(self, key_set_url: str) -> JWKS:
        self.tool_key_fetches += 1
        return super().fetch_public_key(key_set_url)

    def get_tool_public_key(self) -> bytes:
        try:
            return super().get_tool_public_key()
        except peer_errors.LtiException:
            assert self._registration is not None
            if not self._registration.get_tool_key_set_url():
                raise
            self._registration.set_tool_key_set(None)  # type: ignore[arg-type]
            return super().get_tool_public_key()
