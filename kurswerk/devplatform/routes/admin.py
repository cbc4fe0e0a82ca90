"""What a teacher and an admin of the LMS see: the gradebook (scores and comments as the
tool posts them, and the way to a submission review), the roster as the roster service
lists it, and the tools page where dynamic registration starts."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kurswerk.devplatform import services
from kurswerk.devplatform.config import Person, SimulatorConfig
from kurswerk.devplatform.lms import CourseState
from kurswerk.devplatform.routes.common import (
    origin,
    render,
)

router = APIRouter()


def _teacher(config: SimulatorConfig, person: str) -> Person | None:
    chosen = config.person(person)
    return chosen if chosen is not None and chosen.teaches else None


@router.get("/gradebook", response_class=HTMLResponse, name="gradebook")
def gradebook(
    request: Request, person: str = "", review: str = "", line_item: str = ""
) -> HTMLResponse:
    """Every column (line item) with each learner's latest score and comment."""
    config: SimulatorConfig = request.app.state.config
    course: CourseState = request.app.state.course
    chosen = _teacher(config, person)
    with course.lock:
        columns = list(course.line_items.values())
        scores = dict(course.scores)
    learners = [p for p in config.people if p.learns]
    review_url = ""
    if chosen and review and line_item:
        review_url = f"/launch/{chosen.key}?" + urlencode(
            {"review": review, "line_item": line_item}
        )
    return render(
        request,
        "devplatform/gradebook.html",
        {
            "chosen": chosen,
            "teachers": [p for p in config.people if p.teaches],
            "columns": columns,
            "learners": learners,
            "scores": scores,
            "review_url": review_url,
            "tool_origin": origin(config.tool_base_url),
        },
    )


@router.get("/roster", response_class=HTMLResponse, name="roster")
def roster(request: Request) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config
    return render(
        request,
        "devplatform/roster.html",
        {"members": [services.member(config, p) for p in config.people]},
    )


@router.get("/tools", response_class=HTMLResponse, name="tools")
def tools(request: Request, start: str = "") -> HTMLResponse:
    """Dynamic registration: the admin starts it; the tool's page opens in a frame."""
    config: SimulatorConfig = request.app.state.config
    course: CourseState = request.app.state.course
    frame_url = ""
    if start:
        frame_url = (
            config.tool_registration_url
            + "?"
            + urlencode(
                {
                    "openid_configuration": config.openid_configuration_url,
                    "registration_token": request.app.state.registration_tokens.issue(),
                }
            )
        )
    with course.lock:
        registration = course.registration
    return render(
        request,
        "devplatform/tools.html",
        {
            "registration": registration,
            "frame_url": frame_url,
            "tool_origin": origin(config.tool_base_url),
        },
    )
