"""feedback.messages: German and English for every text the feedback pages and errors use."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from feedback.messages import MESSAGES
from feedback.queue import StatusFilter
from feedback.routes.tutor import DONE
from uploads.models import SubmissionStatus

FEEDBACK = Path(__file__).resolve().parents[2] / "feedback"
STATIC_KEY = re.compile(r"""["'](feedback(?:\.[a-z_]+)+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def used_keys() -> set[str]:
    keys: set[str] = set()
    for file in [*FEEDBACK.rglob("*.py"), *FEEDBACK.glob("templates/feedback/*.html")]:
        if file.name == "messages.py":
            continue
        keys |= set(STATIC_KEY.findall(file.read_text(encoding="utf-8")))
    # Keys the templates build from values.
    keys |= {f"feedback.done.{key}" for key in DONE}
    keys |= {f"feedback.status.{s.value}" for s in SubmissionStatus}
    keys |= {f"feedback.learner_status.{s.value}" for s in SubmissionStatus}
    keys |= {f"feedback.queue.status.{s.value}" for s in StatusFilter}
    return keys


def test_german_and_english_have_the_same_keys():
    assert set(MESSAGES["de"]) == set(MESSAGES["en"])


@pytest.mark.parametrize("key", sorted(MESSAGES["de"]))
def test_each_text_exists_in_both_languages_with_the_same_placeholders(key):
    german, english = MESSAGES["de"][key], MESSAGES["en"][key]
    assert german.strip() and english.strip()
    assert placeholders(german) == placeholders(english)


def test_every_key_the_code_uses_has_a_text():
    missing = sorted(used_keys() - set(MESSAGES["de"]))
    assert missing == []


def test_no_text_is_left_unused():
    unused = sorted(set(MESSAGES["de"]) - used_keys())
    assert unused == []
