"""``/mails``, "Postausgang (Demo)": the mails the demo's SMTP catcher caught, newest
first, and one of them (its HTML part only inside a sandboxed frame)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kurswerk.devplatform.mailcatcher import MailStore
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
    store: MailStore | None = request.app.state.mail_store
    caught = store.get(mail_id) if store else None
    if caught is None:
        return refused(
            request,
            gettext(
                request.app.state.config, "Diese E-Mail gibt es (nicht mehr) im Demo-Postausgang."
            ),
            404,
        )
    return render(request, "devplatform/mail.html", {"mail": caught})
