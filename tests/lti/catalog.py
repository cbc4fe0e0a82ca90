"""A deep-linking catalog as the course package will provide one (``DeepLinkCatalog``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from lti.service import LineItemSpec, LinkTarget

EXERCISE_TARGET = "lessons/einstieg/exercises/zielgruppe"
EXERCISE = LineItemSpec(
    resource_id="exercise:einstieg/zielgruppe",
    label="Übung: Zielgruppe (Feedback)",
    target=EXERCISE_TARGET,
)
MEDIA_TARGET = EXERCISE_TARGET + "?industry=media"
MEDIA_EXERCISE = LineItemSpec(
    resource_id="exercise:einstieg/zielgruppe",
    label="Übung: Zielgruppe (Feedback)",
    target=MEDIA_TARGET,
)


class FakeCatalog:
    def __init__(self) -> None:
        self.calls: list[int] = []
        self.extra: list[LinkTarget] = []

    def items(self, session: Session, context_id: int) -> Sequence[LinkTarget]:
        self.calls.append(context_id)
        return [
            LinkTarget("Social-Media-Strategie", "Kursstart", "", "course"),
            LinkTarget("Lektion 1: Einstieg", "Ziele und Begriffe", "lessons/einstieg", "lesson"),
            LinkTarget(
                "Übung: Zielgruppe (Branche offen)",
                "Mit Feedback",
                EXERCISE_TARGET,
                "exercise",
                line_item=EXERCISE,
            ),
            LinkTarget(
                "Übung: Zielgruppe – Medien",
                "",
                MEDIA_TARGET,
                "exercise",
                custom={"kurswerk_industry": "media"},
                line_item=MEDIA_EXERCISE,
            ),
            *self.extra,
        ]
