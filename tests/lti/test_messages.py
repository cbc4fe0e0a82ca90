"""Every launch error has a text and a help text, translated, whose placeholders are the
error's parameters."""

from __future__ import annotations

import re

import pytest

from kurswerk.core import i18n
from lti.errors import LaunchError, all_error_classes


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", text))


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.__name__)
def test_error_has_both_languages_and_known_placeholders(cls: type[LaunchError]):
    for text in (cls.text, cls.help_text):
        assert text
        assert i18n.gettext("en", text) != text, f"no English for {text!r}"
        assert _placeholders(text) <= set(cls.params_required), (cls.__name__, text)


def test_each_error_has_its_own_text():
    classes = all_error_classes()
    assert len({cls.text for cls in classes}) == len(classes)


def test_raising_without_a_required_parameter_is_a_programming_error():
    from lti.errors import UnknownIssuer

    with pytest.raises(TypeError):
        UnknownIssuer("no issuer given")


def test_long_parameters_are_shortened_for_the_page():
    from lti.errors import UnknownIssuer

    error = UnknownIssuer("x", issuer="https://" + "a" * 1000)
    assert len(str(error.params["issuer"])) <= 200
