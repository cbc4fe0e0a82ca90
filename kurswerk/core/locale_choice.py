"""The language a person chose with the tool's language switch: where it is stored (the
slot ``LOCALE_CHOICE_STORE``, filled with the LTI package's store) and the principal that
speaks it."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from sqlmodel import Session

from kurswerk.core.auth import Principal
from kurswerk.core.extensions import Slot, extensions


def with_locale(principal: Principal, locale: str) -> Principal:
    return replace(principal, locale=locale)


class LocaleChoiceStore(Protocol):
    """Stores the language a person chose with the tool's language switch as theirs (for
    later launches and for the emails to them), in the request's transaction; returns
    whether it found the principal's person to store it for.

    The shell knows no table of people: the LTI package owns them; the composition root
    fills :data:`LOCALE_CHOICE_STORE` with its store.
    """

    def __call__(self, session: Session, principal: Principal, locale: str, /) -> bool: ...


LOCALE_CHOICE_STORE: Slot[LocaleChoiceStore] = Slot("locale choice store")


def locale_choice_store() -> LocaleChoiceStore:
    return extensions.get(LOCALE_CHOICE_STORE)
