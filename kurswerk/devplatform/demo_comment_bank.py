"""The demo's comment bank: a handful of snippets the tutors of the demo course share,
for the course's two exercises (``content/social-media-strategie/exercises/``), so the
review page's keyboard insertion and the page "Textbausteine" show something at once.

Written through the comment bank's rules (``feedback.comment_bank.snippets``), so they
pass a tutor's checks, once: only while the demo course's bank is empty. A restart adds
nothing, and a snippet a tutor changed or deleted stays so (unless the bank was emptied
altogether). The demo course's LMS course exists by then (the demo's coaching grant
creates it); a simulator configured without it gets no snippets.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from course import service as course_service
from course.models import Exercise
from feedback.comment_bank.models import CommentSnippet
from feedback.comment_bank.scope import BankScope
from feedback.comment_bank.snippets import SnippetInput, create_snippet
from feedback.queue_sql import course_outline
from kurswerk.devplatform.demo_seed import DemoCourse
from lti.models import LmsContext, Platform


@dataclass(frozen=True)
class DemoSnippet:
    title: str
    body: str
    exercise: str = ""  # an exercise's slug; "": every exercise
    industry: str = ""  # an industry's slug; "": every industry


DEMO_SNIPPETS = (
    DemoSnippet(
        "Quellen angeben",
        "Bitte nennen Sie bei Zahlen, Zitaten und Beispielen die Quelle, am besten mit "
        "Datum. So kann man Ihre Einschätzung nachprüfen.",
    ),
    DemoSnippet(
        "Verdrängung nicht übersehen",
        "Sie zeigen gut, wo Social Media eine Leistung **unterstützt** oder **ergänzt**. "
        "Prüfen Sie zusätzlich, welche Leistung durch Social Media **obsolet** werden "
        "könnte: Wo wandert die Kommunikation ab, und was heißt das für die Leistung?",
        exercise="leistungen-pruefen",
    ),
    DemoSnippet(
        "Leistungen als Tabelle",
        "Eine Tabelle macht Ihre Prüfung übersichtlicher:\n\n"
        "| Leistung | unterstützt | profitiert | ergänzt | obsolet |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| … | | | | |",
        exercise="leistungen-pruefen",
    ),
    DemoSnippet(
        "Art der Kundenbeziehung benennen",
        "Ordnen Sie die Kundenbeziehung ausdrücklich einer Art nach Osterwalder & Pigneur "
        "zu (z. B. persönliche Unterstützung, Selbstbedienung, Community) und begründen "
        "Sie die Zuordnung in ein, zwei Sätzen.",
        exercise="art-der-kundenbeziehung",
    ),
    DemoSnippet(
        "Potenzial konkret machen",
        "Das Leistungspotenzial bleibt noch allgemein. Beschreiben Sie an einem Beispiel, "
        "wie die bestehende Kundenbeziehung durch Social Media **unterstützt** wird und "
        "wie sie sich **verändern** lässt.",
        exercise="art-der-kundenbeziehung",
    ),
    DemoSnippet(
        "Medien: Bindung vor Reichweite",
        "Bei Medienhäusern wie der ZEIT zählt für die Kundenbeziehung die Bindung der "
        "Leserinnen und Leser mehr als die reine Reichweite: Welche Leistung (Newsletter, "
        "Kommentarbereich, Abo-Service) stärkt sie?",
        industry="media",
    ),
    DemoSnippet(
        "B2B: Entscheidungswege",
        "Im B2B-Geschäft (etwa bei Würth oder Liebherr) entscheiden mehrere Personen. "
        "Zeigen Sie, welche von ihnen Social Media erreicht und in welcher Phase.",
        industry="b2b",
    ),
)


def seed_demo_comment_bank(session: Session, course: DemoCourse) -> int:
    """Fill the demo course's empty bank with :data:`DEMO_SNIPPETS`; flushes, never
    commits. Returns how many snippets it wrote (0 when the bank had any)."""
    context = session.exec(
        select(LmsContext)
        .join(Platform, col(Platform.id) == col(LmsContext.platform_id))
        .where(
            Platform.issuer == course.issuer,
            Platform.client_id == course.client_id,
            LmsContext.lms_context_id == course.lms_context_id,
        )
    ).first()
    if context is None or context.id is None:
        return 0
    bound = course_service.course_for_context(session, context.id)
    assert bound.id is not None
    scope = BankScope(context.id, bound.id, bound.language, course_outline(session, context.id))
    count = session.exec(
        select(func.count()).where(
            CommentSnippet.context_id == scope.context_id,
            CommentSnippet.course_id == scope.course_id,
        )
    ).one()
    if count:
        return 0
    ids = scope.outline.exercise_ids
    rows = session.exec(select(Exercise.slug, Exercise.id).where(col(Exercise.id).in_(ids)))
    exercises = {slug: exercise_id for slug, exercise_id in rows.all()}
    written = 0
    for snippet in DEMO_SNIPPETS:
        exercise_id = exercises.get(snippet.exercise) if snippet.exercise else None
        if (snippet.exercise and exercise_id is None) or (
            snippet.industry and not scope.has_industry(snippet.industry)
        ):
            continue  # the course's files no longer have it
        data = SnippetInput(snippet.title, snippet.body, str(exercise_id or ""), snippet.industry)
        create_snippet(session, scope, data, author_id=None)
        written += 1
    session.flush()
    return written
