"""Languages: gettext catalogs managed with Babel, German as the source language.

A message id is the German text itself (``gettext(locale, "Abmelden")``); each other
language translates it in ``kurswerk/locale/<language>/LC_MESSAGES/messages.po``, which
``make messages-compile`` (run by ``make demo`` and ``make test``) turns into the ``.mo``
file read here. The languages Kurswerk speaks are German plus every compiled catalog found
in the locale folder: adding a language is adding a catalog, no code changes.

Placeholders are Python's ``%(name)s`` (Jinja's ``{% trans %}`` writes them too); plurals go
through ``ngettext`` with each language's plural rule; where one German text needs two
different translations, ``pgettext`` gives it a short context. ``N_`` marks a text stored
now (in data, in an exception) and translated where it is shown.

In templates, ``_()``, ``gettext()``, ``ngettext()``, ``pgettext()`` and ``{% trans %}`` /
``{% pluralize %}`` translate into the page's language (``template_functions``; they
autoescape like Jinja's newstyle gettext).
"""

from __future__ import annotations

import enum
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self, overload

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

log = logging.getLogger("kurswerk.core.i18n")

DEFAULT_LOCALE = "de"
"""The source language: its texts are the message ids, it needs no catalog."""
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

_locale_dir = LOCALE_DIR


class CatalogNotCompiled(RuntimeError):
    """A language's ``.po`` file has no compiled ``.mo`` next to it."""


def use_locale_dir(folder: Path) -> None:
    """Read the catalogs from ``folder`` from now on (tests: a pseudo-locale)."""
    global _locale_dir
    _locale_dir = folder
    _catalogs.cache_clear()
    _message_ids.cache_clear()


@functools.cache
def _catalogs() -> dict[str, NullTranslations]:
    """German (the message ids themselves) and every compiled catalog, by language."""
    found: dict[str, NullTranslations] = {DEFAULT_LOCALE: NullTranslations()}
    for folder in sorted(_locale_dir.glob("*/LC_MESSAGES")):
        language = folder.parent.name
        po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
        if not mo.is_file():
            if po.is_file():
                raise CatalogNotCompiled(
                    f"{po} is not compiled ({mo.name} is missing): run `make messages-compile`"
                )
            continue
        if po.is_file() and po.stat().st_mtime > mo.stat().st_mtime:
            log.warning("%s is older than %s: run `make messages-compile`", mo, po)
        with mo.open("rb") as data:
            found[language] = Translations(data, domain=DOMAIN)
    return found


def load_catalogs() -> tuple[str, ...]:
    """Read every catalog now (the app and the worker start with it, so a missing ``.mo``
    stops them with a clear message); the languages found, German first."""
    return locales()


def locales() -> tuple[str, ...]:
    """The languages Kurswerk speaks, German first."""
    return tuple(_catalogs())


@functools.cache
def _message_ids() -> frozenset[str]:
    """Every message id the compiled catalogs translate (plain ``gettext`` ones)."""
    found: set[str] = set()
    for catalog in _catalogs().values():
        found.update(key for key in getattr(catalog, "_catalog", {}) if isinstance(key, str))
    return frozenset(found)


def is_message_id(text: str) -> bool:
    """Whether ``text`` is a message of the catalogs (not a value from elsewhere)."""
    return text in _message_ids()


def language_name(locale: str) -> str:
    """``Deutsch``, ``English``: a language's name in itself (its code when Babel has no
    data for it, as for a test's pseudo-locale)."""
    try:
        name = Locale.parse(locale).get_display_name(locale)
    except (ValueError, UnknownLocaleError):
        return locale
    return name[:1].upper() + name[1:] if name else locale


def _translations(locale: str) -> NullTranslations:
    catalogs = _catalogs()
    return catalogs.get(locale) or catalogs[DEFAULT_LOCALE]


