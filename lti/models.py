"""Tables of the LTI domain.

Registrations are data keyed by (issuer, client_id): Canvas cloud uses one issuer for
every tenant, so the issuer alone does not name a platform.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kurswerk.core.db import timestamp_now, timestamp_or_none


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a model (for statements built once and reused)."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


class Platform(SQLModel, table=True):
    __tablename__ = "platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=200)
    issuer: str = Field(max_length=255)
    client_id: str = Field(max_length=255)
    auth_login_url: str = Field(max_length=500)
    auth_token_url: str = Field(max_length=500)
    keyset_url: str = Field(max_length=500)
    granted_scopes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Service scopes the platform granted at dynamic registration (space-separated);
    ``None`` when unknown (registered by hand): then only the launch claims tell."""
    frame_origins: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Further origins (space-separated) whose pages may frame the tool for this platform.
    Canvas cloud frames the tool from the school's own domain (``school.instructure.com``)
    while its issuer and login URL sit elsewhere (``canvas.instructure.com``,
    ``sso.canvaslms.com``); the admin names that domain here."""
    created_at: datetime = timestamp_now()


class Deployment(SQLModel, table=True):
    __tablename__ = "deployment"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="platform.id", index=True, ondelete="CASCADE")
    deployment_id: str = Field(max_length=255)
    created_at: datetime = timestamp_now()


class PlatformUser(SQLModel, table=True):
    """A person as one platform knows them (``sub``); name and email are optional claims."""

    __tablename__ = "lti_user"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="platform.id", index=True, ondelete="CASCADE")
    sub: str = Field(max_length=255)
    name: str | None = Field(default=None, max_length=255)
    given_name: str | None = Field(default=None, max_length=255)
    family_name: str | None = Field(default=None, max_length=255)
    email: str | None = Field(default=None, max_length=320)
    locale: str | None = Field(default=None, max_length=16)
    """The language mails to this person are written in: the LMS's
    ``launch_presentation.locale`` of their latest launch, or the one they chose."""
    locale_chosen_at: datetime | None = timestamp_or_none()
    """When the person chose ``locale`` themselves (the tool's language switch); while
    set, launches keep ``locale`` instead of overwriting it with the LMS's claim."""
    created_at: datetime = timestamp_now()
    last_launch_at: datetime = timestamp_now()


class LmsContext(SQLModel, table=True):
    """An LMS course (the LTI ``context`` claim) on one platform."""

    __tablename__ = "lms_context"
    __table_args__ = (UniqueConstraint("platform_id", "lms_context_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform_id: int = Field(foreign_key="platform.id", index=True, ondelete="CASCADE")
    deployment_id: int | None = Field(
        default=None, foreign_key="deployment.id", ondelete="SET NULL"
    )
    lms_context_id: str = Field(max_length=255)
    title: str = Field(default="", max_length=500)
    label: str = Field(default="", max_length=255)
    created_at: datetime = timestamp_now()


class Membership(SQLModel, table=True):
    """A user's role in an LMS course, as of their latest launch."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "context_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)
    lti_roles: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_at: datetime = timestamp_now()


class RosterMembership(SQLModel, table=True):
    """A person's role in an LMS course as its roster (NRPS) listed it when Kurswerk last
    read the roster — also for people who never launched the tool (who have no
    ``Membership``). The whole course's rows are replaced at each reading
    (``lti.roster.record_members``); ``seen_at`` says how fresh they are."""

    __tablename__ = "lti_roster_membership"
    __table_args__ = (UniqueConstraint("context_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="lti_user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=16)
    seen_at: datetime = timestamp_now()


class LoginState(SQLModel, table=True):
    """One OIDC login in flight: the state we sent, the nonce bound to it, and the login
    parameters (to reopen the flow in a new window when the iframe refuses our cookie).

    The row is the server-side half of the state check (the browser holds the other half,
    a cookie named after the state). The launch consumes it atomically (``consumed_at``
    set by one ``UPDATE ... RETURNING``), which makes the nonce single-use; rows are kept
    until they expire so a replay can be named as such, then purged.
    """

    __tablename__ = "lti_login_state"

    id: int | None = Field(default=None, primary_key=True)
    state: str = Field(max_length=64, unique=True)
    nonce: str = Field(max_length=64, unique=True)
    platform_id: int = Field(foreign_key="platform.id", index=True, ondelete="CASCADE")
    login_params: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp_now()
    expires_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    consumed_at: datetime | None = timestamp_or_none()


class ToolKey(SQLModel, table=True):
    """The tool's own RSA key pair (PEM), generated on first use.

    ``slot`` is unique so two processes starting at once cannot both create a signing
    key: the loser of the insert reads the winner's key. ``kurswerk keys rotate`` moves
    the signing key to a ``retired-<id>`` slot and sets ``retired_at``: it stays
    published (never used to sign) for the overlap period, then is deleted.
    """

    __tablename__ = "lti_tool_key"

    id: int | None = Field(default=None, primary_key=True)
    slot: str = Field(max_length=32, unique=True)
    kid: str = Field(max_length=64, unique=True)
    private_key_pem: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp_now()
    retired_at: datetime | None = timestamp_or_none()


class LaunchDataRecord(SQLModel, table=True):
    """pylti1p3's launch data storage (key/value with expiry), e.g. a validated launch body
    kept under its launch id for a later deep-linking or grade-passback step."""

    __tablename__ = "lti_launch_data"

    key: str = Field(primary_key=True, max_length=255)
    value: str = Field(sa_column=Column(Text, nullable=False))
    expires_at: datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )


# --- LTI Advantage: what the launches tell about the platform's services ----------------


class ContextServices(SQLModel, table=True):
    """The service endpoints an LMS course offers, as its latest launch named them.

    AGS (``https://purl.imsglobal.org/spec/lti-ags/claim/endpoint``: ``lineitems`` and
    ``scope``) and NRPS (``.../lti-nrps/claim/namesroleservice``:
    ``context_memberships_url``). A launch without the claim leaves the stored value as
    it was (a deep-linking request, for one, often carries neither).
    """

    __tablename__ = "lti_context_services"

    context_id: int = Field(primary_key=True, foreign_key="lms_context.id", ondelete="CASCADE")
    lineitems_url: str | None = Field(default=None, max_length=1000)
    ags_scopes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    memberships_url: str | None = Field(default=None, max_length=1000)
    updated_at: datetime = timestamp_now()


class ResourceLink(SQLModel, table=True):
    """A placement of Kurswerk in an LMS course (the ``resource_link`` claim): where it
    leads (``kurswerk_target``) and its own line item (AGS ``lineitem``), if any."""

    __tablename__ = "lti_resource_link"
    __table_args__ = (UniqueConstraint("context_id", "resource_link_id"),)

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    resource_link_id: str = Field(max_length=255)
    title: str = Field(default="", max_length=500)
    target: str | None = Field(default=None, max_length=255)
    lineitem_url: str | None = Field(default=None, max_length=1000)
    updated_at: datetime = timestamp_now()


class LineItem(SQLModel, table=True):
    """A gradebook column Kurswerk created (or found) for one graded thing in a course,
    keyed by our ``resourceId`` (e.g. ``exercise:…``) so it is created only once.

    A row without ``lineitem_url`` is a claim: one worker is creating the column right
    now (since ``created_at``); the others wait for it (``lti.ags_delivery``).
    """

    __tablename__ = "lti_line_item"
    __table_args__ = (UniqueConstraint("context_id", "resource_id"),)

    id: int | None = Field(default=None, primary_key=True)
    context_id: int = Field(foreign_key="lms_context.id", index=True, ondelete="CASCADE")
    resource_id: str = Field(max_length=255)
    lineitem_url: str | None = Field(default=None, max_length=1000)
    created_at: datetime = timestamp_now()
