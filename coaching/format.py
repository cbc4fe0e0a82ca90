"""How coaching values read on a page: dates, quotas, audit changes (German first)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from kurswerk.core import clock, i18n

DASH = "–"


class Formatter:
    """Bound to one page's locale; templates get it as ``fmt``."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def _(self, key: str, **params: Any) -> str:
        return i18n.translate(self.locale, key, **params)

    def day(self, value: date | str | None) -> str:
        if value is None or value == "":
            return DASH
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                return value
        else:
            day = value
        return clock.date_text(day, self.locale)  # 27.11.2026 / 27 Nov 2026

    def moment(self, value: datetime) -> str:
        """``22.11.2026, 14:05`` / ``22 Nov 2026, 14:05`` in the course's time zone."""
        return clock.when(value, self.locale, uhr=False)

    @staticmethod
    def iso_moment(value: datetime) -> str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()

    def quota(self, feedback_quota: int | None) -> str:
        if feedback_quota is None:
            return self._("coaching.quota.unlimited")
        return self._("coaching.quota.count", count=feedback_quota)

    def period(self, valid_from: date | None, valid_until: date | None) -> str:
        if valid_from is None and valid_until is None:
            return self._("coaching.period.open")
        if valid_from is None:
            return self._("coaching.period.until", until=self.day(valid_until))
        if valid_until is None:
            return self._("coaching.period.from", start=self.day(valid_from))
        return self._(
            "coaching.period.between", start=self.day(valid_from), until=self.day(valid_until)
        )

    def audit_value(self, field: str, value: Any) -> str:
        """One before/after value of an audit entry."""
        if field == "feedback_quota" and value is None:
            return self._("coaching.quota.unlimited")
        if value is None or value == "":
            return DASH
        if isinstance(value, bool):
            return self._("coaching.yes") if value else self._("coaching.no")
        if field.startswith("valid_"):
            return self.day(value)
        text = str(value)
        return text if len(text) <= 120 else text[:119] + "…"
