"""Fixtures for the course tests: the real content loaded, and learners with a session.

A learner is made of real rows (platform, LMS context, user, membership) and a signed
session token minted by the app's codec, exactly as a launch would leave them.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from course import content, service
from kurswerk.auth import SESSION_QUERY, Principal, Role, SessionCodec
from lti.models import LmsContext, Membership, Platform, PlatformUser

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
COURSE_DIR = CONTENT / "social-media-strategie"
SEEDS = Path(__file__).parent / "seeds"
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The lesson cache is per process; tests must not see each other's lessons."""
    service.clear_cache()
    yield
    service.clear_cache()


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


@dataclass
class Learner:
    principal: Principal
    token: str
    csrf: str

    @property
    def context_id(self) -> int:
        return self.principal.context_id

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{path}{sep}{SESSION_QUERY}={self.token}"


MakeLearner = Callable[..., Learner]


@pytest.fixture
def make_learner(db: Session, app: FastAPI) -> MakeLearner:
    codec: SessionCodec = app.state.session_codec

    def make(
        *,
        context: LmsContext | None = None,
        role: Role = Role.LEARNER,
        locale: str = "de",
    ) -> Learner:
        n = next(_counter)
        if context is None:
            platform = Platform(
                name=f"LMS {n}",
                issuer=f"https://lms{n}.example",
                client_id=f"client-{n}",
                auth_login_url=f"https://lms{n}.example/auth",
                auth_token_url=f"https://lms{n}.example/token",
                keyset_url=f"https://lms{n}.example/jwks",
            )
            db.add(platform)
            db.flush()
            assert platform.id is not None
            context = LmsContext(
                platform_id=platform.id, lms_context_id=f"course-{n}", title="Kurs"
            )
            db.add(context)
            db.flush()
        assert context.id is not None
        user = PlatformUser(platform_id=context.platform_id, sub=f"user-{n}", name=f"User {n}")
        db.add(user)
        db.flush()
        assert user.id is not None
        db.add(Membership(user_id=user.id, context_id=context.id, role=role.value))
        db.commit()
        principal = Principal(
            user_id=user.id,
            context_id=context.id,
            platform_id=context.platform_id,
            role=role,
            name=user.name or "",
            locale=locale,
            sid=SessionCodec.new_sid(),
        )
        return Learner(principal, codec.issue(principal), codec.csrf_token(principal))

    return make


@pytest.fixture
def learner(make_learner: MakeLearner, loaded: content.LoadReport) -> Learner:
    return make_learner()


@pytest.fixture
def browser(client: TestClient) -> TestClient:
    """The test client, not following redirects (so post-redirect-get is visible)."""
    client.follow_redirects = False
    return client
