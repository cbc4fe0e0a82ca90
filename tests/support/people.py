"""People with a session, for tests: real rows (platform, LMS course, user, membership)
and a signed session token minted by the app's codec, exactly as a launch leaves them.

``make_learner(role=Role.TUTOR, context=someone.context)`` makes anyone; request as them
with ``person.url(path)`` (the page token rides in the URL) and use ``person.csrf`` in
forms. Import the fixture into a conftest to use it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from kurswerk.core.auth import SESSION_QUERY, Principal, Role, SessionCodec
from lti.models import LmsContext, Membership, Platform, PlatformUser

_counter = itertools.count(1)


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
        name: str | None = None,
        email: str | None = None,
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
        user = PlatformUser(
            platform_id=context.platform_id,
            sub=f"user-{n}",
            name=name or f"User {n}",
            email=email,
            locale=locale,  # the launch stores the LMS's locale claim on the user, too
        )
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
