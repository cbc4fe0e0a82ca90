"""What the submission routes share: the uploads router, the app's upload tools, how a
page or a panel of another room's page is rendered, and how an upload route answers."""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from kurswerk.core.body_limit import StreamedBody
from kurswerk.core.errors import AppError, render_app_error
from kurswerk.core.files.intake import IntakeLimits
from kurswerk.core.files.pdf.check import default_checker
from kurswerk.core.files.scan import scanner_from_settings
from kurswerk.core.files.storage import storage_from_settings
from kurswerk.core.paths import request_path
from kurswerk.core.settings import Settings
from kurswerk.core.templating import environment, page_context, render
from kurswerk.core.usertext import render_markdown
from uploads import submissions as submissions_mod
from uploads.format import Formats, note_html

router = APIRouter()

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

NOTE_CODES = frozenset({"field_too_long"})
"""Refusals the note field caused; every other one belongs to the file field."""


def submit_tools(settings: Settings) -> submissions_mod.SubmitTools:
    """An app's upload tools (the app factory keeps them on ``app.state.submit_tools``),
    the PDF checker warmed up now, not on the first upload."""
    checker = default_checker()
    checker.warm_up()
    return submissions_mod.SubmitTools(
        storage=storage_from_settings(settings),
        checker=checker,
        scanner=scanner_from_settings(settings),
        limits=IntakeLimits.from_settings(settings),
        settings=settings,
    )


def tools(request: Request) -> submissions_mod.SubmitTools:
    tools: submissions_mod.SubmitTools = request.app.state.submit_tools
    return tools


HELPERS = {"render_markdown": render_markdown, "note_html": note_html}


def fragment(request: Request, name: str, context: dict[str, Any]) -> Markup:
    html = environment.get_template(name).render({**page_context(request), **HELPERS, **context})
    return Markup(html)  # noqa: S704 - rendered by the autoescaping environment


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    formats = Formats(principal.locale if principal else "de")
    return render(request, name, {"fmt": formats, **HELPERS, **context}, status_code=status)


def receipt_path(
    request: Request, context_id: int, result: submissions_mod.SubmissionResult
) -> str:
    return request_path(
        request,
        "submission_receipt",
        context=context_id,
        submission_id=result.submission_id,
        number=result.version,
    )


async def answer_upload(
    request: Request, body: StreamedBody, answer: Awaitable[Response]
) -> Response:
    """What a submission route answers: ``answer``, or the error page where the request is
    refused before or instead of the form (an :class:`AppError`); either with
    ``Connection: close`` unless the body was read to the end."""
    response: Response
    try:
        response = await answer
    except AppError as error:
        response = render_app_error(request, error)
    return body.close_unless_read(response)