def N_(msgid: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks ``msgid`` for the catalog; it is translated where it is shown."""
    return msgid


class LabelledChoice(enum.StrEnum):
    """A choice whose members carry their text for people beside their stored value.

    ``VIDEO = "video", N_("Videogespräch")`` gives a member whose value is ``"video"`` and
    whose ``label`` is that message id; an optional third item is its ``hint`` (what the
    choice means; ``""`` where none is given). Both are translated where they are shown.
    The texts stand next to the member they name, instead of in a table beside the enum.
    """

    _value_: str
    label: str
    hint: str

    @overload
    def __new__(cls, value: str) -> Self: ...  # the lookup: ``Role("tutor")``

    @overload
    def __new__(cls, value: str, label: str, hint: str = "") -> Self: ...

    def __new__(cls, value: str, label: str = "", hint: str = "") -> Self:
        # Runs once per member as the class is made (a lookup never gets here).
        if not label:
            raise TypeError(f"{cls.__name__} member {value!r} needs a label")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.hint = hint
        return member


def gettext(locale: str, msgid: str, /, **params: Any) -> str:
    """``msgid`` in ``locale``, its ``%(name)s`` placeholders filled from ``params``."""
    text = _translations(locale).gettext(msgid)
    return text % params if params else text


def ngettext(locale: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The form for ``n`` under ``locale``'s plural rule; ``%(num)s`` is ``n``."""
    return _translations(locale).ngettext(singular, plural, n) % {"num": n, **params}


def pgettext(locale: str, context: str, msgid: str, /, **params: Any) -> str:
    """``msgid`` in ``locale`` where one German text has two translations (``context``)."""
    text = str(_translations(locale).pgettext(context, msgid))
    return text % params if params else text


def supported_locale(value: str | None) -> str | None:
    """Ours for an LTI ``launch_presentation.locale`` (``de-DE``, ``en_US``...), or
    ``None`` when it names no language Kurswerk speaks."""
    if not value:
        return None
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in locales() else None


def preferred_locale(accept_language: str | None) -> str | None:
    """The language Kurswerk speaks that a browser's ``Accept-Language`` header prefers
    most (``en-GB,en;q=0.9,de;q=0.8`` → ``en``); ``None`` when it names none of ours."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                quality = 0.0
        locale = supported_locale(tag.strip())
        if locale is not None and quality > 0:
            ranked.append((-quality, position, locale))
    return min(ranked)[2] if ranked else None


def normalise_locale(value: str | None) -> str:
    """Map an LTI ``launch_presentation.locale`` to ours; German when it names none."""
    return supported_locale(value) or DEFAULT_LOCALE


# --- Templates ---------------------------------------------------------------------------


def template_functions(locale: str) -> dict[str, Callable[..., str]]:
    """``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` for one render in
    ``locale``: passed in the render context (the shared environment serves concurrent
    requests in different languages). Like Jinja's newstyle gettext, the translation is
    safe markup where the template autoescapes, and the values are escaped into it."""
    catalog = _translations(locale)

    def _filled(context: Context, text: str, params: dict[str, Any], trusted: bool = True) -> str:
        # A translation is markup as trusted as the template; a text from outside the
        # catalog (an error's technical detail) is not, and is escaped like any value.
        trusted = trusted and bool(context.eval_ctx.autoescape)
        marked = Markup(text) if trusted else text  # noqa: S704 - a catalog's text
        try:
            return marked % params
        except (ValueError, TypeError):
            if params:
                raise
            return marked  # a text from outside the catalog (a technical detail) with a "%"

    @pass_context
    def gettext_(context: Context, msgid: str, /, **params: Any) -> str:
        return _filled(context, catalog.gettext(msgid), params, trusted=is_message_id(msgid))

    @pass_context
    def ngettext_(context: Context, singular: str, plural: str, n: int, /, **params: Any) -> str:
        return _filled(context, catalog.ngettext(singular, plural, n), {"num": n, **params})

    @pass_context
    def pgettext_(context: Context, ctx: str, msgid: str, /, **params: Any) -> str:
        return _filled(context, str(catalog.pgettext(ctx, msgid)), params)

    @pass_context
    def npgettext_(
        context: Context, ctx: str, singular: str, plural: str, n: int, /, **params: Any
    ) -> str:
        text = str(catalog.npgettext(ctx, singular, plural, n))
        return _filled(context, text, {"num": n, **params})

    return {
        "_": gettext_,
        "gettext": gettext_,
        "ngettext": ngettext_,
        "pgettext": pgettext_,
        "npgettext": npgettext_,
    }
