"""The simulator's AGS and NRPS endpoints as routes (the rules are in ``services``): each
request is counted, may meet a simulated failure (``lms.Faults``), needs a bearer token
with the right scope."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from kurswerk.devplatform import services
from kurswerk.devplatform.lms import CourseState

router = APIRouter()


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def _service_answer(answer: services.Answer) -> Response:
    return JSONResponse(
        answer.body, status_code=answer.status, media_type=answer.media_type, headers=answer.headers
    )


def _gate(request: Request, kind: str, scopes: tuple[str, ...]) -> Response | None:
    """Count the request, apply a simulated failure, check the bearer token."""
    course: CourseState = request.app.state.course
    course.requests[kind] += 1
    failure = course.faults.status_for(kind)
    if failure:
        return JSONResponse({"error": "simulated failure"}, status_code=failure)
    refused = services.authorise(
        request.app.state.tokens, request.headers.get("authorization"), *scopes
    )
    return _service_answer(refused) if refused else None


@router.get("/ags/lineitems", name="ags_lineitems")
def ags_lineitems(request: Request) -> Response:
    stop = _gate(request, "lineitems", services.READ_LINE_ITEMS)
    if stop:
        return stop
    state = request.app.state
    return _service_answer(
        services.list_line_items(state.config, state.course, dict(request.query_params))
    )


@router.post("/ags/lineitems", name="ags_lineitems_create")
async def ags_lineitems_create(request: Request) -> Response:
    stop = _gate(request, "lineitems", services.WRITE_LINE_ITEMS)
    if stop:
        return stop
    state = request.app.state
    return _service_answer(
        services.create_line_item(state.config, state.course, await _json(request))
    )


@router.get("/ags/lineitems/{line_item_id}", name="ags_lineitem")
def ags_lineitem(request: Request, line_item_id: str) -> Response:
    stop = _gate(request, "lineitems", services.READ_LINE_ITEMS)
    if stop:
        return stop
    state = request.app.state
    item = state.course.line_items.get(line_item_id)
    if item is None:
        return JSONResponse({"error": "no such line item"}, status_code=404)
    return JSONResponse(item.as_json(state.config), media_type=services.LINEITEM_TYPE)


@router.post("/ags/lineitems/{line_item_id}/scores", name="ags_scores")
async def ags_scores(request: Request, line_item_id: str) -> Response:
    stop = _gate(request, "scores", services.WRITE_SCORES)
    if stop:
        return stop
    state = request.app.state
    answer = services.post_score(
        state.config,
        state.course,
        line_item_id,
        await _json(request),
        request.headers.get("content-type", ""),
    )
    if answer.status == 200 and state.course.faults.lose_answer():
        return JSONResponse({"error": "simulated failure after storing"}, status_code=502)
    return _service_answer(answer)


@router.get("/nrps/memberships", name="nrps_memberships")
def nrps_memberships(request: Request) -> Response:
    stop = _gate(request, "memberships", services.READ_MEMBERSHIPS)
    if stop:
        return stop
    return _service_answer(
        services.memberships(request.app.state.config, dict(request.query_params))
    )
