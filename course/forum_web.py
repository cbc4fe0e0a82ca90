"""Small pieces the FAQ, forum and question routes share: limits and base URL from the
app's settings, post-redirect-get with the page token, and status notices."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import RedirectResponse

from course.forum_rules import Limits
from kurswerk.auth import Principal, codec
from kurswerk.templating import environment, with_query

DISPLAY_TIMEZONE = ZoneInfo("Europe/Berlin")

NOTICES = frozenset(
    {
        "posted",
        "replied",
        "edited",
        "deleted",
        "thread_deleted",
        "followed",
        "unfollowed",
        "reported",
        "already_reported",
        "moderated",
        "moved",
        "accepted",
        "promoted",
        "already_promoted",
        "faq_saved",
        "faq_deleted",
        "faq_reverted",
        "asked",
        "answered",
        "published",
        "settings_saved",
        "all_read",
        "resolved",
    }
)


def limits(request: Request) -> Limits:
    return Limits.from_settings(request.app.state.settings)


def base_url(request: Request) -> str:
    return str(request.app.state.settings.base_url)


def redirect(
    request: Request, principal: Principal, path: str, *, notice: str = "", anchor: str = ""
) -> RedirectResponse:
    """303 to a tool page, carrying the page token (the iframe may refuse our cookie)."""
    params = {"kt": codec(request).issue(principal)}
    if notice:
        params["notice"] = notice
    target = with_query(path, **params)
    return RedirectResponse(f"{target}#{anchor}" if anchor else target, status_code=303)


def notice_of(request: Request) -> str:
    """The status notice named in the URL, if it is one of ours (never echoes input)."""
    value = request.query_params.get("notice", "")
    return value if value in NOTICES else ""


def localtime(value: datetime, locale: str = "de") -> str:
    """``22.11.2026, 14:05`` in the course's time zone (stored times are UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(DISPLAY_TIMEZONE)
    return local.strftime("%d %b %Y, %H:%M" if locale == "en" else "%d.%m.%Y, %H:%M")


environment.filters.setdefault("localtime", localtime)
