"""Emails: rendered from templates, sent over SMTP by the outbox worker (never by a request).

Each message is one folder ``kurswerk/templates/email/<name>/`` with ``subject.txt``,
``body.txt`` and ``body.html`` (the Warehouse layout), for every language: its texts are
German message ids translated through the gettext catalogs, like the pages'
(``{% trans %}`` / ``{% pluralize %}``, ``_()``, ``ngettext()``, ``pgettext()`` from
``kurswerk.core.i18n.template_functions``; ``kurswerk.core.i18n`` explains the catalogs).
A message is rendered in the language asked for (ours or an LMS's, ``en-GB``) whenever a
catalog speaks it; any other gets the German message, and then says so: the HTML's ``lang``
and the date format follow the language actually rendered (``RenderedEmail.locale``), not
the one asked for. A person's mail is asked in ``recipient_locale``: the language stored
for them, else the deployment's ``KURSWERK_DEFAULT_LOCALE``. Dates and numbers go through
the filters of ``kurswerk.core.clock.FILTERS`` (``datetime``, ...), as on pages: in the
message's language and the course's time zone. Variables that a template needs are listed
at the top of its ``body.txt``; a missing one is an error at render time
(``StrictUndefined``), i.e. in the request that enqueues the mail, where tests see it, not
hours later in the worker.

The subject and the text part are plain text: nothing in them is escaped (a title with
"&" reads "&"), and ``.ljust`` aligns their label columns whatever a label's length in
the language. Only the HTML part is autoescaped. A value that is already safe HTML
(feedback rendered from Markdown and sanitised) must be passed as ``markupsafe.Markup``;
a plain ``str`` is escaped.

Attachments (``Attachment``: file name, media type, bytes, and the media type's
parameters where one is needed, as a calendar invitation's ``method=REQUEST``) are added
after the text and HTML parts, which makes the message ``multipart/mixed`` around the
``multipart/alternative`` body. In an outbox row they travel inline, base64 in the JSON
payload (``attachments_to_payload`` / ``attachments_from_payload``): the row is a snapshot
of the mail as it was when the change committed, and the worker needs no access to file
storage.
That makes rows as large as their attachments, so callers keep them small (the feedback
PDF is attached only up to a few MB and linked otherwise).

``KURSWERK_SMTP_URL`` forms: ``smtp://host:port`` (plain, default port 25),
``smtp+starttls://host:port`` (STARTTLS required, default 587), ``smtps://host:port``
(implicit TLS, default 465); each with optional ``user:password@`` (percent-encoded).
"""

from __future__ import annotations

import base64
import binascii
import re
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from kurswerk.core import clock, i18n
from kurswerk.core.i18n import DEFAULT_LOCALE, normalise_locale, supported_locale
from kurswerk.core.settings import get_settings

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "email"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    locale: str = DEFAULT_LOCALE  # the language the message was rendered in


_TOKEN = re.compile(r"[A-Za-z0-9!#$&^_.+-]+")
"""A media type parameter's name or value that needs no quoting (RFC 2045's token)."""


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message; ``content_type`` is ``maintype/subtype``, ``params`` the
    Content-Type's parameters besides the file name (``(("method", "REQUEST"),)``)."""

    filename: str
    content_type: str
    data: bytes
    params: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        maintype, slash, subtype = self.content_type.partition("/")
        if not (maintype and slash and subtype) or any(c.isspace() for c in self.content_type):
            raise ValueError(f"not a media type: {self.content_type!r}")
        object.__setattr__(self, "params", tuple((str(k), str(v)) for k, v in self.params))
        for name, value in self.params:
            if not (_TOKEN.fullmatch(name) and _TOKEN.fullmatch(value)):
                raise ValueError(f"not a media type parameter: {name!r}={value!r}")
        # One line, whatever the caller passed: the name goes into a header parameter.
        object.__setattr__(self, "filename", " ".join(self.filename.split()) or "attachment")


def attachments_to_payload(attachments: Sequence[Attachment]) -> list[dict[str, Any]]:
    """JSON-safe form of attachments for an outbox payload."""
    items = []
    for item in attachments:
        entry: dict[str, Any] = {
            "filename": item.filename,
            "content_type": item.content_type,
            "data_base64": base64.b64encode(item.data).decode("ascii"),
        }
        if item.params:
            entry["params"] = dict(item.params)
        items.append(entry)
    return items


def attachments_from_payload(items: Sequence[dict[str, Any]]) -> list[Attachment]:
    """The inverse of ``attachments_to_payload``; raises ``ValueError`` on a broken item."""
    result = []
    for item in items:
        try:
            data = base64.b64decode(item["data_base64"], validate=True)
            params = tuple((item.get("params") or {}).items())
        except (KeyError, TypeError, AttributeError, binascii.Error) as exc:
            raise ValueError(f"broken attachment in payload: {exc!r}") from exc
        result.append(Attachment(str(item["filename"]), str(item["content_type"]), data, params))
    return result


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        # Subject and plain text are not HTML: escaping them would show "&amp;" to readers.
        autoescape=autoescape,  # noqa: S701
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # as kurswerk.core.templating
    env.policies["ext.i18n.trimmed"] = True
    env.filters.update(clock.FILTERS)  # in the message's language, as pages
    return env


