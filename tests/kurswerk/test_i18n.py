"""gettext in Python and in templates: German message ids, a language's plural rule,
contexts, placeholders, and escaping like Jinja's newstyle gettext."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kurswerk.core import i18n
from kurswerk.core.templating import environment


@pytest.fixture
def english(tmp_path: Path) -> Iterator[str]:
    """An English catalog of a few messages, for one test."""
    catalog = Catalog(locale="en")
    catalog.add("Abmelden", "Sign out")
    catalog.add("Angemeldet als %(name)s", "Signed in as %(name)s")
    catalog.add(("Eine Datei", "%(num)s Dateien"), ("One file", "%(num)s files"))
    catalog.add(("Ein Link", "%(count)s Links"), ("One link", "%(count)s links"))
    catalog.add("Stand", "Progress", context="gradebook")
    catalog.add("Stand", "Status", context="delivery")
    target = tmp_path / "en" / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True)
    with target.open("wb") as out:
        write_mo(out, catalog)
    i18n.use_locale_dir(tmp_path)
    try:
        yield "en"
    finally:
        i18n.use_locale_dir(i18n.LOCALE_DIR)


def test_python_calls_translate_by_german_text(english):
    assert i18n.gettext(english, "Abmelden") == "Sign out"
    assert i18n.gettext("de", "Abmelden") == "Abmelden"
    assert i18n.gettext(english, "Angemeldet als %(name)s", name="Mia") == "Signed in as Mia"
    assert i18n.gettext(english, "Nicht im Katalog") == "Nicht im Katalog"
    assert i18n.gettext("fr", "Abmelden") == "Abmelden"  # a language we lack: German


def test_plurals_follow_the_language_and_fill_num(english):
    assert i18n.ngettext(english, "Eine Datei", "%(num)s Dateien", 1) == "One file"
    assert i18n.ngettext(english, "Eine Datei", "%(num)s Dateien", 3) == "3 files"
    assert i18n.ngettext("de", "Eine Datei", "%(num)s Dateien", 0) == "0 Dateien"


def test_one_german_text_has_a_translation_per_context(english):
    assert i18n.pgettext(english, "gradebook", "Stand") == "Progress"
    assert i18n.pgettext(english, "delivery", "Stand") == "Status"


def _render(source: str, locale: str, **values: object) -> str:
    return environment.from_string(source).render(**i18n.template_functions(locale), **values)


def test_templates_translate_with_underscore_and_trans_blocks(english):
    assert _render('{{ _("Abmelden") }}', english) == "Sign out"
    source = "{% trans count=n %}Ein Link{% pluralize %}{{ count }} Links{% endtrans %}"
    assert _render(source, english, n=1) == "One link"
    assert _render(source, english, n=4) == "4 links"
    assert _render(source, "de", n=4) == "4 Links"
    assert _render('{{ ngettext("Eine Datei", "%(num)s Dateien", 2) }}', english) == "2 files"
    assert _render('{{ pgettext("delivery", "Stand") }}', english) == "Status"


def test_template_values_are_escaped_into_the_translation(english):
    html = environment.from_string('{{ _("Angemeldet als %(name)s", name=who) }}')
    assert html.render(**i18n.template_functions(english), who="<b>") == ("Signed in as &lt;b&gt;")
    trans = "{% trans name=who %}Angemeldet als {{ name }}{% endtrans %}"
    assert _render(trans, "de", who="<b>") == "Angemeldet als &lt;b&gt;"


def test_a_text_from_outside_the_catalog_is_escaped_and_may_hold_a_percent(english):
    page = environment.from_string("{{ _(detail) }}")
    functions = i18n.template_functions(english)
    assert page.render(**functions, detail="<b>50% off</b>") == "&lt;b&gt;50% off&lt;/b&gt;"
