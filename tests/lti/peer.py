"""Shims that make PyPI ``lti1p3platform`` 0.1.8 a platform peer in tests.

Its FastAPI request adapter is commented out and its OIDC login leaves
``set_lti_message_hint`` abstract; these are the few lines it needs. Everything that
matters — building the login initiation, validating our authorisation request,
signing the id_token with its own key — is the package's own code, not ours.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest


def new_key_pems() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class PeerPlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration


class PeerRequest(Request):
    """The browser's GET to the platform's authorisation endpoint, from our redirect."""

    def build_metadata(self, request: Any) -> TRequest:
        parts = urlsplit(str(request))
        return {
            "method": "GET",
            "form_data": {},
            "get_data": dict(parse_qsl(parts.query)),
            "headers": {},
            "content_type": None,
            "path": parts.path,
            "json": None,
        }


class PeerOIDCLogin(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class PeerMessageLaunch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data  # the auto-submitting form's fields: id_token, state, launch_url


class Peer:
    """One lti1p3platform registration of Kurswerk, with its own key pair."""

    def __init__(
        self, *, issuer: str, client_id: str, deployment_id: str, tool_base_url: str
    ) -> None:
        private, public = new_key_pems()
        self.registration = (
            Registration()
            .set_iss(issuer)
            .set_client_id(client_id)
            .set_deployment_id(deployment_id)
            .set_oidc_login_url(tool_base_url + "/lti/login")
            .set_launch_url(tool_base_url + "/lti/launch")
            .set_tool_key_set_url(tool_base_url + "/lti/jwks")
            .set_platform_private_key(private)
            .set_platform_public_key(public)
        )
        self.conf = PeerPlatformConf(registration=self.registration)

    def jwks(self) -> dict[str, Any]:
        return dict(self.conf.get_jwks())

    def login_initiation_url(self, *, user_id: str, message_hint: str = "resource-1") -> str:
        login = PeerOIDCLogin(None, self.conf)
        login.set_lti_message_hint(hint=message_hint)
        return str(login.initiate_login(user_id))

    def answer_authorisation(
        self,
        authorisation_url: str,
        *,
        user_id: str,
        roles: list[str],
        context_id: str = "course-7",
        name: str | None = "Erika Mustermann",
        email: str | None = "erika@example.org",
        locale: str | None = "de-DE",
        custom: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Validate our authorisation request and sign the launch, as the platform does.
        ``extra`` claims go in last (lti1p3platform's ``set_extra_claims``): e.g. the
        ``message_type`` and ``for_user`` of a submission review request."""
        launch = PeerMessageLaunch(PeerRequest(authorisation_url), self.conf)
        launch.set_user_data(user_id, roles, full_name=name, email_address=email)
        launch.set_resource_link_claim("resource-1", title="Kurswerk")
        launch.set_launch_context_claim(
            context_id,
            context_types=["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
            context_title="Social-Media-Strategie",
            context_label="SMS-1",
        )
        if locale:
            launch.set_extra_claims(
                {
                    "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                        "document_target": "iframe",
                        "locale": locale,
                    }
                }
            )
        if custom:
            launch.set_custom_parameters_claim(custom)
        if extra:
            launch.set_extra_claims(extra)
        return dict(launch.lti_launch())


class PeerDeepLinking(Peer):
    """The same peer, sending an ``LtiDeepLinkingRequest`` (lti1p3platform's ``set_dl``)
    and validating the tool's answer with its own code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.registration.set_deeplink_launch_url(kwargs["tool_base_url"] + "/lti/launch")
        self.return_url = kwargs["issuer"] + "/deep-link/return"

    def answer_deep_linking(
        self,
        authorisation_url: str,
        *,
        user_id: str,
        roles: list[str],
        data: dict[str, Any] | None,
        accept_types: set[str] | None = None,
        context_id: str = "course-7",
    ) -> dict[str, Any]:
        launch = PeerMessageLaunch(PeerRequest(authorisation_url), self.conf)
        launch.set_user_data(user_id, roles, full_name="Tina Tutor", email_address="t@example.org")
        launch.set_launch_context_claim(context_id, context_title="Social-Media-Strategie")
        launch.set_dl(
            self.return_url,
            title="Kurswerk",
            accept_types=accept_types or {"ltiResourceLink"},
            extra_data=data,
        )
        return dict(launch.lti_launch())

    def validate_answer(self, jwt_value: str, tool_jwks: dict[str, Any]) -> list[dict[str, Any]]:
        """lti1p3platform's check of a deep-linking response (signature by the tool's
        key, message type, accepted item types); returns the content items."""
        self.registration.set_tool_key_set(tool_jwks)
        self.conf.set_accepted_deeplinking_types(["ltiResourceLink"])
        return list(self.conf.validate_deeplinking_resp({"JWT": jwt_value}))

    def decode_answer(self, jwt_value: str, tool_jwks: dict[str, Any]) -> dict[str, Any]:
        self.registration.set_tool_key_set(tool_jwks)
        return dict(self.conf.tool_validate_and_decode(jwt_value))
