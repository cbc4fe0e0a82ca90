"""Settings: defaults, environment, and production's refusal of unsafe configuration."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kurswerk.core.settings import DEFAULT_SECRET, Settings


def test_defaults_are_the_embedded_dev_setup(monkeypatch):
    for name in (
        "KURSWERK_DATABASE_URL",
        "KURSWERK_ENV",
        "KURSWERK_MAX_UPLOAD_MB",
        "KURSWERK_FEEDBACK_TARGET_DAYS",
        "KURSWERK_DIGEST_HOUR",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.env == "dev"
    assert settings.database_url == "sqlite:///./var/kurswerk.db"
    assert settings.max_upload_mb == 20
    assert settings.max_upload_bytes == 20 * 1024 * 1024
    assert settings.feedback_target_days == 5
    assert settings.digest_hour == 18


@pytest.mark.parametrize(
    ("name", "value"), [("feedback_target_days", 0), ("digest_hour", 24), ("digest_hour", -1)]
)
def test_coaching_settings_out_of_range_are_refused(name, value):
    with pytest.raises(ValidationError):
        Settings(**{name: value})


def test_environment_prefix_is_read(monkeypatch):
    monkeypatch.setenv("KURSWERK_BASE_URL", "https://tool.example.org/")
    monkeypatch.setenv("KURSWERK_MAX_UPLOAD_MB", "5")
    settings = Settings()
    assert settings.base_url == "https://tool.example.org"
    assert settings.base_origin == "https://tool.example.org"
    assert settings.max_upload_mb == 5


def test_relative_base_url_is_refused():
    with pytest.raises(ValidationError):
        Settings(base_url="tool.example.org")


def test_production_refuses_the_default_secret():
    settings = Settings(env="production", base_url="https://tool.example.org")
    assert settings.secret_key.get_secret_value() == DEFAULT_SECRET
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        settings.check_safe_for_production()


def test_production_refuses_plain_http():
    settings = Settings(env="production", base_url="http://tool.example.org", secret_key="x" * 40)
    with pytest.raises(RuntimeError, match="https"):
        settings.check_safe_for_production()


def test_production_with_a_real_secret_starts():
    Settings(
        env="production", base_url="https://tool.example.org", secret_key="x" * 40
    ).check_safe_for_production()


def test_the_default_locale_is_a_language_kurswerk_speaks():
    assert Settings(default_locale="en-GB").default_locale == "en"
    with pytest.raises(ValidationError, match="KURSWERK_DEFAULT_LOCALE"):
        Settings(default_locale="fr")
