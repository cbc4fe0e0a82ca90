"""``kurswerk demo`` fills the demo course's comment bank once: its snippets pass the
bank's rules, name the course's exercises and industries, and a restart neither adds
them again nor brings back one a tutor deleted."""

from __future__ import annotations

from sqlmodel import delete, select

from course.models import Exercise
from feedback.comment_bank.models import CommentSnippet
from kurswerk.core.db import new_session
from kurswerk.devplatform import demo
from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.demo_comment_bank import DEMO_SNIPPETS
from lti.models import LmsContext


def test_the_demo_bank_is_filled_once(settings, engine):
    simulator = SimulatorConfig.local(simulator_port=8001, tool_port=8000)
    demo.prepare(settings, simulator, demo.content_dir())

    with new_session(engine) as session:
        context = session.exec(
            select(LmsContext).where(LmsContext.lms_context_id == simulator.course.context_id)
        ).one()
        rows = session.exec(select(CommentSnippet)).all()
        assert sorted(r.title for r in rows) == sorted(s.title for s in DEMO_SNIPPETS)
        assert {r.context_id for r in rows} == {context.id}
        slugs = dict(session.exec(select(Exercise.id, Exercise.slug)).all())
        assert {slugs.get(r.exercise_id, "") for r in rows} == {
            "", "leistungen-pruefen", "art-der-kundenbeziehung",
        }  # fmt: skip
        assert {r.industry for r in rows} == {"", "media", "b2b"}
        assert all(r.search_text == f"{r.title}\n{r.body_markdown}".casefold() for r in rows)
        session.exec(delete(CommentSnippet).where(CommentSnippet.title == "Quellen angeben"))  # type: ignore[call-overload]
        session.commit()

    demo.prepare(settings, simulator, demo.content_dir())  # a restart

    with new_session(engine) as session:
        titles = session.exec(select(CommentSnippet.title)).all()
        assert len(titles) == len(DEMO_SNIPPETS) - 1 and "Quellen angeben" not in titles
