"""The industries an exercise is practised in, and their one name per language.

A course declares its industries in its ``course.yaml`` (slug and a name in each
language); ``kurswerk content load`` keeps them as ``CourseIndustry`` rows. Every place
that names an industry - the exercise page's picker, the tutor queue and its filter, the
review pages, the learner's receipt and submission pages, every mail, the deep-link
catalog - takes the name from the industries of the submission's course (through
:class:`Industries`), never from a list in the code. Submissions and variants store the
slug; an industry that left the files keeps its name (its row is archived, not deleted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from course.models import CourseBinding, CourseIndustry
from kurswerk.core.i18n import DEFAULT_LOCALE


def name_in(names: Mapping[str, str], slug: str, locale: str) -> str:
    """The name in ``locale`` from ``{locale: name}`` (German when the locale has none);
    the slug itself when the course names it nowhere, shown rather than hidden."""
    return names.get(locale) or names.get(DEFAULT_LOCALE) or slug


@dataclass(frozen=True)
class Industries:
    """One course's industries: ``active`` the slugs its files declare now, in their
    order (the choices of pickers and filters); ``names`` every industry it ever had,
    archived ones too (``{slug: {locale: name}}``)."""

    active: tuple[str, ...] = ()
    names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def every(self) -> tuple[str, ...]:
        """Every slug, the active ones first (what stored submissions may name)."""
        return self.active + tuple(slug for slug in self.names if slug not in self.active)

    def name(self, slug: str, locale: str) -> str:
        return name_in(self.names.get(slug, {}), slug, locale)

    def names_in(self, locale: str) -> dict[str, str]:
        """``{slug: name}`` in ``locale``, for a page's template."""
        return {slug: self.name(slug, locale) for slug in self.every}

    def names_of(self, slug: str) -> dict[str, str]:
        """``{locale: name}`` of one industry (a submission's), for values that outlive the
        request (a mail is written in its recipient's language)."""
        return dict(self.names.get(slug, {}))


_ORDER = (col(CourseIndustry.archived_at).is_not(None), col(CourseIndustry.position))


def _industries(rows: Sequence[CourseIndustry]) -> Industries:
    return Industries(
        active=tuple(row.slug for row in rows if row.archived_at is None),
        names={row.slug: dict(row.names) for row in rows},
    )


def course_industries(session: Session, course_id: int | None) -> Industries:
    query = select(CourseIndustry).where(CourseIndustry.course_id == course_id).order_by(*_ORDER)
    return _industries(session.exec(query).all())


def context_industries(session: Session, context_id: int) -> Industries:
    """The industries of the course an LMS course is bound to (none while it is unbound:
    nothing can have been submitted there yet). One query."""
    query = (
        select(CourseIndustry)
        .join(CourseBinding, col(CourseBinding.course_id) == col(CourseIndustry.course_id))
        .where(CourseBinding.context_id == context_id)
        .order_by(*_ORDER)
    )
    return _industries(session.exec(query).all())
