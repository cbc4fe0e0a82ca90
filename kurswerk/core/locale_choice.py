"""The language a person chose with the tool's language switch: where it is stored (a
``LocaleChoiceStore`` the LTI package registers) and the principal that speaks it."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from fastapi import FastAPI
from sqlmodel import Session

from kurswerk.core.auth import Principal


def with_locale(principal: Principal, locale: str) -> Principal:
    return replace(principal, locale=locale)


class LocaleChoiceStore(Protocol):
    """Stores the language a person chose with the tool's language switch as theirs (for
    later launches and for the emails to them), in the request's transaction; returns
    whether it found the principal's person to store it for.

    The shell knows no table of people: the LTI package, which owns them, registers its
    store (``register_locale_choice_store``). Until one is registered nothing is stored.
    """

    def __call__(self, session: Session, principal: Principal, locale: str, /) -> bool: ...


LOCALE_CHOICE_STORE_ATTR = "locale_choice_store"


def _store_nothing(session: Session, principal: Principal, locale: str, /) -> bool:
    return False


def register_locale_choice_store(app: FastAPI, store: LocaleChoiceStore) -> None:
    setattr(app.state, LOCALE_CHOICE_STORE_ATTR, store)


def locale_choice_store(app: FastAPI) -> LocaleChoiceStore:
    store: LocaleChoiceStore = getattr(app.state, LOCALE_CHOICE_STORE_ATTR, _store_nothing)
    return store
