"""Who and what the simulated LMS knows: its people, its one course, its tool registration.

Everything the simulator says in a launch comes from here, so a test can read the
expected claims from the same place. To add a demo person (for example a learner who
has bought a coaching package), add one ``Person`` to ``PEOPLE``: the course page, the
login initiation and the id_token all iterate over this tuple.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

# LTI Advantage service scopes (AGS 2.0 §3.1, NRPS 2.0 §3.5.1).
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
SCOPE_RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
AGS_SCOPES = (SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY, SCOPE_RESULT_READONLY, SCOPE_SCORE)
SERVICE_SCOPES = (*AGS_SCOPES, SCOPE_MEMBERSHIPS)

# LTI 1.3 role vocabularies (LTI Core 1.3, appendix A.2): Moodle 4.5 sends full URIs.
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
INSTITUTION_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
SYSTEM_ADMIN = "http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"
COURSE_OFFERING = "http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"

# How the simulated platform starts a launch (``SimulatorConfig.launch_style``):
# ``plain``  an opaque single-use ``lti_message_hint``;
# ``moodle`` Moodle 4.5: the hint is JSON ``{"cmid": ..., "launchid": ...}``, the launch id is
#            single-use and a second login with it ends on an "Invalid request" page; a fresh
#            launch starts from ``/mod/lti/launch.php?id=CMID`` (the person from the LMS's own
#            first-party cookie); the auth endpoint is ``/mod/lti/auth.php``;
# ``canvas`` Canvas: the login carries ``lti_storage_target`` and a hidden frame of that name
#            answers the LTI client-side postMessages (``lti.put_data``/``lti.get_data``).
LAUNCH_STYLES = ("plain", "moodle", "canvas")
STORAGE_FRAME = "post_message_forwarding"  # Canvas's name for its storage frame


@dataclass(frozen=True, slots=True)
class Person:
    """A user of the simulated LMS. ``key`` names them in URLs, ``sub`` is the LTI subject
    (and the ``login_hint``, as in Moodle, where both are the user id)."""

    key: str
    sub: str
    given_name: str
    family_name: str
    email: str
    roles: tuple[str, ...]
    role_label: str  # what the LMS course page shows next to the name (German)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def teaches(self) -> bool:
        """Instructors (and admins, who also hold the instructor role in Moodle)."""
        return INSTRUCTOR in self.roles

    @property
    def learns(self) -> bool:
        return LEARNER in self.roles


PEOPLE: tuple[Person, ...] = (
    Person(
        key="lena",
        sub="2001",
        given_name="Lena",
        family_name="Lernende",
        email="lena.lernende@example.org",
        roles=(LEARNER,),
        role_label="Teilnehmerin",
    ),
    Person(
        key="tom",
        sub="2002",
        given_name="Tom",
        family_name="Tutor",
        email="tom.tutor@example.org",
        roles=(INSTRUCTOR,),
        role_label="Tutor",
    ),
    Person(
        # A Moodle site admin also holds every course capability, so Moodle sends
        # Instructor next to the two Administrator roles; the tool must pick the highest.
        key="ada",
        sub="2003",
        given_name="Ada",
        family_name="Admin",
        email="ada.admin@example.org",
        roles=(INSTRUCTOR, INSTITUTION_ADMIN, SYSTEM_ADMIN),
        role_label="Administratorin",
    ),
    Person(
        # Holds the demo's coaching package (granted by email when the demo prepares,
        # resolved at her first launch): she sees the upload form, Lena does not.
        key="carla",
        sub="2004",
        given_name="Carla",
        family_name="Coaching",
        email="carla.coaching@example.org",
        roles=(LEARNER,),
        role_label="Teilnehmerin (Coaching)",
    ),
)

COACHING_PERSON = "carla"  # the demo person who holds the coaching package
OFFICE_HOURS_TUTOR = "tom"  # the demo person who offers office hours (Carla can book them)


@dataclass(frozen=True, slots=True)
class LmsCourse:
    """The one LMS course (LTI ``context``) and the one resource link placed in it."""

    context_id: str = "sms-demo"
    label: str = "SMS-DEMO"
    title: str = "Social-Media-Strategie (Demo)"
    resource_link_id: str = "kurswerk-link-1"
    resource_link_title: str = "Kurswerk: Social-Media-Strategie"


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """The simulator's own URLs and the one tool registered with it.

    Build it with ``SimulatorConfig.local(...)``: the tool's URLs follow Kurswerk's
    public interface (DESIGN.md §3: ``/lti/login``, ``/lti/launch``, ``/lti/jwks``).
    """

    issuer: str
    tool_base_url: str
    client_id: str = "kurswerk-demo"
    deployment_id: str = "demo-deployment"
    course: LmsCourse = field(default_factory=LmsCourse)
    people: tuple[Person, ...] = PEOPLE
    locale: str = "de-DE"
    id_token_ttl_seconds: int = 60  # Moodle 4.5
    launch_ttl_seconds: int = 600  # how long an issued lti_message_hint stays usable
    custom: tuple[tuple[str, str], ...] = (("lms", "kurswerk-devplatform"),)
    platform_name: str = "Kurswerk LMS-Simulator"
    # LTI Advantage: the service scopes this platform grants the tool (a Moodle admin can
    # grant fewer); the roster's page size and how its ``Link`` header is written
    # (``quoted``: rel="next"; ``unquoted``: rel=next, as lti1p3platform); roles in the
    # roster as short names (Moodle) or full URIs.
    granted_scopes: tuple[str, ...] = SERVICE_SCOPES
    nrps_page_size: int = 2
    nrps_link_style: str = "quoted"
    nrps_short_roles: bool = True
    access_token_ttl_seconds: int = 3600
    launch_style: str = "plain"  # one of LAUNCH_STYLES

    @classmethod
    def local(cls, *, simulator_port: int, tool_port: int, **overrides: object) -> SimulatorConfig:
        """The demo layout: simulator on ``localhost``, tool on ``127.0.0.1`` (two sites)."""
        return cls(
            issuer=f"http://localhost:{simulator_port}",
            tool_base_url=f"http://127.0.0.1:{tool_port}",
            **overrides,  # type: ignore[arg-type]
        )

    def __post_init__(self) -> None:
        for url in (self.issuer, self.tool_base_url):
            parts = urlsplit(url)
            origin = f"{parts.scheme}://{parts.netloc}"
            if parts.scheme not in ("http", "https") or not parts.netloc or url != origin:
                raise ValueError(f"expected an origin like http://host:port, got {url!r}")
        if self.nrps_page_size < 1 or self.nrps_link_style not in ("quoted", "unquoted"):
            raise ValueError("nrps_page_size must be positive, nrps_link_style quoted|unquoted")
        if self.launch_style not in LAUNCH_STYLES:
            raise ValueError(f"launch_style must be one of {LAUNCH_STYLES}")
        unknown = set(self.granted_scopes) - set(SERVICE_SCOPES)
        if unknown:
            raise ValueError(f"unknown service scopes: {sorted(unknown)}")
        keys = [p.key for p in self.people]
        subs = [p.sub for p in self.people]
        if len(set(keys)) != len(keys) or len(set(subs)) != len(subs):
            raise ValueError("every person needs a unique key and sub")

    # --- the simulator's own endpoints (what the tool registers for this platform) ---
    @property
    def auth_url(self) -> str:
        if self.launch_style == "moodle":
            return f"{self.issuer}/mod/lti/auth.php"
        return f"{self.issuer}/auth"

    @property
    def storage_target(self) -> str | None:
        """``lti_storage_target`` sent at login (Canvas-like platforms only)."""
        return STORAGE_FRAME if self.launch_style == "canvas" else None

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    @property
    def return_url(self) -> str:
        return f"{self.issuer}/return"

    @property
    def lineitems_url(self) -> str:
        return f"{self.issuer}/ags/lineitems"

    def lineitem_url(self, line_item_id: str) -> str:
        return f"{self.issuer}/ags/lineitems/{line_item_id}"

    @property
    def memberships_url(self) -> str:
        return f"{self.issuer}/nrps/memberships"

    @property
    def deep_link_return_url(self) -> str:
        return f"{self.issuer}/deep-link/return"

    @property
    def openid_configuration_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def registration_endpoint(self) -> str:
        return f"{self.issuer}/register-tool"

    @property
    def tool_registration_url(self) -> str:
        """Where the tool answers dynamic registration (DESIGN.md §3: ``/lti/register``)."""
        return f"{self.tool_base_url}/lti/register"

    # --- the tool, as registered with the simulator ---
    @property
    def tool_login_url(self) -> str:
        return f"{self.tool_base_url}/lti/login"

    @property
    def tool_launch_url(self) -> str:
        return f"{self.tool_base_url}/lti/launch"

    @property
    def tool_jwks_url(self) -> str:
        return f"{self.tool_base_url}/lti/jwks"

    @property
    def redirect_uris(self) -> tuple[str, ...]:
        """Registered redirect URIs: the auth endpoint posts id_tokens nowhere else."""
        return (self.tool_launch_url,)

    @property
    def target_link_uri(self) -> str:
        return self.tool_launch_url

    def person(self, key: str) -> Person | None:
        return next((p for p in self.people if p.key == key), None)

    def person_by_sub(self, sub: str) -> Person | None:
        return next((p for p in self.people if p.sub == sub), None)
