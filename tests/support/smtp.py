"""A real SMTP server for tests: aiosmtpd on a free loopback port, collecting messages.

``SmtpSink`` can be stopped and started again on the same port (an outage: clients get
"connection refused" in between), can refuse chosen recipients with a given reply
(``550`` permanent, ``451`` temporary), can require ``AUTH LOGIN/PLAIN``, and can speak
implicit TLS or STARTTLS with a throw-away certificate (``self_signed_tls``).

``stall(n)`` holds the next ``n`` conversations at their ``RCPT`` command, before any
message data, until ``release()``: a client is then caught mid-conversation (to kill a
worker there, or to have several workers provably sending at once); a released
conversation goes on normally.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    raw: bytes


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.sink._take_stall():
            while not self.sink._released.is_set():
                await asyncio.sleep(0.02)
        reply = self.sink.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = bytes(envelope.original_content or envelope.content)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.sink.lock:
            self.sink.messages.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), parsed, raw)
            )
            self.sink.lock.notify_all()
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(
        self,
        *,
        port: int | None = None,
        credentials: tuple[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
        starttls: ssl.SSLContext | None = None,
    ) -> None:
        self.port = port or free_port()
        self.messages: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.lock = threading.Condition()
        self._credentials = credentials
        self._tls = tls
        self._starttls = starttls
        self._controller: Controller | None = None
        self._stalls_left = 0
        self.stalled = 0  # conversations held so far (see ``stall``)
        self._released = threading.Event()

    def stall(self, conversations: int) -> None:
        """Hold the next ``conversations`` at their RCPT command until ``release()``."""
        with self.lock:
            self._stalls_left = conversations
            self._released.clear()

    def release(self) -> None:
        self._released.set()

    def wait_stalled(self, count: int, timeout: float = 60.0) -> bool:
        with self.lock:
            return self.lock.wait_for(lambda: self.stalled >= count, timeout)

    def _take_stall(self) -> bool:
        with self.lock:
            if self._stalls_left <= 0:
                return False
            self._stalls_left -= 1
            self.stalled += 1
            self.lock.notify_all()
            return True

    @property
    def url(self) -> str:
        scheme = "smtps" if self._tls else "smtp+starttls" if self._starttls else "smtp"
        auth = f"{self._credentials[0]}:{self._credentials[1]}@" if self._credentials else ""
        return f"{scheme}://{auth}{HOST}:{self.port}"

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            self._credentials is not None
            and isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == self._credentials
        )
        # handled=False: aiosmtpd answers "535" itself for a refusal.
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpSink:
        kwargs: dict[str, Any] = {}
        if self._credentials:
            kwargs.update(
                authenticator=self._authenticate,
                auth_required=True,
                # Implicit TLS is encrypted from the start, but aiosmtpd only counts STARTTLS.
                auth_require_tls=bool(self._starttls),
            )
        if self._starttls:
            kwargs.update(tls_context=self._starttls, require_starttls=True)
        self._controller = Controller(
            _Handler(self),
            hostname=HOST,
            port=self.port,
            ssl_context=self._tls,
            server_hostname="localhost",
            **kwargs,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    # --- what arrived ---

    def by_message_id(self) -> Counter[str]:
        with self.lock:
            return Counter(str(item.message["Message-ID"]) for item in self.messages)

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 20.0) -> bool:
        """Block until ``count`` messages arrived (for tests of background delivery)."""
        with self.lock:
            return self.lock.wait_for(lambda: len(self.messages) >= count, timeout)


@dataclass(frozen=True)
class TlsPair:
    server: ssl.SSLContext
    client: ssl.SSLContext


def self_signed_tls(folder: Path) -> TlsPair:
    """A certificate for 127.0.0.1/localhost, a server context and a client that trusts it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = folder / "cert.pem"
    key_path = folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return TlsPair(server=server, client=client)
