"""Why a login or launch was refused, in words an LMS admin can act on.

Each error is an i18n key in ``lti/messages.py`` (``lti.error.<name>``) plus a help text
(``lti.error.<name>.help``) saying what to check; ``reason`` goes to the log only. The
shell's one error handler renders them (``kurswerk.core.errors``). ``params`` names the
placeholders both texts may use; raising without one of them is a programming error.
"""

from __future__ import annotations

from typing import ClassVar

from kurswerk.core.errors import AppError

_MAX_PARAM_CHARS = 200


class LaunchError(AppError):
    """Base of every refused LTI login/launch."""

    name: ClassVar[str] = "launch"
    params_required: ClassVar[tuple[str, ...]] = ()
    status_code = 400

    def __init__(self, reason: str, **params: object) -> None:
        missing = set(self.params_required) - params.keys()
        if missing:
            raise TypeError(f"{type(self).__name__} needs {sorted(missing)}")
        key = f"lti.error.{self.name}"
        shown: dict[str, object] = {k: _shorten(v) for k, v in params.items()}
        super().__init__(key, detail=f"{key}.help", reason=reason, params=shown)


def _shorten(value: object) -> str:
    text = str(value)
    return text if len(text) <= _MAX_PARAM_CHARS else text[: _MAX_PARAM_CHARS - 1] + "…"


class MissingParameters(LaunchError):
    name = "missing_parameters"
    params_required = ("fields",)


class BadForm(LaunchError):
    name = "bad_form"


class PayloadTooLarge(LaunchError):
    name = "too_large"
    status_code = 413


class UnknownIssuer(LaunchError):
    name = "unknown_issuer"
    params_required = ("issuer",)


class UnknownClientId(LaunchError):
    name = "unknown_client_id"
    params_required = ("client_id",)


class ClientIdRequired(LaunchError):
    name = "client_id_required"


class UnknownDeployment(LaunchError):
    name = "unknown_deployment"
    params_required = ("deployment_id",)


class WrongTargetHost(LaunchError):
    name = "wrong_target"
    params_required = ("target", "origin")


class InvalidToken(LaunchError):
    name = "invalid_token"


class InvalidSignature(LaunchError):
    name = "invalid_signature"
    status_code = 403


class UnknownSigningKey(LaunchError):
    name = "unknown_key"
    params_required = ("kid", "keyset_url")
    status_code = 403


class KeysetUnavailable(LaunchError):
    """The platform's key set could not be fetched or read: the platform's side (502)."""

    name = "keyset_unavailable"
    params_required = ("keyset_url",)
    status_code = 502


class WrongAudience(LaunchError):
    name = "wrong_audience"
    status_code = 403


class LaunchExpired(LaunchError):
    name = "expired"
    status_code = 403


class IssuedInFuture(LaunchError):
    name = "issued_in_future"
    status_code = 403


class ReplayedLaunch(LaunchError):
    name = "replayed"
    status_code = 403


class StateMismatch(LaunchError):
    name = "state_mismatch"
    status_code = 403


class MissingClaim(LaunchError):
    name = "missing_claim"
    params_required = ("claim",)


class InvalidClaim(LaunchError):
    name = "invalid_claim"
    params_required = ("claim",)


class UnsupportedMessageType(LaunchError):
    name = "message_type"
    params_required = ("message_type",)


class WrongVersion(LaunchError):
    name = "wrong_version"
    params_required = ("version",)


class MissingContext(LaunchError):
    name = "missing_context"


def all_error_classes() -> list[type[LaunchError]]:
    """Every concrete launch error (for the catalog completeness test)."""
    found: list[type[LaunchError]] = []
    pending: list[type[LaunchError]] = [LaunchError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
