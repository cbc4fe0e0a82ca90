"""The industries an exercise is practised in, and their one name per language.

Every place that names an industry - the exercise page's picker, the tutor queue and its
filter, the review pages, the learner's receipt and submission pages, every mail, the
deep-link catalog - takes the name from here (pages through the ``industry.<value>``
message keys built from :data:`INDUSTRY_NAMES`, mails and the catalog through
:func:`industry_name`, because the worker registers no page catalogs). The course files
choose which industries an exercise has, never what they are called.
"""

from __future__ import annotations

from course.models import Industry
from kurswerk.core.i18n import DEFAULT_LOCALE

INDUSTRIES: tuple[str, ...] = tuple(industry.value for industry in Industry)

INDUSTRY_NAMES: dict[str, dict[str, str]] = {
    "de": {
        Industry.MEDIA: "Medien",
        Industry.FMCG: "FMCG (Markenunternehmen)",
        Industry.RETAIL: "Handel (Filialisten)",
        Industry.B2B: "B2B",
    },
    "en": {
        Industry.MEDIA: "Media",
        Industry.FMCG: "FMCG (brand manufacturers)",
        Industry.RETAIL: "Retail (chain stores)",
        Industry.B2B: "B2B",
    },
}


def industry_name(industry: str, locale: str) -> str:
    """The name of ``industry`` in ``locale`` (German when the locale is not ours); an
    unknown value is shown as it is rather than hidden."""
    names = INDUSTRY_NAMES.get(locale, INDUSTRY_NAMES[DEFAULT_LOCALE])
    return names.get(industry, industry)


def industry_messages() -> dict[str, dict[str, str]]:
    """The names as page message keys (``industry.media``), for ``course.messages``."""
    return {
        locale: {f"industry.{industry}": name for industry, name in names.items()}
        for locale, names in INDUSTRY_NAMES.items()
    }
