"""The pattern page: its colour list is kurswerk.css's tokens, every pair reaches its
contrast goal, and production does not serve the page."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from kurswerk.app import create_app
from kurswerk.core.patterns import SWATCHES
from kurswerk.core.settings import Settings

CSS = Path(__file__).resolve().parents[2] / "kurswerk" / "static" / "kurswerk.css"


def _tokens() -> dict[str, str]:
    root = CSS.read_text(encoding="utf-8").split(":root {", 1)[1].split("\n}", 1)[0]
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root))


def test_each_listed_colour_is_the_stylesheets_token_and_reaches_its_goal():
    tokens = _tokens()
    for swatch in SWATCHES:
        colour_token = "--ink-muted" if swatch.token == "--disabled-ink" else swatch.token
        background_token = (
            "--paper-sunken"
            if swatch.background_token == "--disabled-paper"
            else swatch.background_token
        )
        assert tokens[colour_token] == swatch.colour, swatch.token
        assert tokens[background_token] == swatch.background, swatch.background_token
        assert swatch.ratio >= swatch.goal, (swatch.token, swatch.background_token, swatch.ratio)


def test_the_pattern_page_is_served_in_test_and_not_in_production(settings: Settings, engine):
    with TestClient(create_app(settings)) as client:
        page = client.get("/dev/patterns?lang=en")
        assert page.status_code == 200
        assert "Pattern page" in page.text
    production = settings.model_copy(
        update={"env": "production", "base_url": "https://tool.example.org"}
    )
    with TestClient(create_app(production)) as client:
        assert client.get("/dev/patterns").status_code == 404
