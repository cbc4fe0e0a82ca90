"""``kurswerk platform add|list|frame-origins``: the LMS platforms registered with the tool
(part of ``kurswerk.cli``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kurswerk.core.db import make_engine, new_session
from kurswerk.core.settings import get_settings

if TYPE_CHECKING:
    from sqlmodel import Session

    from lti.models import Platform


def _change_platform(
    refused: str, change: Callable[[Session], Platform], done: Callable[[Platform], str]
) -> int:
    """Run ``change`` on a platform registration and commit it; print what is ``done``, or
    ``refused`` and why when a value cannot work (exit 2)."""
    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        try:
            platform = change(session)
        except ValueError as exc:  # lti.service.PlatformConfigError: a value that cannot work
            print(f"{refused}: {exc}", file=sys.stderr)
            return 2
        session.commit()
        print(f"Platform {platform.id}: {done(platform)}")
    return 0


def _cmd_platform_add(args: argparse.Namespace) -> int:
    from lti import service

    return _change_platform(
        "Platform not registered",
        lambda session: service.add_platform(
            session,
            issuer=args.issuer,
            client_id=args.client_id,
            auth_login_url=args.auth_login_url,
            auth_token_url=args.auth_token_url,
            keyset_url=args.keyset_url,
            deployment_ids=args.deployment_id,
            name=args.name or "",
            frame_origins=args.frame_origin or (),
        ),
        lambda platform: f"{platform.issuer} (client {platform.client_id})",
    )


def _cmd_platform_frame_origins(args: argparse.Namespace) -> int:
    from lti import service

    return _change_platform(
        "Frame origins not changed",
        lambda session: service.change_frame_origins(
            session, args.platform_id, add=args.add or (), remove=args.remove or ()
        ),
        lambda platform: f"frame origins {platform.frame_origins or '-'}",
    )


def _cmd_platform_list(_args: argparse.Namespace) -> int:
    from lti import service

    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        rows = service.list_platforms(session)
        if not rows:
            print("No platforms registered. Add one with `kurswerk platform add ...`.")
        for platform, deployment_ids in rows:
            print(
                f"{platform.id}\t{platform.issuer}\tclient={platform.client_id}\t"
                f"deployments={','.join(deployment_ids) or '-'}\t"
                f"frame-origins={','.join((platform.frame_origins or '').split()) or '-'}\t"
                f"{platform.name}"
            )
    return 0


def add_parsers(commands: Any) -> None:
    platform = commands.add_parser("platform", help="LMS platform registrations")
    platform_cmds = platform.add_subparsers(dest="platform_command", required=True)
    add = platform_cmds.add_parser("add", help="register a platform (or add deployments)")
    add.add_argument("--issuer", required=True)
    add.add_argument("--client-id", required=True)
    add.add_argument("--auth-login-url", required=True)
    add.add_argument("--auth-token-url", required=True)
    add.add_argument("--keyset-url", required=True)
    add.add_argument("--deployment-id", action="append", required=True)
    add.add_argument("--name", default="")
    add.add_argument(
        "--frame-origin",
        action="append",
        help="a further origin that frames the tool, e.g. https://school.instructure.com "
        "for Canvas cloud (repeatable)",
    )
    add.set_defaults(func=_cmd_platform_add)
    frames = platform_cmds.add_parser(
        "frame-origins", help="add or remove origins that may frame the tool for a platform"
    )
    frames.add_argument("platform_id", type=int, help="the id `kurswerk platform list` shows")
    frames.add_argument("--add", action="append", metavar="ORIGIN")
    frames.add_argument("--remove", action="append", metavar="ORIGIN")
    frames.set_defaults(func=_cmd_platform_frame_origins)
    listing = platform_cmds.add_parser("list", help="list registered platforms")
    listing.set_defaults(func=_cmd_platform_list)
