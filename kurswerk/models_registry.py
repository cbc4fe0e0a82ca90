"""Import every domain's tables so ``SQLModel.metadata`` knows them (Alembic, tests)."""

from __future__ import annotations

import course.models
import feedback.models
import kurswerk.outbox_models
import kurswerk.session_revocation
import lti.models
import uploads.models

__all__ = ["course", "feedback", "kurswerk", "lti", "uploads"]
