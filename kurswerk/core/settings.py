"""Settings from the environment (prefix ``KURSWERK_``); see the README for each one."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kurswerk.core import i18n

DEFAULT_SECRET = "dev-insecure-secret-change-me"  # noqa: S105 - the marker production refuses

FORM_BYTES_PER_CHAR = 12
"""The most one character of a text field takes in an urlencoded form body: four UTF-8
bytes, each percent-encoded as ``%XX``."""
FORM_ROOM_BYTES = 16 * 1024
"""The other fields of a form beside its one long text (title, tokens, buttons)."""


def form_bytes_for(chars: int) -> int:
    """The largest urlencoded body of a form that carries a text of ``chars`` characters."""
    return chars * FORM_BYTES_PER_CHAR + FORM_ROOM_BYTES


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KURSWERK_", extra="ignore")

    env: Literal["dev", "test", "production"] = "dev"
    database_url: str = "sqlite:///./var/kurswerk.db"
    base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "Kurswerk <kurswerk@localhost>"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    # Outbox delivery (kurswerk.core.outbox.delivery): a failed attempt waits base * 2**(n-1)
    # seconds,
    # capped, with jitter; after max attempts the row is marked failed. The lease is how
    # long a claimed row belongs to one worker before another may take it over (a worker
    # killed mid-delivery); it must outlast one SMTP conversation.
    outbox_max_attempts: int = Field(default=20, ge=1, le=100)
    outbox_backoff_seconds: float = Field(default=30.0, gt=0)
    outbox_backoff_cap_seconds: float = Field(default=3600.0, gt=0)
    outbox_lease_seconds: float = Field(default=300.0, ge=10)
    storage_url: str = "file://./var/storage"
    max_upload_mb: int = Field(default=20, ge=1)
    # The largest body any other request may send (kurswerk.core.body_limit): forms are read
    # whole before a route checks their texts. The floor holds the longest forms at their
    # worst (form_bytes_for): a feedback text (feedback.drafts, 30,000 characters: 368 KB)
    # and the LTI launch (lti.formbody, 36 KB); a forum post of forum_max_post_chars must
    # fit too (see _forum_post_fits_a_form).
    max_form_kb: int = Field(default=1024, ge=512, le=64 * 1024)
    clamav_url: str | None = None  # tcp://host:port or unix:///path; unset: no virus scan
    # The time zone in which people read dates and times, and in which days (working days,
    # the digest hour) are counted (kurswerk.core.clock).
    course_timezone: str = "Europe/Berlin"
    # Public holidays of the course's region (kurswerk.core.clock.is_public_holiday, with the
    # `holidays` library): an ISO country code and, optionally, its subdivision ("BY", "NW").
    holidays_country: str = "DE"
    holidays_subdivision: str | None = None
    # Coaching: the promised time to written feedback, in working days (Mon-Fri), shown to
    # learners on upload and used by the tutor queue to mark overdue submissions; the local
    # hour (course time zone) after which tutors who chose a daily digest get it; how long a
    # tutor's claim on a submission holds before another may take it over.
    feedback_target_days: int = Field(default=5, ge=1, le=60)
    digest_hour: int = Field(default=18, ge=0, le=23)
    review_claim_minutes: int = Field(default=120, ge=5, le=24 * 60)
    # The dialogue after feedback (feedback.dialogue): for how many days after its release
    # a learner may ask their one follow-up question about a feedback, and within how many
    # working days its answer is promised.
    followup_days: int = Field(default=14, ge=1, le=365)
    followup_answer_days: int = Field(default=2, ge=1, le=60)
    session_ttl_minutes: int = Field(default=480, ge=5)
    page_token_ttl_minutes: int = Field(default=120, ge=5)
    # How long a link in an email opens its one page for its reader (kurswerk.core.email_links).
    email_link_days: int = Field(default=14, ge=1, le=365)
    launch_leeway_seconds: int = Field(default=10, ge=0, le=300)
    nonce_ttl_seconds: int = Field(default=600, ge=60)
    http_timeout_seconds: float = Field(default=5.0, gt=0)
    jwks_cache_seconds: int = Field(default=3600, ge=0)
    # LTI Advantage (lti/): after `kurswerk keys rotate` the old tool key stays published
    # this long (platforms that cached our key set keep verifying); an optional secret that
    # `/lti/register` requires as `?key=` (unset: open, except in production).
    tool_key_overlap_hours: float = Field(default=72.0, ge=0)
    registration_key: SecretStr | None = None
    default_locale: str = "de"  # German or a language with a catalog (kurswerk/locale/)
    # Forum, FAQ and "ask the lecturer" (course.forum): how long a learner may edit
    # their own post, how many posts (and questions) one person may write per minute,
    # the longest post in characters, and when an unanswered question alerts the tutors.
    forum_edit_window_minutes: int = Field(default=30, ge=0, le=7 * 24 * 60)
    forum_posts_per_minute: int = Field(default=5, ge=1, le=1000)
    forum_max_post_chars: int = Field(default=20_000, ge=100, le=200_000)
    forum_unanswered_after_hours: int = Field(default=24, ge=1, le=24 * 30)
    # Office hours (coaching.office_hours): how long before its start a slot can still be
    # booked; until how long before its start a learner may cancel and get the hour back;
    # how far ahead a weekly series is laid out into bookable slots; how long before its
    # start the reminder goes out.
    office_hours_min_notice_hours: int = Field(default=24, ge=0, le=24 * 14)
    office_hours_free_cancel_hours: int = Field(default=24, ge=0, le=24 * 14)
    office_hours_horizon_weeks: int = Field(default=12, ge=1, le=52)
    office_hours_reminder_hours: int = Field(default=24, ge=1, le=24 * 7)
    # Feedback promises (feedback.promises): how many hours before a promised feedback date
    # ends, with nothing released, the course's tutors and admins are warned.
    promise_warning_hours: int = Field(default=24, ge=1, le=24 * 14)
    log_level: str = "INFO"

    @field_validator("base_url")
    @classmethod
    def _base_url_is_absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("KURSWERK_BASE_URL must be an absolute http(s) URL")
        return value.rstrip("/")

    @field_validator("default_locale")
    @classmethod
    def _default_locale_is_spoken(cls, value: str) -> str:
        locale = i18n.supported_locale(value)
        if locale is None:
            spoken = ", ".join(i18n.locales())
            raise ValueError(f"KURSWERK_DEFAULT_LOCALE must be one of {spoken}, not {value!r}")
        return locale

    @field_validator("course_timezone")
    @classmethod
    def _course_timezone_is_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"KURSWERK_COURSE_TIMEZONE must name an IANA time zone, not {value!r}"
            ) from exc
        return value

    @model_validator(mode="after")
    def _holiday_region_is_known(self) -> Settings:
        try:
            holidays.country_holidays(self.holidays_country, subdiv=self.holidays_subdivision)
        except NotImplementedError as exc:  # the library's answer to an unknown country/region
            raise ValueError(
                "KURSWERK_HOLIDAYS_COUNTRY / KURSWERK_HOLIDAYS_SUBDIVISION name no region the "
                f"holidays calendar knows: {exc}"
            ) from exc
        return self

    @model_validator(mode="after")
    def _lease_outlasts_one_delivery(self) -> Settings:
        if self.outbox_lease_seconds < 2 * self.smtp_timeout_seconds:
            raise ValueError(
                "KURSWERK_OUTBOX_LEASE_SECONDS must be at least twice "
                "KURSWERK_SMTP_TIMEOUT_SECONDS, or a slow delivery could be taken over"
            )
        return self

    @model_validator(mode="after")
    def _forum_post_fits_a_form(self) -> Settings:
        """A forum post (or FAQ answer, or question) of the longest length allowed must
        get through the form cap, or a post just over it would lose the form's "too long,
        please shorten" answer. Left at its default, the cap grows to fit; set too small,
        it is refused."""
        needed = form_bytes_for(self.forum_max_post_chars)
        if needed <= self.max_form_bytes:
            return self
        needed_kb = -(-needed // 1024)
        if "max_form_kb" in self.model_fields_set:
            raise ValueError(
                f"KURSWERK_MAX_FORM_KB must be at least {needed_kb} to hold a forum post of "
                f"KURSWERK_FORUM_MAX_POST_CHARS={self.forum_max_post_chars} characters "
                f"({FORM_BYTES_PER_CHAR} bytes each at most, form-encoded)"
            )
        self.max_form_kb = needed_kb
        return self

    @property
    def base_origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_form_bytes(self) -> int:
        return self.max_form_kb * 1024

    def check_safe_for_production(self) -> None:
        """Refuse to run production with the development secret or over plain http."""
        if self.env != "production":
            return
        if (
            self.secret_key.get_secret_value() == DEFAULT_SECRET
            or len(self.secret_key.get_secret_value()) < 32
        ):
            raise RuntimeError(
                "KURSWERK_SECRET_KEY must be set to a random value of at least 32 characters "
                "in production"
            )
        if not self.base_url.startswith("https://"):
            raise RuntimeError("KURSWERK_BASE_URL must be https:// in production")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
