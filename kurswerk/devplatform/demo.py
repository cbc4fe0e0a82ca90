"""``kurswerk demo``: the tool and the LMS simulator on loopback, in one process.

The two run on two *sites*, as in a real LMS: the simulator on ``http://localhost:8001``
embeds the tool from ``http://127.0.0.1:8000`` in an iframe, so the launch meets the
same cross-site cookie rules as inside Moodle.

``run()`` goes through these steps; each is a function of its own so the browser tests
(``tests/e2e``) prepare their live servers with the very same code:

1. ``check_dev_env()``       refuse unless ``KURSWERK_ENV`` is ``dev``
2. ``bind_loopback()``       take both ports first, so a busy port fails before any work
3. ``tool_settings()``       ``KURSWERK_BASE_URL=http://127.0.0.1:{port}``; SQLite under
                             ``./var/`` unless ``KURSWERK_DATABASE_URL`` says otherwise
4. ``prepare()``             migrations, then in one transaction:
   ``load_content()``        -> ``course.content.load.check`` + ``course.content.load.load``
   ``register_simulator()``  -> ``lti.service.add_platform`` (skipped when registered)
   ``grant_demo_coaching()`` -> ``kurswerk.devplatform.demo_seed.seed_demo_coaching`` (the coaching
                             learner's package, with office hours, granted by email through
                             coaching administration, so the audit log shows it; idempotent)
   ``offer_demo_office_hours()`` -> ``...demo_seed.seed_demo_office_hours`` (the tutor's
                             weekly office hours, published as a tutor would; idempotent)
   ``seed_demo_comment_bank`` -> ``...demo_comment_bank`` (the tutors' snippets for the
                             course's exercises, once, while the bank is empty)
   ``start_mail_catcher()``  before 3.: a local SMTP server on loopback whose mails the
                             simulator's "Postausgang (Demo)" page lists; the tool's
                             ``KURSWERK_SMTP_URL`` points at it unless the user set one
5. ``demo_apps()``           the tool and the simulator, whose "Postausgang (Demo)" page
                             lists the catcher's mails; the simulator keeps its course's
                             links, gradebook and registration, and the catcher its mails,
                             in the demo's data folder (``demo_data_dir()``), across restarts
6. ``start_worker()``        the outbox worker on a thread, as ``kurswerk worker`` would
                             run it: emails (to the catcher), LMS calls (grades to the
                             simulator's gradebook) and the periodic jobs
7. ``serve()``               both uvicorn servers in one asyncio loop; Ctrl-C stops both

Only ``load_content``, ``register_simulator``, ``grant_demo_coaching``,
``offer_demo_office_hours`` and the workers call into the domains (``course``, ``lti``,
``coaching``, ``uploads``); everything else is the shell's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlmodel import Session

from coaching.common import CoachingRefused, describe
from coaching.office_hours.availability import weekday_name
from kurswerk.app import create_app
from kurswerk.core import migrations
from kurswerk.core.db import make_engine, new_session
from kurswerk.core.log_redaction import uvicorn_log_config
from kurswerk.core.outbox.worker import BackgroundWorker
from kurswerk.core.settings import Settings, get_settings
from kurswerk.devplatform.app import create_simulator
from kurswerk.devplatform.config import COACHING_PERSON, OFFICE_HOURS_TUTOR, SimulatorConfig
from kurswerk.devplatform.demo_comment_bank import seed_demo_comment_bank
from kurswerk.devplatform.demo_seed import (
    DemoCourse,
    DemoTutor,
    seed_demo_coaching,
    seed_demo_office_hours,
)
from kurswerk.devplatform.mailcatcher import MailCatcher, MailStore
from kurswerk.devplatform.persist import MAILS_FILE
from kurswerk.wiring import wire

LOOPBACK = "127.0.0.1"  # both servers listen here; the simulator's URLs say "localhost"
DEMO_DATABASE_URL = "sqlite:///./var/kurswerk.db"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class DemoRefused(Exception):
    """The demo cannot start; the message tells the user what to change."""


def demo_data_dir(database_url: str) -> Path:
    """Where the demo keeps its files: the folder of its SQLite database (``./var/``), or
    ``./var/`` when the database is elsewhere (PostgreSQL)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent
    return Path("var")


def check_dev_env() -> None:
    env = Settings().env
    if env != "dev":
        raise DemoRefused(
            f"KURSWERK_ENV is {env!r}: the demo and its LMS simulator run only with "
            "KURSWERK_ENV=dev (the default)."
        )


