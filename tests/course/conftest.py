"""Fixtures for the course tests: the real content loaded, and learners with a session
(the factory ``make_learner`` lives in ``tests/support/people.py``).

A learner is made of real rows (platform, LMS context, user, membership) and a signed
session token minted by the app's codec, exactly as a launch would leave them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from course import lesson_page
from course.content import load as content
from course.worksheets import downloads
from tests.support.people import Learner, MakeLearner, make_learner

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
COURSE_DIR = CONTENT / "social-media-strategie"
SEEDS = Path(__file__).parent / "seeds"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The lesson and worksheet caches are per process; tests must not see each other's
    lessons or templates."""
    lesson_page.clear_cache()
    downloads.clear_cache()
    yield
    lesson_page.clear_cache()
    downloads.clear_cache()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content, for tests that change files."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def mini_course(tmp_path: Path, body: str, *, slug: str = "mini") -> Path:
    """A content root with one course holding one lesson ``eins`` with ``body``."""
    root = tmp_path / "mini-content"
    lessons = root / slug / "lessons"
    lessons.mkdir(parents=True)
    (root / slug / "course.yaml").write_text(
        f"slug: {slug}\ntitle: Mini\nlessons: [eins]\n", encoding="utf-8"
    )
    (lessons / "eins.md").write_text(
        f"---\nslug: eins\ntitle: Eins\n---\n\n{body}", encoding="utf-8"
    )
    return root


SECOND = "krisenkommunikation"


def second_course(tmp_path: Path) -> Path:
    """A content root with the real course and a second, small one (``SECOND``): its own
    lesson with an exercise, its own industries (``gesundheit`` and ``media``, the latter
    named differently from the first course's)."""
    root = tmp_path / "two-courses"
    shutil.copytree(COURSE_DIR, root / COURSE_DIR.name)
    folder = root / SECOND
    (folder / "lessons").mkdir(parents=True)
    (folder / "exercises").mkdir()
    (folder / "course.yaml").write_text(
        f"slug: {SECOND}\ntitle: Krisenkommunikation\nlanguage: de\n"
        "industries:\n"
        "  gesundheit:\n    de: Gesundheitswesen\n    en: Healthcare\n"
        "  media:\n    de: Verlage\n    en: Publishers\n"
        "lessons: [im-sturm]\n",
        encoding="utf-8",
    )
    (folder / "lessons" / "im-sturm.md").write_text(
        "---\nslug: im-sturm\ntitle: Im Sturm\n---\n\n## Grundlagen\n\n"
        "Wer in der Krise spricht, spricht zuerst mit den Betroffenen.\n\n"
        "::: arbeitsschritt erste-stunde\nPlanen Sie die erste Stunde einer Krise.\n:::\n",
        encoding="utf-8",
    )
    (folder / "exercises" / "im-sturm.yaml").write_text(
        "lesson: im-sturm\nindustries:\n"
        "  gesundheit:\n    companies:\n      - name: Charité\n"
        "    task: Wenden Sie die Übung auf ein Klinikum an.\n"
        "  media:\n    companies:\n      - name: DIE ZEIT\n"
        "    task: Wenden Sie die Übung auf einen Verlag an.\n"
        "exercises:\n  - slug: erste-stunde\n    title: Die erste Stunde\n"
        "    work_step: erste-stunde\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def two_loaded(db: Session, tmp_path: Path) -> content.LoadReport:
    """The real course and ``SECOND`` loaded: nothing says which one an LMS course shows."""
    report = content.load(db, second_course(tmp_path))
    db.commit()
    return report


@pytest.fixture
def loaded(db: Session) -> content.LoadReport:
    report = content.load(db, CONTENT)
    db.commit()
    return report


@pytest.fixture
def learner(make_learner: MakeLearner, loaded: content.LoadReport) -> Learner:
    return make_learner()


@pytest.fixture
def browser(client: TestClient) -> TestClient:
    """The test client, not following redirects (so post-redirect-get is visible)."""
    client.follow_redirects = False
    return client


__all__ = ["Learner", "MakeLearner", "make_learner"]
