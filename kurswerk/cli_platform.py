"""``kurswerk platform add|list``: the LMS platforms registered with the tool (part of
``kurswerk.cli``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kurswerk.db import make_engine, new_session
from kurswerk.settings import get_settings


def _cmd_platform_add(args: argparse.Namespace) -> int:
    from lti import service

    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        try:
            platform = service.add_platform(
                session,
                issuer=args.issuer,
                client_id=args.client_id,
                auth_login_url=args.auth_login_url,
                auth_token_url=args.auth_token_url,
                keyset_url=args.keyset_url,
                deployment_ids=args.deployment_id,
                name=args.name or "",
            )
        except ValueError as exc:  # lti.service.PlatformConfigError: a value that cannot work
            print(f"Platform not registered: {exc}", file=sys.stderr)
            return 2
        session.commit()
        print(f"Platform {platform.id}: {platform.issuer} (client {platform.client_id})")
    return 0


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
                f"deployments={','.join(deployment_ids) or '-'}\t{platform.name}"
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
    add.set_defaults(func=_cmd_platform_add)
    listing = platform_cmds.add_parser("list", help="list registered platforms")
    listing.set_defaults(func=_cmd_platform_list)
