"""Coaching pages: the admins' packages (``coaching.routes.packages``), grants
(``coaching.routes.grants``) and audit log under ``/c/{context}/admin/coaching/...`` (admin
role only; an admin sees and changes only their own platform's packages and the grants of
the course they launched in), the CSV import (``coaching.routes.csv_import``), the grants from
the LMS roster (``coaching.routes.roster``, tutors see it too), and a learner's own
coaching status at ``/c/{context}/coaching``.

Thin: parse, authorise, call the coaching service modules, render. A refused change
re-renders its form with status 400/409 and every problem next to its field; the
session is rolled back first so nothing of a refused change is committed. Successful
changes redirect (post-redirect-get) with ``?done=<what>`` for the confirmation line.

The audit log and the learner's page are here; the other pages add their routes to
the same router (``coaching.routes.base``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from coaching import audit
from coaching.common import coaching_offers, coaching_summary
from coaching.format import Formatter
from coaching.office_hours.routes import (  # noqa: F401 - each adds its routes to the coaching router
    availability,
    booking,
    sessions,
)
from coaching.routes import (  # noqa: F401 - each adds its routes to the coaching router
    csv_import,
    grants,
    packages,
    roster,
)
from coaching.routes.base import router
from coaching.routes.common import ADMIN, AdminPrincipal, page
from kurswerk.core.auth import ContextPrincipal, Role
from kurswerk.core.db import SessionDep
from kurswerk.core.extensions import CourseHomeLink
from kurswerk.core.i18n import N_
from kurswerk.core.templating import render
from kurswerk.core.usertext import render_markdown

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


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
        "audit.html",
        {"page": entries, "changes": audit.changes, "older": before is not None},
    )


# --- The learner's own coaching ------------------------------------------------------


MINE_LINK = CourseHomeLink(N_("Mein Coaching"), "coaching_mine", frozenset({Role.LEARNER}))
"""A learner's own coaching on the course home."""


@router.get("/c/{context}/coaching", name="coaching_mine")
def my_coaching(request: Request, principal: ContextPrincipal, session: SessionDep) -> Response:
    summary = coaching_summary(session, user_id=principal.user_id, context_id=principal.context_id)
    offers = [] if summary.active else coaching_offers(session, platform_id=principal.platform_id)
    return render(
        request,
        "coaching/mine.html",
        {
            "coaching": summary,
            "offers": offers,
            "fmt": Formatter(principal.locale),
            "markdown": render_markdown,
        },
    )
