"""The CSV import pages: upload and preview (writes nothing), then confirm (writes all
rows or none). See ``coaching.csv_import.rows`` for the file format and the signed draft
that carries the file from the preview to the confirm step."""

from __future__ import annotations

from pathlib import Path as FilePath

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from coaching.common import Actor, CoachingRefused, Problem
from coaching.csv_import import rows as csv_import
from coaching.csv_import.csv_file import MAX_CSV_BYTES, MAX_CSV_ROWS, ImportPlan, decode_csv
from coaching.csv_import.draft import ImportDraft
from coaching.routes.base import router
from coaching.routes.common import (
    ADMIN,
    AdminPrincipal,
    Field,
    coaching_path,
    own_course,
    page,
    refused_rollback,
)
from kurswerk.core.auth import Principal
from kurswerk.core.body_limit import streams_own_body
from kurswerk.core.csrf import CsrfChecked, StreamedCsrf
from kurswerk.core.db import SessionDep
from kurswerk.core.files.errors import UploadRejected
from kurswerk.core.files.intake import IntakeLimits, receive_upload
from kurswerk.core.files.storage import storage_from_settings
from kurswerk.core.i18n import N_
from kurswerk.core.templating import redirect_to

# The preview's multipart body: one file, the CSRF token rides in the query string.
_CSV_LIMITS = IntakeLimits(
    max_file_bytes=MAX_CSV_BYTES, text_fields={"csrf_token": 256}, max_parts=3
)
_UPLOAD_PROBLEMS = {
    "too_large": (
        N_("Die Datei ist größer als %(max_kb)s KB. Bitte teilen Sie sie in mehrere Dateien auf."),
        413,
    ),
    "no_file": (N_("Bitte wählen Sie eine CSV-Datei aus."), 400),
    "empty_file": (N_("Die Datei enthält keine Zeilen mit Vergaben."), 400),
}


def _draft(request: Request) -> ImportDraft:
    return ImportDraft(request.app.state.settings.secret_key.get_secret_value())


def _import_form(
    request: Request,
    principal: Principal,
    problems: list[Problem] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return page(
        request,
        principal,
        "import.html",
        {
            "problems": problems or [],
            "max_kb": MAX_CSV_BYTES // 1024,
            "max_rows": MAX_CSV_ROWS,
        },
        status_code=status_code,
    )


def _preview_page(
    request: Request,
    principal: Principal,
    plan: ImportPlan,
    *,
    draft: str,
    filename: str,
    status_code: int = 200,
) -> HTMLResponse:
    if plan.problems:
        return _import_form(request, principal, plan.problems, status_code=400)
    return page(
        request,
        principal,
        "import_preview.html",
        {"plan": plan, "draft": draft if plan.ok else "", "filename": filename},
        status_code=status_code if plan.ok else max(status_code, 400),
    )


def _read_and_plan(
    session: Session, principal: Principal, path: FilePath
) -> tuple[str, ImportPlan]:
    """The received file's text and its plan (in the threadpool: file and database I/O)."""
    text = decode_csv(path.read_bytes())
    return text, csv_import.plan_import(session, own_course(session, principal), text)


@router.get(ADMIN + "/import", name="coaching_import")
def import_form(request: Request, principal: AdminPrincipal) -> Response:
    return _import_form(request, principal)


@router.post(ADMIN + "/import/preview", name="coaching_import_preview")
@streams_own_body
async def import_preview(
    request: Request, principal: AdminPrincipal, session: SessionDep, csrf: StreamedCsrf
) -> Response:
    """Read the file while it streams (capped), check every row, show the result. Writes
    nothing: the file goes on to the confirm step in a signed field."""
    storage = storage_from_settings(request.app.state.settings)
    try:
        upload = await receive_upload(
            request.stream(), request.headers, storage, _CSV_LIMITS, csrf=csrf
        )
    except UploadRejected as rejected:
        key, status = _UPLOAD_PROBLEMS.get(
            rejected.code,
            (
                N_(
                    "Die Datei kam nicht vollständig an. Bitte versuchen Sie es noch einmal "
                    "über das Formular."
                ),
                400,
            ),
        )
        problem = Problem("file", key, {"max_kb": MAX_CSV_BYTES // 1024})
        return _import_form(request, principal, [problem], status_code=status)
    try:
        text, plan = await run_in_threadpool(_read_and_plan, session, principal, upload.temp_path)
    except CoachingRefused as refused:
        return _import_form(request, principal, refused.problems, refused.status_code)
    finally:
        storage.delete_temp(upload.temp_path)
    draft = _draft(request).seal(principal, text, upload.display_name) if plan.ok else ""
    return _preview_page(request, principal, plan, draft=draft, filename=upload.display_name)


@router.post(ADMIN + "/import/confirm", name="coaching_import_confirm", dependencies=[CsrfChecked])
def import_confirm(
    request: Request, principal: AdminPrincipal, session: SessionDep, draft: Field = ""
) -> Response:
    """Check the signed file again against the database as it is now (under the course's
    grant lock), then write every row or none."""
    try:
        text, filename = _draft(request).open(principal, draft)
    except CoachingRefused as refused:
        return _import_form(request, principal, refused.problems, refused.status_code)
    course = own_course(session, principal)
    try:
        plan, result = csv_import.confirm_import(session, Actor.admin(principal), course, text)
    except CoachingRefused as refused:
        return _import_form(request, principal, refused_rollback(session, refused), 409)
    if result is None:  # the database changed since the preview
        return _preview_page(request, principal, plan, draft="", filename=filename, status_code=409)
    return redirect_to(
        request,
        principal,
        coaching_path(request, principal, "coaching_grants"),
        done="imported",
        granted=str(result.granted),
        extended=str(result.extended),
        unchanged=str(result.unchanged),
    )
