"""Launches that need no tool cookie: state and nonce kept by the platform.

1EdTech "LTI Client Side postMessages" with Platform Storage: a platform that sends
``lti_storage_target`` at login (Canvas does) keeps data for the tool in one of its own
windows, reached by ``postMessage`` (``lti.capabilities``, ``lti.put_data``,
``lti.get_data``). The login page stores the state and nonce there before it goes on to
the platform; the page that ``POST /lti/launch`` answers when our state cookie did not
come back reads them again and posts them to ``/lti/launch`` from our own origin
(``Origin`` checked). The state is then bound to this browser's platform storage instead
of a cookie; the nonce stays single-use on our side (``lti_login_state``).

Messages go to the platform window named by ``lti_storage_target`` (``_parent`` for the
parent itself) with the origin of the platform's OIDC authorisation URL as target origin;
answers from any other origin are ignored (``lti/static/platform_storage.js``).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from lti import errors

TARGET_PARAM = "lti_storage_target"
ORIGIN_PARAM = "kurswerk_storage_origin"  # kept with the login: where the storage lives
# The fields the launch's storage page posts back to /lti/launch.
CHECKED_FIELD = "storage_checked"
STATE_FIELD = "storage_state"
NONCE_FIELD = "storage_nonce"
KEY_PREFIX = "kurswerk_"
_TARGET = re.compile(r"_parent|[A-Za-z][A-Za-z0-9_.-]{0,63}")


def storage_target(value: str) -> str | None:
    """A usable ``lti_storage_target`` (a frame name, or ``_parent``), else ``None``."""
    return value if _TARGET.fullmatch(value or "") else None


def state_key(state: str) -> str:
    return f"{KEY_PREFIX}state_{state}"


def nonce_key(state: str) -> str:
    return f"{KEY_PREFIX}nonce_{state}"


@dataclass(frozen=True, slots=True)
class PlatformStorage:
    """Where the platform keeps data for this login: a window and its origin."""

    target: str
    origin: str

    @classmethod
    def of_login(cls, login_params: Mapping[str, str]) -> PlatformStorage | None:
        target = storage_target(login_params.get(TARGET_PARAM, ""))
        origin = login_params.get(ORIGIN_PARAM, "")
        return cls(target, origin) if target and origin else None


@dataclass(frozen=True, slots=True)
class StorageProof:
    """What our launch page read back from the platform's storage."""

    state: str
    nonce: str

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> StorageProof | None:
        if form.get(CHECKED_FIELD) != "1":
            return None
        return cls(form.get(STATE_FIELD, ""), form.get(NONCE_FIELD, ""))

    @property
    def found(self) -> bool:
        return bool(self.state and self.nonce)

    def check_state(self, state: str) -> None:
        if not hmac.compare_digest(self.state.encode(), state.encode()):
            raise errors.StateMismatch("platform storage holds another state for this launch")

    def check_nonce(self, nonce: str) -> None:
        if not hmac.compare_digest(self.nonce.encode(), nonce.encode()):
            raise errors.StateMismatch("the token's nonce is not the one in platform storage")


def posted_by_our_page(headers: Mapping[str, str], base_origin: str) -> bool:
    """A storage proof counts only when our own page posted it: a cross-site form cannot
    fake the ``Origin`` (nor ``Sec-Fetch-Site``) of a browser's request."""
    site = headers.get("sec-fetch-site")
    return headers.get("origin") == base_origin and site in (None, "same-origin")
