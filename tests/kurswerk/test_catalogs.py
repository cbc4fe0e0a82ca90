# ruff: noqa: F811 - fixtures are imported by name and then requested as arguments
"""The gettext catalogs are complete and in step with the code: ``messages.pot`` is what
the code and templates hold today, every language translates every message (no fuzzy
entries, the same placeholders), and a language is added by adding a catalog (the
pseudo-locale, built from ``messages.pot`` here, is spoken without a code change)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from kurswerk.core import i18n
from tests.support import pseudo_locale
from tests.support.pseudo_locale import pseudo_catalogs  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]
LOCALE_DIR = i18n.LOCALE_DIR
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]")


def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _ids(catalog: Catalog) -> set[tuple[str | None, object]]:
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in catalog if m.id}


def _po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po"))


def _sources() -> list[str]:
    """The folders ``make messages-extract`` reads (``MESSAGE_SOURCES`` in the Makefile)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^MESSAGE_SOURCES\s*:=\s*(.+)$", makefile, re.MULTILINE)
    assert found, "the Makefile names MESSAGE_SOURCES"
    return found.group(1).split()


def test_the_committed_template_holds_exactly_the_messages_of_the_code(tmp_path, monkeypatch):
    fresh = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(fresh), "--omit-header"]
        + _sources()
    )
    committed, extracted = _ids(_read(LOCALE_DIR / "messages.pot")), _ids(_read(fresh))
    assert sorted(extracted - committed, key=str) == [], "run `make messages-update`"
    assert sorted(committed - extracted, key=str) == [], "run `make messages-update`"


@pytest.mark.parametrize("po", _po_files(), ids=lambda path: path.parts[-3])
def test_each_language_translates_every_message_and_only_those(po):
    template, catalog = _read(LOCALE_DIR / "messages.pot"), _read(po)
    assert _ids(catalog) == _ids(template), "run `make messages-update`"
    untranslated = [
        m.id for m in catalog if m.id and (not m.string or any(not form for form in _forms(m)))
    ]
    assert untranslated == []


@pytest.mark.parametrize("po", _po_files(), ids=lambda path: path.parts[-3])
def test_no_translation_is_fuzzy(po):
    assert [m.id for m in _read(po) if m.id and m.fuzzy] == []


def _forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


def _placeholders(texts: list[str]) -> set[str]:
    return {name for text in texts for name in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("po", _po_files(), ids=lambda path: path.parts[-3])
def test_a_translation_has_the_placeholders_of_its_message(po):
    mismatched = []
    for message in _read(po):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected, found = _placeholders(ids), _placeholders(_forms(message))
        if message.pluralizable:  # a singular may say "one" instead of %(num)s
            expected, found = expected - {"num"}, found - {"num"}
        if expected != found:
            mismatched.append((message.id, sorted(expected), sorted(found)))
    assert mismatched == []


def test_the_placeholder_check_can_fail():
    message = Message("Angemeldet als %(name)s", "Signed in as %(nme)s")
    assert _placeholders([message.id]) != _placeholders(_forms(message))


def test_a_language_is_added_by_adding_its_catalog(pseudo_catalogs):
    assert i18n.locales() == ("de", "en", pseudo_catalogs)
    assert i18n.supported_locale("qps-XA") == pseudo_catalogs
    assert i18n.preferred_locale("qps, de;q=0.5") == pseudo_catalogs


def test_a_missing_compiled_catalog_is_a_clear_error(tmp_path):
    po = tmp_path / "xx" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    i18n.use_locale_dir(tmp_path)
    try:
        with pytest.raises(i18n.CatalogNotCompiled, match="make messages-compile"):
            i18n.locales()
    finally:
        i18n.use_locale_dir(LOCALE_DIR)


def test_the_unwrapped_text_check_can_fail():
    page = '<html lang="qps"><p>⟦Àbɱéľðéñ⟧ Abmelden</p><option lang="de">Deutsch</option></html>'
    assert pseudo_locale.unwrapped_text(page) == ["⟦Àbɱéľðéñ⟧ Abmelden"]
