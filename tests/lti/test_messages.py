"""Every launch error has German and English texts, and their placeholders are filled."""

from __future__ import annotations

import string

import pytest

from lti.errors import LaunchError, all_error_classes
from lti.messages import MESSAGES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.__name__)
def test_error_has_both_languages_and_known_placeholders(cls: type[LaunchError]):
    for locale in ("de", "en"):
        for key in (f"lti.error.{cls.name}", f"lti.error.{cls.name}.help"):
            text = MESSAGES[locale].get(key)
            assert text, f"{locale}: {key} missing"
            assert _placeholders(text) <= set(cls.params_required), (locale, key)


def test_raising_without_a_required_parameter_is_a_programming_error():
    from lti.errors import UnknownIssuer

    with pytest.raises(TypeError):
        UnknownIssuer("no issuer given")


def test_long_parameters_are_shortened_for_the_page():
    from lti.errors import UnknownIssuer

    error = UnknownIssuer("x", issuer="https://" + "a" * 1000)
    assert len(str(error.params["issuer"])) <= 200


def test_english_and_german_catalogs_have_the_same_keys():
    assert MESSAGES["de"].keys() == MESSAGES["en"].keys()
