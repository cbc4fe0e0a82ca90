"""``/mails``, "Postausgang (Demo)": the mails the demo's SMTP catcher caught, newest
first, and one of them (its HTML part only inside a sandboxed frame, its attachments
listed, a calendar invitation to download)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kurswerk.core.http import content_disposition
from kurswerk.devplatform.mailcatcher import CaughtMail, MailStore
from kurswerk.devplatform.routes.common import (
    gettext,
    refused,
    render,
)

router = APIRouter()


@router.get("/mails", response_class=HTMLResponse, name="mails")
def mails(request: Request) -> HTMLResponse:
    """The demo's outbox as the SMTP catcher received it, newest first."""
    store: MailStore | None = request.app.state.mail_store
    return render(
        request,
        "devplatform/mails.html",
        {"catching": store is not None, "mails": store.newest_first() if store else []},
    )


@router.get("/mails/{mail_id}", response_class=HTMLResponse, name="mail")
def mail(request: Request, mail_id: int) -> HTMLResponse:
    """One caught mail: the text part as text, the HTML part only inside a sandboxed
    frame (``srcdoc``, escaped by the template; no scripts, no same origin)."""
    caught = _caught(request, mail_id)
    if caught is None:
        return _no_such_mail(request)
    return render(request, "devplatform/mail.html", {"mail": caught})


@router.get("/mails/{mail_id}/attachments/{number}", name="mail_attachment")
def mail_attachment(request: Request, mail_id: int, number: int) -> Response:
    """A caught mail's calendar invitation as a ``.ics`` download (a calendar imports
    it); the simulator kept no other attachment's content."""
    caught = _caught(request, mail_id)
    attachment = caught.attachment(number) if caught else None
    if attachment is None or attachment.text is None:
        return _no_such_mail(request)
    return Response(
        attachment.text.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition(
                "attachment", attachment.filename, suffix=".ics", default="invite"
            ),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _caught(request: Request, mail_id: int) -> CaughtMail | None:
    store: MailStore | None = request.app.state.mail_store
    return store.get(mail_id) if store else None


def _no_such_mail(request: Request) -> HTMLResponse:
    return refused(
        request,
        gettext(request.app.state.config, "Diese E-Mail gibt es (nicht mehr) im Demo-Postausgang."),
        404,
    )