_text_env = _environment(autoescape=False)
_html_env = _environment(autoescape=True)


def recipient_locale(stored: str | None) -> str:
    """The language of a mail to a person whose stored locale is ``stored`` (their choice
    in the tool, else their LMS's at their latest launch): that language when Kurswerk
    speaks it, else the deployment's ``KURSWERK_DEFAULT_LOCALE`` - as their pages would be,
    also for someone who never launched (nothing stored)."""
    return supported_locale(stored) or get_settings().default_locale


def render(name: str, ctx: dict[str, Any], locale: str | None = DEFAULT_LOCALE) -> RenderedEmail:
    """Render ``email/<name>/`` with ``ctx`` in ``locale`` (ours or an LMS's, ``en-GB``);
    German where no catalog speaks it. Raises ``TemplateNotFound`` / ``UndefinedError``."""
    if not name or "/" in name or "\\" in name or name.startswith((".", "_")):
        raise TemplateNotFound(name)
    language = normalise_locale(locale)
    context = {**ctx, "locale": language, **i18n.template_functions(language)}
    subject = _text_env.get_template(f"{name}/subject.txt").render(context)
    text = _text_env.get_template(f"{name}/body.txt").render(context)
    html = _html_env.get_template(f"{name}/body.html").render(context)
    # One line, whatever the values held: a header must never carry a line break.
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=_strip_doc_block(text),
        html=html,
        locale=language,
    )


def _strip_doc_block(text: str) -> str:
    """Jinja comments document the variables; remove the blank lines they leave behind."""
    return text.lstrip("\n")


def message_id_for(uid: str, mail_from: str) -> str:
    """A stable ``Message-ID`` for an outbox row: a re-send is recognisably the same mail."""
    _, at, domain = parseaddr(mail_from)[1].rpartition("@")
    return f"<{uid}@{domain if at and domain else 'kurswerk.localhost'}>"


def build_message(
    rendered: RenderedEmail,
    *,
    to: str,
    mail_from: str,
    message_id: str,
    to_name: str | None = None,
    sent_at: datetime | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:
    """multipart/alternative (plain text first, then HTML), UTF-8, quoted-printable; with
    attachments, that inside a multipart/mixed followed by each file (base64)."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = mail_from
    message["To"] = Address(display_name=to_name or "", addr_spec=to)
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(sent_at or clock.utcnow())
    # RFC 3834: tells auto-responders (vacation replies) not to answer.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        # add_attachment turns the message into multipart/mixed around the alternative.
        message.add_attachment(
            item.data,
            maintype=maintype,
            subtype=subtype,
            filename=item.filename,
            params=dict(item.params) or None,
        )
    return message


def is_valid_address(value: str) -> bool:
    """Good enough to hand to SMTP: one ASCII ``local@domain.tld``, no spaces or line breaks.

    Internationalised addresses (non-ASCII, which need SMTPUTF8) are not supported yet.
    """
    if not value or len(value) > 320 or not value.isascii():
        return False
    if any(ch.isspace() for ch in value):
        return False
    try:
        address = Address(addr_spec=value)
    except (ValueError, MessageError):
        return False
    return bool(address.username) and "." in address.domain and address.addr_spec == value


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # "plain" | "starttls" | "tls"
    username: str | None
    password: str | None


_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise ValueError(
            f"KURSWERK_SMTP_URL: scheme must be one of {', '.join(sorted(_SCHEMES))}, "
            f"not {parts.scheme!r}"
        )
    if not parts.hostname:
        raise ValueError("KURSWERK_SMTP_URL: host missing")
    security, default_port = _SCHEMES[parts.scheme]
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


@lru_cache(maxsize=1)
def _default_tls() -> ssl.SSLContext:
    """The system's trust store, verified host names; loaded once (it takes ~50 ms)."""
    return ssl.create_default_context()


def send(
    message: EmailMessage,
    smtp_url: str,
    *,
    timeout: float = 30.0,
    local_hostname: str | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Deliver one message to the SMTP server of ``smtp_url``; raises smtplib/OS errors.

    The envelope sender and recipients come from the message's From and To headers.
    ``local_hostname`` is the name we greet with (EHLO); without it, smtplib asks DNS.
    """
    target = parse_smtp_url(smtp_url)
    client: smtplib.SMTP
    if target.security == "tls":
        client = smtplib.SMTP_SSL(
            target.host,
            target.port,
            local_hostname,
            timeout=timeout,
            context=ssl_context or _default_tls(),
        )
    else:
        client = smtplib.SMTP(target.host, target.port, local_hostname, timeout=timeout)
    try:
        if target.security == "starttls":
            client.starttls(context=ssl_context or _default_tls())
        if target.username is not None:
            client.login(target.username, target.password or "")
        client.send_message(message)
    finally:
        # The message is accepted once send_message returns: a failing QUIT must not turn
        # that into an error (the outbox would send it again).
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()
