"""Import every domain's tables so ``SQLModel.metadata`` knows them (Alembic, tests)."""

from __future__ import annotations

import course.models
import kurswerk.outbox_models
import lti.models

__all__ = ["course", "kurswerk", "lti"]
