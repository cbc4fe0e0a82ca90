"""Why a login or launch was refused, in words an LMS admin can act on.

Each error has a text (``text``, a message id) plus a help text (``help_text``) saying what
to check; ``reason`` goes to the log only. The shell's one error handler renders them
(``kurswerk.core.errors``). ``params`` names the placeholders both texts may use; raising
without one of them is a programming error.
"""

from __future__ import annotations

from typing import ClassVar

from kurswerk.core.errors import AppError
from kurswerk.core.i18n import N_

_MAX_PARAM_CHARS = 200


class LaunchError(AppError):
    """Base of every refused LTI login/launch."""

    name: ClassVar[str] = "launch"
    text: ClassVar[str] = N_("Der Start aus dem LMS ist fehlgeschlagen.")
    help_text: ClassVar[str] = N_("Bitte starten Sie Kurswerk erneut aus Ihrem Kurs.")
    params_required: ClassVar[tuple[str, ...]] = ()
    status_code = 400

    def __init__(self, reason: str, **params: object) -> None:
        missing = set(self.params_required) - params.keys()
        if missing:
            raise TypeError(f"{type(self).__name__} needs {sorted(missing)}")
        shown: dict[str, object] = {k: _shorten(v) for k, v in params.items()}
        super().__init__(self.text, detail=self.help_text, reason=reason, params=shown)


def _shorten(value: object) -> str:
    text = str(value)
    return text if len(text) <= _MAX_PARAM_CHARS else text[: _MAX_PARAM_CHARS - 1] + "…"


class MissingParameters(LaunchError):
    name = "missing_parameters"
    text = N_("Dem Start aus dem LMS fehlen Angaben: %(fields)s.")
    help_text = N_(
        "Starten Sie Kurswerk über den Link in Ihrem Kurs, nicht über ein "
        "Lesezeichen. Bleibt der Fehler, prüfen Sie in der "
        "LMS-Werkzeugkonfiguration die Login-URL (…/lti/login) und die "
        "Redirect-URL (…/lti/launch)."
    )
    params_required = ("fields",)


class BadForm(LaunchError):
    name = "bad_form"
    text = N_("Die Startanfrage des LMS ist kein gültiges Formular.")
    help_text = N_(
        "Die Anfrage muss als application/x-www-form-urlencoded gesendet werden. "
        "Prüfen Sie, ob ein Proxy die Anfrage verändert."
    )


class PayloadTooLarge(LaunchError):
    name = "too_large"
    text = N_("Die Startanfrage ist zu groß.")
    help_text = N_(
        "Das id_token darf höchstens 32 KB groß sein. Prüfen Sie, ob das LMS "
        "ungewöhnlich viele benutzerdefinierte Parameter oder Claims mitsendet."
    )
    status_code = 413


class UnknownIssuer(LaunchError):
    name = "unknown_issuer"
    text = N_("Diese LMS-Plattform ist nicht registriert (%(issuer)s).")
    help_text = N_(
        "Ein Administrator muss die Plattform mit „kurswerk platform add "
        "--issuer …“ registrieren. Der Issuer muss genau (Groß-/Kleinschreibung, "
        "Schrägstrich am Ende) dem Wert entsprechen, den das LMS als „Platform "
        "ID“ anzeigt."
    )
    params_required = ("issuer",)


class UnknownClientId(LaunchError):
    name = "unknown_client_id"
    text = N_("Die Client-ID %(client_id)s ist für diese Plattform nicht registriert.")
    help_text = N_(
        "Vergleichen Sie die Client-ID der Werkzeugkonfiguration im LMS mit "
        "„kurswerk platform list“ und registrieren Sie sie gegebenenfalls mit "
        "„kurswerk platform add --client-id …“."
    )
    params_required = ("client_id",)


class ClientIdRequired(LaunchError):
    name = "client_id_required"
    text = N_(
        "Für diese Plattform sind mehrere Client-IDs registriert, die "
        "Startanfrage nennt aber keine."
    )
    help_text = N_(
        "Das LMS muss beim Login den Parameter client_id mitsenden (LTI 1.3 empfiehlt es)."
    )


class UnknownDeployment(LaunchError):
    name = "unknown_deployment"
    text = N_("Die Deployment-ID %(deployment_id)s ist für diese Plattform nicht registriert.")
    help_text = N_(
        "Fügen Sie die Deployment-ID aus der Werkzeugkonfiguration des LMS mit "
        "„kurswerk platform add … --deployment-id …“ hinzu (bestehende Einträge "
        "bleiben)."
    )
    params_required = ("deployment_id",)


class WrongTargetHost(LaunchError):
    name = "wrong_target"
    text = N_("Das Startziel %(target)s gehört nicht zu Kurswerk.")
    help_text = N_(
        "Die Tool-URL im LMS muss auf diese Kurswerk-Adresse (%(origin)s) "
        "zeigen. Prüfen Sie auch KURSWERK_BASE_URL."
    )
    params_required = ("target", "origin")


class InvalidToken(LaunchError):
    name = "invalid_token"
    text = N_("Das id_token des LMS ist kein gültiges JWT.")
    help_text = N_(
        "Starten Sie Kurswerk erneut aus dem Kurs. Bleibt der Fehler, prüfen Sie "
        "die LTI-1.3-Konfiguration der Plattform."
    )


