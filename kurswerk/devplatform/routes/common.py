"""What the simulator's pages share: the templates (German, like a German Moodle), the
refusal and auto-post pages, the form fields of a POST, an URL's origin."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kurswerk.core import i18n
from kurswerk.devplatform.config import SimulatorConfig

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
_templates.newstyle_gettext = True  # type: ignore[attr-defined]  # as kurswerk.core.templating
_templates.policies["ext.i18n.trimmed"] = True


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config

    locale = i18n.normalise_locale(config.locale)
    html = _templates.get_template(name).render(
        {**i18n.template_functions(locale), "locale": locale, "config": config} | context
    )
    return HTMLResponse(html, status_code=status_code)


def gettext(config: SimulatorConfig, msgid: str, /, **params: Any) -> str:
    """``msgid`` in the simulator's language (``i18n.gettext`` with the config's locale)."""
    return i18n.gettext(i18n.normalise_locale(config.locale), msgid, **params)


async def form_fields(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


def refused(request: Request, reason: str, status: int) -> HTMLResponse:
    return render(
        request,
        "devplatform/refused.html",
        {"reason": reason, "status": status},
        status_code=status,
    )


def autopost(request: Request, action: str, fields: dict[str, str]) -> HTMLResponse:
    return render(request, "devplatform/autopost.html", {"action": action, "fields": fields})