def bind_loopback(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port=0`` picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((LOOPBACK, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise DemoRefused(
            f"Cannot listen on {LOOPBACK}:{port} ({exc.strerror}). "
            "Choose other ports with --port / --simulator-port."
        ) from exc
    return sock


def port_of(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def tool_settings(port: int) -> Settings:
    """The tool's settings for the demo; also exported to the environment, so code that
    reads ``get_settings()`` agrees with the app."""
    os.environ["KURSWERK_BASE_URL"] = f"http://{LOOPBACK}:{port}"
    os.environ.setdefault("KURSWERK_DATABASE_URL", DEMO_DATABASE_URL)
    get_settings.cache_clear()
    return get_settings()


def content_dir() -> Path:
    """The course as files: the ``content/`` folder next to the project."""
    return PROJECT_ROOT / "content"


def load_content(session: Session, path: Path) -> str:
    """Check, then load (or update) the course content. Needs the course work (``course``)."""
    from course.content import load as content

    problems = content.check(path)
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems)
        raise DemoRefused(f"The course content in {path} has problems:\n{listing}")
    return str(content.load(session, path))


def register_simulator(session: Session, simulator: SimulatorConfig) -> None:
    """Register the simulator as a platform with its deployment, once. Needs ``lti.service``."""
    from lti import service

    for platform, deployment_ids in service.list_platforms(session):
        if (
            platform.issuer == simulator.issuer
            and platform.client_id == simulator.client_id
            and simulator.deployment_id in deployment_ids
        ):
            return
    service.add_platform(
        session,
        issuer=simulator.issuer,
        client_id=simulator.client_id,
        auth_login_url=simulator.auth_url,
        auth_token_url=simulator.token_url,
        keyset_url=simulator.jwks_url,
        deployment_ids=[simulator.deployment_id],
        name=simulator.platform_name,
    )


def grant_demo_coaching(session: Session, simulator: SimulatorConfig) -> None:
    """Give the demo's coaching learner the demo package in the demo course, by email
    (resolved at her first launch), logged as ``system:demo``. Needs the coaching room;
    idempotent."""

    person = simulator.person(COACHING_PERSON)
    if person is None:  # a simulator configured without her
        return
    try:
        seed_demo_coaching(session, DemoCourse.of(simulator), email=person.email)
    except CoachingRefused as refused:
        reasons = "; ".join(describe(problem, "en") for problem in refused.problems)
        raise DemoRefused(
            f"The demo coaching package cannot be granted to {person.email}: {reasons}"
        ) from refused


def offer_demo_office_hours(
    session: Session, simulator: SimulatorConfig, settings: Settings
) -> list[str]:
    """The demo's tutor offers his weekly office hours in the demo course (published
    through the office-hours rules, laid out up to the horizon), or finds them offered.
    Returns a line for the banner for each weekday that could not be offered (a slot he
    added himself at that time): the demo starts anyway. Needs the coaching room."""
    person = simulator.person(OFFICE_HOURS_TUTOR)
    if person is None:  # a simulator configured without him
        return []
    offered = seed_demo_office_hours(
        session,
        DemoCourse.of(simulator),
        DemoTutor.of(person),
        horizon_weeks=settings.office_hours_horizon_weeks,
    )
    return [
        f"Office hours on {weekday_name(weekday, 'en')}s not offered for {person.name}: "
        + "; ".join(describe(problem, "en") for problem in refused.problems)
        for weekday, refused in offered.refused.items()
    ]


def prepare(settings: Settings, simulator: SimulatorConfig, content: Path) -> str:
    """Migrate, load the content, register the simulator and seed the demo's coaching
    and office hours; returns the load report (and what could not be offered)."""
    migrations.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with new_session(engine) as session:
            report = load_content(session, content)
            register_simulator(session, simulator)
            grant_demo_coaching(session, simulator)
            notes = offer_demo_office_hours(session, simulator, settings)
            seed_demo_comment_bank(session, DemoCourse.of(simulator))
            session.commit()
    finally:
        engine.dispose()
    return "\n".join([report, *notes])


def start_mail_catcher(store: MailStore) -> MailCatcher | None:
    """The demo's SMTP catcher on loopback, and ``KURSWERK_SMTP_URL`` pointed at it;
    ``None`` (nothing started) when the user set ``KURSWERK_SMTP_URL`` themselves."""
    if os.environ.get("KURSWERK_SMTP_URL"):
        return None
    catcher = MailCatcher(store).start()
    os.environ["KURSWERK_SMTP_URL"] = catcher.url
    get_settings.cache_clear()
    return catcher


def demo_apps(
    settings: Settings,
    simulator: SimulatorConfig,
    mail_store: MailStore | None,
    data_dir: Path | None = None,
) -> tuple[FastAPI, FastAPI]:
    """The tool and the simulator as the demo serves them. With ``mail_store`` (the
    catcher's), the simulator's "Postausgang (Demo)" page lists the caught mails; with
    ``data_dir``, the simulator keeps its course there across restarts."""
    return (
        create_app(settings),
        create_simulator(simulator, settings=settings, mail_store=mail_store, data_dir=data_dir),
    )


def start_worker(settings: Settings) -> BackgroundWorker | None:
    """The outbox worker while the demo runs, as ``kurswerk worker`` would run it: emails
    to ``settings.smtp_url`` (the catcher), ``lms_call`` rows (AGS scores) to the
    simulator's gradebook, and the periodic jobs (the slots ``kurswerk.wiring`` fills).
    ``None`` when the database has no outbox yet."""
    wire()
    engine = make_engine(settings.database_url)
    if not inspect(engine).has_table("outbox_message"):
        engine.dispose()
        return None
    return BackgroundWorker(settings, engine=engine, poll_seconds=1.0).start()


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signals to ``serve()``: with two servers in one loop,
    each installing its own handlers, one Ctrl-C would stop only one of them."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(
    apps: Sequence[tuple[FastAPI, socket.socket]],
    *,
    stop: asyncio.Event | None = None,
    log_level: str = "warning",
) -> None:
    """Serve each app on its socket until ``stop`` is set (or SIGINT/SIGTERM arrives).

    A second Ctrl-C stops without waiting for open connections.
    """
    stop = stop or asyncio.Event()
    servers = [
        _Server(uvicorn.Config(app, log_level=log_level, log_config=uvicorn_log_config()))
        for app, _ in apps
    ]
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():
            for server in servers:
                server.force_exit = True
        stop.set()

    signals = (signal.SIGINT, signal.SIGTERM)
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
        for sig in signals:
            loop.add_signal_handler(sig, on_signal)

    async def stop_all() -> None:
        await stop.wait()
        for server in servers:
            server.should_exit = True

    stopper = asyncio.create_task(stop_all())
    try:
        await asyncio.gather(
            *(server.serve(sockets=[sock]) for server, (_, sock) in zip(servers, apps, strict=True))
        )
    finally:
        stopper.cancel()
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)


def _banner(
    settings: Settings, simulator: SimulatorConfig, report: str, catcher: MailCatcher | None
) -> str:
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    return "\n".join(
        [
            report,
            "",
            "Kurswerk demo is running.",
            "",
            f"  Open this URL in your browser:  {simulator.issuer}/",
            "",
            f"  LMS simulator (the platform):   {simulator.issuer}",
            f"    gradebook, roster, tools:     {simulator.issuer}/gradebook, /roster, /tools",
            f"  Kurswerk (the tool, in iframe): {settings.base_url}",
            f"  Emails sent by the tool:        {simulator.issuer}/mails"
            + (
                f" (SMTP catcher at {catcher.url})"
                if catcher
                else f" (not caught: {settings.smtp_url})"
            ),
            f"  Database:                       {database}",
            "",
            "Stop with Ctrl-C.",
        ]
    )


def run(port: int = 8000, simulator_port: int = 8001, launch_style: str = "plain") -> int:
    """``kurswerk demo``: prepare everything, serve until Ctrl-C. Returns the exit code."""
    with contextlib.ExitStack() as resources:
        try:
            check_dev_env()
            tool_socket = resources.enter_context(bind_loopback(port))
            simulator_socket = resources.enter_context(bind_loopback(simulator_port))
            data_dir = demo_data_dir(os.environ.get("KURSWERK_DATABASE_URL", DEMO_DATABASE_URL))
            mail_store = MailStore(path=data_dir / MAILS_FILE)
            catcher = start_mail_catcher(mail_store)
            if catcher is not None:
                resources.callback(catcher.stop)
            settings = tool_settings(port_of(tool_socket))
            simulator = SimulatorConfig.local(
                simulator_port=port_of(simulator_socket),
                tool_port=port_of(tool_socket),
                launch_style=launch_style,
            )
            report = prepare(settings, simulator, content_dir())
        except DemoRefused as exc:
            print(f"kurswerk demo: {exc}", file=sys.stderr)
            return 2
        tool_app, simulator_app = demo_apps(
            settings, simulator, mail_store if catcher is not None else None, data_dir
        )
        apps = [(tool_app, tool_socket), (simulator_app, simulator_socket)]
        # The demo's console shows its banner and what goes wrong, not a line per request.
        logging.getLogger("kurswerk.access").setLevel(logging.WARNING)
        print(_banner(settings, simulator, report, catcher), flush=True)
        worker = start_worker(settings)
        try:
            asyncio.run(serve(apps))
        finally:
            if worker is not None:
                worker.stop(timeout=10)
    print("Kurswerk demo stopped.")
    return 0