class InvalidSignature(LaunchError):
    name = "invalid_signature"
    text = N_("Die Signatur des Starts ist ungültig.")
    help_text = N_(
        "Kurswerk akzeptiert nur RS256-signierte Starts, deren Schlüssel unter "
        "der registrierten Keyset-URL veröffentlicht ist. Prüfen Sie die "
        "Keyset-URL mit „kurswerk platform list“."
    )
    status_code = 403


class UnknownSigningKey(LaunchError):
    name = "unknown_key"
    text = N_("Der Signaturschlüssel %(kid)s ist im Keyset der Plattform nicht zu finden.")
    help_text = N_(
        "Prüfen Sie, ob die registrierte Keyset-URL (%(keyset_url)s) zur "
        "Plattform gehört, die den Start signiert hat. Nach einem "
        "Schlüsselwechsel im LMS lädt Kurswerk das Keyset einmal neu; bleibt der "
        "Fehler, versuchen Sie es in einer Minute erneut."
    )
    params_required = ("kid", "keyset_url")
    status_code = 403


class KeysetUnavailable(LaunchError):
    """The platform's key set could not be fetched or read: the platform's side (502)."""

    name = "keyset_unavailable"
    text = N_("Das Keyset der Plattform ist nicht abrufbar.")
    help_text = N_(
        "Kurswerk konnte %(keyset_url)s nicht laden oder lesen. Prüfen Sie die "
        "URL und ob der Kurswerk-Server die Plattform erreichen kann."
    )
    params_required = ("keyset_url",)
    status_code = 502


class WrongAudience(LaunchError):
    name = "wrong_audience"
    text = N_("Der Start ist nicht an Kurswerk adressiert.")
    help_text = N_(
        "aud bzw. azp des id_tokens müssen die registrierte Client-ID enthalten. "
        "Prüfen Sie die Client-ID in der Werkzeugkonfiguration des LMS."
    )
    status_code = 403


class LaunchExpired(LaunchError):
    name = "expired"
    text = N_("Der Start ist abgelaufen.")
    help_text = N_(
        "Zwischen Login und Start ist zu viel Zeit vergangen. Starten Sie "
        "Kurswerk erneut aus dem Kurs. Tritt das ständig auf, prüfen Sie die "
        "Uhrzeit (NTP) der Server."
    )
    status_code = 403


class IssuedInFuture(LaunchError):
    name = "issued_in_future"
    text = N_("Der Start ist auf einen Zeitpunkt in der Zukunft datiert.")
    help_text = N_(
        "Die Uhren von LMS und Kurswerk gehen auseinander. Prüfen Sie die "
        "Zeitsynchronisation (NTP) beider Server."
    )
    status_code = 403


class ReplayedLaunch(LaunchError):
    name = "replayed"
    text = N_("Dieser Start wurde bereits verwendet.")
    help_text = N_(
        "Jeder Start gilt nur einmal (Schutz gegen Wiederholung). Laden Sie "
        "nicht die Startseite neu, sondern starten Sie Kurswerk erneut aus dem "
        "Kurs."
    )
    status_code = 403


class StateMismatch(LaunchError):
    name = "state_mismatch"
    text = N_("Der Start passt nicht zu einem Login in diesem Browser.")
    help_text = N_(
        "Login und Start müssen im selben Browserfenster stattfinden. Starten "
        "Sie Kurswerk erneut aus dem Kurs; blockiert Ihr Browser Cookies von "
        "Drittanbietern, öffnen Sie Kurswerk in einem neuen Fenster."
    )
    status_code = 403


class MissingClaim(LaunchError):
    name = "missing_claim"
    text = N_("Dem Start fehlt die Angabe %(claim)s.")
    help_text = N_(
        "Das LMS muss diese Angabe nach LTI 1.3 mitsenden. Prüfen Sie die "
        "Werkzeugkonfiguration und die Datenschutzeinstellungen des LMS."
    )
    params_required = ("claim",)


class InvalidClaim(LaunchError):
    name = "invalid_claim"
    text = N_("Die Angabe %(claim)s im Start ist ungültig.")
    help_text = N_(
        "Der Wert entspricht nicht LTI 1.3 (Typ oder Länge). Prüfen Sie die "
        "Werkzeugkonfiguration des LMS."
    )
    params_required = ("claim",)


class UnsupportedMessageType(LaunchError):
    name = "message_type"
    text = N_("Die Startart %(message_type)s wird nicht unterstützt.")
    help_text = N_(
        "Kurswerk unterstützt LtiResourceLinkRequest, LtiDeepLinkingRequest und "
        "LtiSubmissionReviewRequest. Legen Sie Kurswerk im Kurs als externes "
        "Werkzeug (Aktivität) an."
    )
    params_required = ("message_type",)


class WrongVersion(LaunchError):
    name = "wrong_version"
    text = N_("Die LTI-Version %(version)s wird nicht unterstützt.")
    help_text = N_(
        "Kurswerk spricht LTI 1.3.0. Stellen Sie die Werkzeugkonfiguration im LMS auf LTI 1.3 um."
    )
    params_required = ("version",)


class MissingContext(LaunchError):
    name = "missing_context"
    text = N_("Der Start kommt nicht aus einem Kurs.")
    help_text = N_(
        "Kurswerk braucht den Kurs (Context-Claim), um Inhalte und Einreichungen "
        "zuzuordnen. Starten Sie Kurswerk aus einer Kursaktivität, nicht aus dem "
        "Seitenmenü oder dem Benutzerprofil."
    )


def all_error_classes() -> list[type[LaunchError]]:
    """Every concrete launch error (for the catalog completeness test)."""
    found: list[type[LaunchError]] = []
    pending: list[type[LaunchError]] = [LaunchError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
