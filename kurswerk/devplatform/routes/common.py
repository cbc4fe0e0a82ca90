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
from kurswerk.devplatform.messages import MESSAGES

i18n.register(MESSAGES)
_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent.parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def render(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    config: SimulatorConfig = request.app.state.config

    def in_config_locale(key: str, /, **params: Any) -> str:
        return translate(config, key, **params)

    html = _templates.get_template(name).render(
        {"_": in_config_locale, "locale": i18n.normalise_locale(config.locale), "config": config}
        | context
    )
    return HTMLResponse(html, status_code=status_code)


def translate(config: SimulatorConfig, key: str, /, **params: Any) -> str:
    return i18n.translate(i18n.normalise_locale(config.locale), key, **params)


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
