"""The coaching texts: every key the pages and the service use has a German and an
English text with the same placeholders, and the catalog holds no stale keys."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from coaching import packages as coaching_packages
from coaching import roster as coaching_roster
from coaching.audit import AuditAction
from coaching.common import GrantState
from coaching.csv_import.rows import RowAction
from coaching.grants import changes as grant_changes
from coaching.messages import COACHING_MESSAGES
from coaching.models import CoachingGrant, CoachingPackage
from coaching.routes.common import DONE
from kurswerk.core.auth import Role

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted(p for p in (ROOT / "coaching").rglob("*.py") if not p.name.endswith("messages.py")),
    *sorted((ROOT / "coaching" / "templates" / "coaching").glob("*.html")),
]
KEY = re.compile(r"""["'](coaching\.[a-z0-9_.]*[a-z0-9_])["']""")  # a quoted, whole key


def _literal_keys() -> set[str]:
    keys: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        keys |= set(KEY.findall(text))
    return keys


def _dynamic_keys() -> set[str]:
    """Keys the templates build from a value (``"coaching.action." ~ entry.action``)."""
    snapshot_fields = set(coaching_packages.snapshot(CoachingPackage(platform_id=1, name="x")))
    snapshot_fields |= set(grant_changes.snapshot(CoachingGrant(package_id=1, context_id=1)))
    families = {
        "coaching.nav": {"packages", "grants", "roster", "import", "audit"},
        "coaching.done": set(DONE),
        "coaching.action": {a.value for a in AuditAction},
        "coaching.grant_state": {
            v for k, v in vars(GrantState).items() if k.isupper() and isinstance(v, str)
        },
        "coaching.field": snapshot_fields,
        "coaching.role": {r.value for r in Role},
        "coaching.source": {"web", "csv", "cli", "demo", coaching_roster.SOURCE},
        "coaching.roster.show": set(coaching_roster.Show.CHOICES),
        "coaching.import.action": {RowAction.GRANT, RowAction.EXTEND, RowAction.UNCHANGED},
    }
    return {f"{family}.{name}" for family, names in families.items() for name in names}


USED = sorted(_literal_keys() | _dynamic_keys())


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", USED)
def test_every_used_key_has_a_german_and_an_english_text(key: str):
    german, english = COACHING_MESSAGES["de"].get(key), COACHING_MESSAGES["en"].get(key)
    assert german and english, key
    assert placeholders(german) == placeholders(english), key


def test_the_catalog_has_no_stale_keys():
    used = set(USED)
    assert set(COACHING_MESSAGES["de"]) - used == set()
    assert set(COACHING_MESSAGES["en"]) == set(COACHING_MESSAGES["de"])
