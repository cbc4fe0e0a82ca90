"""Coaching: the packages a course sells (``packages``), the grants that give one to a
person (``grants/``, also from a CSV file: ``csv_import/``, or the LMS roster: ``roster``),
the entitlements they add up to, the audit log, and the admins' pages (``routes/``)."""
