"""The platform's machine endpoints: its key set (``/jwks``), the OAuth token endpoint
(``/token``, client credentials with a signed JWT), and dynamic registration's
``/.well-known/openid-configuration`` and ``/register-tool``. AGS and NRPS are in
``kurswerk.devplatform.routes.advantage``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from kurswerk.devplatform.registration import openid_configuration, register_tool
from kurswerk.devplatform.routes.common import (
    form_fields,
)
from kurswerk.devplatform.token import issue_access_token

router = APIRouter()


@router.get("/jwks", name="jwks")
def jwks(request: Request) -> JSONResponse:
    request.app.state.course.requests["jwks"] += 1
    return JSONResponse(request.app.state.key.jwks())


@router.post("/token", name="token")
async def token(request: Request) -> JSONResponse:
    params = await form_fields(request)
    state = request.app.state
    state.course.requests["token"] += 1
    failure = state.course.faults.status_for("token")
    if failure:
        return JSONResponse({"error": "simulated failure"}, status_code=failure)
    # The tool's JWKS is fetched with blocking I/O: keep it off the event loop.
    answer = await run_in_threadpool(
        issue_access_token, state.config, state.tool_keys, state.tokens, params
    )
    return JSONResponse(answer.body, status_code=answer.status)


@router.get("/.well-known/openid-configuration", name="openid_configuration")
def openid_configuration_document(request: Request) -> JSONResponse:
    return JSONResponse(openid_configuration(request.app.state.config))


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


@router.post("/register-tool", name="register_tool")
async def registration_endpoint(request: Request) -> JSONResponse:
    state = request.app.state
    answer = register_tool(
        state.config,
        state.course,
        state.registration_tokens,
        request.headers.get("authorization"),
        await _json(request),
    )
    return JSONResponse(answer.body, status_code=answer.status)
