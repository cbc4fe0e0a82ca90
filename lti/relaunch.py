"""A fresh launch for the new-window fallback.

When the browser refuses our cookies inside the LMS frame, the launch is finished in a
window of its own (first party). Re-posting the platform's login there works only where
its ``lti_message_hint`` may be used twice. Moodle 4.5's may not: the hint is JSON with
the activity's ``cmid`` and a ``launchid`` that ``mod/lti/auth.php`` unsets on first use,
so a second login ends on Moodle's "Invalid request". A fresh launch starts from Moodle's
own URL of the activity, ``<moodle>/mod/lti/launch.php?id=CMID``, next to the registered
``auth.php``. Platforms without such a URL keep the re-posted login.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

MOODLE_AUTH_PATH = "/mod/lti/auth.php"
MOODLE_LAUNCH_PATH = "/mod/lti/launch.php"
FRESH_LAUNCH_PARAM = "kurswerk_fresh_launch"  # kept with the login for the fallback page


def moodle_activity_id(message_hint: str) -> int | None:
    """The ``cmid`` of a Moodle ``lti_message_hint``; ``None`` for other hints (and for
    Moodle's deep-linking hints, which name no activity)."""
    try:
        hint = json.loads(message_hint)
    except ValueError:
        return None
    if not isinstance(hint, dict) or not isinstance(hint.get("launchid"), str):
        return None
    cmid = hint.get("cmid")
    if isinstance(cmid, str) and cmid.isdigit():
        cmid = int(cmid)
    if isinstance(cmid, bool) or not isinstance(cmid, int) or cmid <= 0:
        return None
    return cmid


def fresh_launch_url(auth_login_url: str, message_hint: str) -> str | None:
    """Where a new window starts a fresh launch of the same activity, or ``None``.

    Built from the registered authorisation URL only (never from what the login claims),
    so it leads nowhere but to the registered platform.
    """
    parts = urlsplit(auth_login_url)
    if parts.query or parts.fragment or not parts.path.endswith(MOODLE_AUTH_PATH):
        return None
    cmid = moodle_activity_id(message_hint)
    if cmid is None:
        return None
    base = parts.path[: -len(MOODLE_AUTH_PATH)]
    return f"{parts.scheme}://{parts.netloc}{base}{MOODLE_LAUNCH_PATH}?" + urlencode({"id": cmid})
