"""How coaching values read on a page: dates, quotas, audit changes, and the names of
the values the coaching room stores or passes in URLs (audit actions and sources, grant
states, snapshot fields, roles, import actions), German message ids translated here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from coaching.audit import AuditAction
from coaching.common import GrantState
from coaching.csv_import.csv_file import RowAction
from coaching.models import CoachingAuditEntry
from coaching.office_hours.models import BookingStatus
from kurswerk.core import clock, date_input, i18n
from kurswerk.core.i18n import N_

DASH = "–"

ACTIONS: dict[str, str] = {
    AuditAction.PACKAGE_CREATED: N_("Paket angelegt"),
    AuditAction.PACKAGE_UPDATED: N_("Paket geändert"),
    AuditAction.PACKAGE_ARCHIVED: N_("Paket archiviert"),
    AuditAction.PACKAGE_RESTORED: N_("Paket wiederhergestellt"),
    AuditAction.GRANTED: N_("Vergeben"),
    AuditAction.REVOKED: N_("Widerrufen"),
    AuditAction.EXTENDED: N_("Enddatum geändert"),
    AuditAction.BOOKED: N_("Sprechstunde gebucht"),
    AuditAction.BOOKING_CANCELLED: N_("Sprechstunde abgesagt"),
    AuditAction.BOOKING_MOVED: N_("Sprechstunde verschoben"),
    AuditAction.BOOKING_OUTCOME: N_("Ergebnis der Sprechstunde eingetragen"),
}
"""An audit entry's action (``CoachingAuditEntry.action``, stored) in words."""

SOURCES = {
    "web": N_("Web"),
    "csv": N_("CSV-Import"),
    "cli": N_("Kommandozeile"),
    "demo": N_("Demo"),
    "roster": N_("Teilnehmendenliste"),
}
"""Where an audit entry's change came from (``detail["source"]``, stored) in words."""

FIELDS = {
    "name": N_("Name"),
    "description": N_("Beschreibung"),
    "feedback_quota": N_("Schriftliches Feedback"),
    "office_hours_per_month": N_("Sprechstunden pro Monat"),
    "valid_from": N_("Gültig ab"),
    "valid_until": N_("Gültig bis"),
    "archived": N_("Archiviert"),
    "revoked": N_("Widerrufen"),
    "status": N_("Status"),
    "starts_at": N_("Beginn"),
    "spends_hour": N_("Zählt als Sprechstunde"),
}
"""The fields of the audit log's snapshots of packages, grants and office-hour bookings
(stored) in words."""

GRANT_STATES = {
    GrantState.ACTIVE: N_("Aktiv"),
    GrantState.PENDING: N_("Wartet auf ersten Aufruf"),
    GrantState.NOT_YET: N_("Beginnt später"),
    GrantState.EXPIRED: N_("Abgelaufen"),
    GrantState.REVOKED: N_("Widerrufen"),
    GrantState.PACKAGE_ENDED: N_("Paket archiviert oder abgelaufen"),
}

IMPORT_ACTIONS = {
    RowAction.GRANT: N_("Wird vergeben"),
    RowAction.EXTEND: N_("Wird verlängert"),
    RowAction.UNCHANGED: N_("Unverändert (schon vergeben)"),
}
"""What the CSV import does with a row, in words."""


BOOKING_STATES = frozenset(status.value for status in BookingStatus)

SYSTEM_ACTORS = {"demo": N_("Kurswerk (Demo-Daten)")}
"""Changes Kurswerk made by itself (``Actor.system``), by the name it stores."""


class Formatter:
    """Bound to one page's locale; templates get it as ``fmt``."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def _(self, msgid: str, **params: Any) -> str:
        return i18n.gettext(self.locale, msgid, **params)

    def _named(self, names: Mapping[str, str], value: str) -> str:
        """``value``'s name from ``names``, translated; a value without one as stored."""
        msgid = names.get(value)
        return self._(msgid) if msgid is not None else value

    def action(self, value: str) -> str:
        return self._named(ACTIONS, value)

    def source(self, value: str) -> str:
        return self._named(SOURCES, value)

    def field(self, name: str) -> str:
        return self._named(FIELDS, name)

    def grant_state(self, value: str) -> str:
        return self._named(GRANT_STATES, value)

    def import_action(self, value: str) -> str:
        return self._named(IMPORT_ACTIONS, value)

    def role(self, value: str) -> str:
        """A Kurswerk role (``Role`` value) as the coaching pages name it."""
        names = {
            "learner": i18n.pgettext(self.locale, "role name", "Teilnehmer:in"),
            "tutor": i18n.pgettext(self.locale, "role name", "Tutor:in"),
            "admin": i18n.pgettext(self.locale, "role name", "Administrator:in"),
        }
        return names.get(value, value)

    def actor(self, entry: CoachingAuditEntry) -> str:
        """Who made an audit entry's change: a person's name as stored; the command line
        and Kurswerk itself (``coaching.common.Actor``: ``cli:<user>``, ``system:<name>``,
        ``user <id>`` for someone the LMS sent without a name) in words."""
        label = entry.actor_label
        if entry.actor_user_id is not None:
            if label == f"user {entry.actor_user_id}":
                return self._("Person %(id)s", id=entry.actor_user_id)
            return label
        kind, _, name = label.partition(":")
        if kind == "cli":
            if name in ("", "unknown"):  # no operating-system user name
                return self._("Kommandozeile")
            return self._("Kommandozeile (%(user)s)", user=name)
        if kind == "system":
            msgid = SYSTEM_ACTORS.get(name)
            return self._(msgid) if msgid else self._("Kurswerk (%(name)s)", name=name)
        return label

    def day(self, value: date | str | None) -> str:
        if value is None or value == "":
            return DASH
        day = date_input.stored_date(value)
        if day is None:
            return str(value)
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
            return self._("unbegrenzt")
        return i18n.ngettext(
            self.locale,
            "%(count)s Einreichung",
            "%(count)s Einreichungen",
            feedback_quota,
            count=feedback_quota,
        )

    def period(self, valid_from: date | None, valid_until: date | None) -> str:
        if valid_from is None and valid_until is None:
            return self._("unbefristet")
        if valid_from is None:
            return self._("bis %(until)s", until=self.day(valid_until))
        if valid_until is None:
            return self._("ab %(start)s", start=self.day(valid_from))
        return self._(
            "%(start)s bis %(until)s", start=self.day(valid_from), until=self.day(valid_until)
        )

    def audit_value(self, field: str, value: Any) -> str:
        """One before/after value of an audit entry."""
        if field == "feedback_quota" and value is None:
            return self._("unbegrenzt")
        if value is None or value == "":
            return DASH
        if isinstance(value, bool):
            return self._("ja") if value else self._("nein")
        if field.startswith("valid_"):
            return self.day(value)
        if field == "starts_at" and isinstance(value, str):
            return self.moment(datetime.fromisoformat(value))
        if field == "status" and value in BOOKING_STATES:
            return self._(BookingStatus(value).label)
        text = str(value)
        return text if len(text) <= 120 else text[:119] + "…"
