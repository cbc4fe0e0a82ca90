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
from tests.support.people import Learner, MakeLearner, make_learner

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
COURSE_DIR = CONTENT / "social-media-strategie"
SEEDS = Path(__file__).parent / "seeds"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The lesson cache is per process; tests must not see each other's lessons."""
    lesson_page.clear_cache()
    yield
    lesson_page.clear_cache()


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
