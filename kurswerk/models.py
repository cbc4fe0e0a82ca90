"""Import every domain's tables so ``SQLModel.metadata`` knows them (Alembic, tests)."""

from __future__ import annotations

import coaching.models
import coaching.office_hours.models
import course.models
import course.progress.models
import feedback.comment_bank.models
import feedback.dialogue.models
import feedback.models
import feedback.promises.models
import feedback.workbench.models
import kurswerk.core.outbox.models
import kurswerk.core.session_revocation
import lti.models
import uploads.models

__all__ = ["coaching", "course", "feedback", "kurswerk", "lti", "uploads"]
