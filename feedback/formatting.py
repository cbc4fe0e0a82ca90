"""Dates, sizes and statuses as the feedback pages show them (course time zone, in the
page's language)."""

from __future__ import annotations

from functools import partial

from kurswerk.core import clock
from kurswerk.core.i18n import N_
from uploads.models import SubmissionStatus

STATUS_NAMES = {
    SubmissionStatus.SUBMITTED: N_("Eingereicht"),
    SubmissionStatus.IN_REVIEW: N_("In Bearbeitung"),
    SubmissionStatus.FEEDBACK_RELEASED: N_("Feedback freigegeben"),
}
"""A submission's status as tutors read it (message ids): the last one is what they did."""

LEARNER_STATUS_NAMES = {status: status.label for status in SubmissionStatus}
"""A submission's status as its learner reads it (message ids; ``SubmissionStatus.label``)."""

HELPERS = {
    "when": clock.when,  # 22.11.2026, 14:05 Uhr / 22 Nov 2026, 14:05
    "clock": clock.time_of_day,  # 14:05 Uhr / 14:05
    "day": partial(clock.day_with_weekday, short=True),  # Mo., 30. Nov. 2026 / Mon, 30 Nov 2026
    "size": clock.file_size,  # 340 KB, 1,4 MB / 1.4 MB
    "status_names": STATUS_NAMES,
    "learner_status_names": LEARNER_STATUS_NAMES,
}
