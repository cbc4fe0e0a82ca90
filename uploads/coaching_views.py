"""Coaching pages: the admins' packages (``coaching_package_views``), grants
(``coaching_grant_views``) and audit log under ``/c/{context}/admin/coaching/...`` (admin
role only; an admin sees and changes only their own platform's packages and the grants of
the course they launched in), the CSV import (``coaching_import_views``), the grants from
the LMS roster (``coaching_roster_views``, tutors see it too), and a learner's own
coaching status at ``/c/{context}/coaching``.

Thin: parse, authorise, call the coaching service modules, render. A refused change
re-renders its form with status 400/409 and every problem next to its field; the
session is rolled back first so nothing of a refused change is committed. Successful
changes redirect (post-redirect-get) with ``?done=<what>`` for the confirmation line.

The audit log and the learner's page are here; the other pages add their routes to
the same router (``uploads.coaching_router``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from kurswerk.auth import ContextPrincipal
from kurswerk.db import SessionDep
from kurswerk.templating import render
from kurswerk.usertext import render_markdown
from uploads import coaching_audit as audit
from uploads import (  # noqa: F401 - each adds its routes to the coaching router
    coaching_grant_views,
    coaching_import_views,
    coaching_package_views,
    coaching_roster_views,
)
from uploads.coaching import coaching_offers, coaching_summary
from uploads.coaching_format import Formatter
from uploads.coaching_pages import ADMIN, AdminPrincipal, page
from uploads.coaching_router import router

__all__ = ["router"]


@router.get(ADMIN + "/audit", name="coaching_audit")
def audit_log(
    request: Request,
    principal: AdminPrincipal,
    session: SessionDep,
    before: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    entries = audit.audit_entries(session, platform_id=principal.platform_id, before=before)
    return page(
        request,
        principal,
        "coaching_audit.html",
        {"page": entries, "changes": audit.changes, "older": before is not None},
    )


# --- The learner's own coaching ------------------------------------------------------


@router.get("/c/{context}/coaching", name="coaching_mine")
def my_coaching(request: Request, principal: ContextPrincipal, session: SessionDep) -> Response:
    summary = coaching_summary(session, user_id=principal.user_id, context_id=principal.context_id)
    offers = [] if summary.active else coaching_offers(session, platform_id=principal.platform_id)
    return render(
        request,
        "uploads/coaching_mine.html",
        {
            "coaching": summary,
            "offers": offers,
            "fmt": Formatter(principal.locale),
            "markdown": render_markdown,
        },
    )
