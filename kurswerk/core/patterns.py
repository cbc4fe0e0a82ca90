"""What the pattern page (``/dev/patterns``, ``kurswerk.core.routes``) shows: every
component of the visual language (kurswerk.css) in each of its states, in German and
English (``?lang=en``), for whoever designs or reviews a page. Only in the dev and demo
setups (``KURSWERK_ENV`` dev or test): the app factory does not include its router in
production.

The colours it lists are kurswerk.css's tokens, each with its contrast on the background
it is used on, worked out here (``tests/kurswerk/test_pattern_page.py`` checks that the
list matches the stylesheet and that every pair reaches its goal).
"""

from __future__ import annotations

from dataclasses import dataclass

from kurswerk.core.contrast import contrast_ratio
from kurswerk.core.i18n import N_

ENVS = ("dev", "test")
"""Where the page is served."""


@dataclass(frozen=True)
class Swatch:
    token: str
    colour: str
    background_token: str
    background: str
    use: str
    goal: float = 4.5

    @property
    def ratio(self) -> float:
        return contrast_ratio(self.colour, self.background)


SWATCHES = (
    Swatch("--ink", "#1c2430", "--paper", "#ffffff", N_("Text")),
    Swatch("--ink-muted", "#4d5766", "--paper-alt", "#f5f7fa", N_("Nebentext, Hinweise")),
    Swatch("--accent", "#1d5fa6", "--paper", "#ffffff", N_("Links, Knöpfe, Zahlen")),
    Swatch("--accent", "#1d5fa6", "--paper-alt", "#f5f7fa", N_("Links auf Flächen")),
    Swatch("--link-visited", "#6a3d9a", "--paper", "#ffffff", N_("Besuchte Links")),
    Swatch("--ok", "#1a7f37", "--ok-soft", "#e9f6ec", N_("Erledigt, gelesen")),
    Swatch("--warn", "#7a4f00", "--warn-soft", "#fff6df", N_("Arbeitsschritte, gefährdet")),
    Swatch("--error", "#b3261e", "--error-soft", "#fdf1f0", N_("Fehler, überfällig")),
    Swatch("--disabled-ink", "#4d5766", "--disabled-paper", "#eef1f5", N_("Deaktiviert")),
    Swatch("--line-strong", "#7b8594", "--paper", "#ffffff", N_("Ränder von Feldern"), 3.0),
)


SAMPLES = {"names": ("Carla Coaching", "Ben Beispiel"), "course": "Social-Media-Strategie"}
"""Names in the examples (people's and a course's names are not translated)."""
