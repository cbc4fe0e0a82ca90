"""``kurswerk keys rotate|list``: the tool's signing keys, published at ``/lti/jwks``
(part of ``kurswerk.cli``)."""

from __future__ import annotations

import argparse
from typing import Any

from kurswerk.core.clock import utcnow
from kurswerk.core.db import make_engine, new_session
from kurswerk.core.settings import get_settings


def _cmd_keys_rotate(_args: argparse.Namespace) -> int:
    from datetime import timedelta

    from lti import service

    settings = get_settings()
    overlap = timedelta(hours=settings.tool_key_overlap_hours)
    engine = make_engine(settings.database_url)
    with new_session(engine) as session:
        rotation = service.rotate_tool_key(session, overlap=overlap)
        session.commit()
    engine.dispose()
    print(f"New key: {rotation.new_kid}")
    print(f"Published at once; used for signing from {rotation.signs_from:%H:%M:%S} UTC.")
    if rotation.retired_kid and rotation.published_until:
        print(
            f"Previous key {rotation.retired_kid} stays in /lti/jwks until "
            f"{rotation.published_until:%Y-%m-%d %H:%M} UTC (KURSWERK_TOOL_KEY_OVERLAP_HOURS)."
        )
    for kid in rotation.dropped_kids:
        print(f"Dropped key {kid} (its overlap had ended).")
    print("Running servers and workers publish the new key within a minute.")
    return 0


def _cmd_keys_list(_args: argparse.Namespace) -> int:
    from datetime import timedelta

    from lti import service

    settings = get_settings()
    overlap = timedelta(hours=settings.tool_key_overlap_hours)
    engine = make_engine(settings.database_url)
    with new_session(engine) as session:
        keys = service.published_keys(session, overlap=overlap, now=utcnow())
        if not keys:
            print("No tool key yet: the first launch or `kurswerk keys rotate` creates one.")
        for key in keys:
            state = (
                "signing" if key.retired_at is None else f"retired {key.retired_at:%Y-%m-%d %H:%M}"
            )
            print(f"{key.kid}\t{state}")
    engine.dispose()
    return 0


def add_parsers(commands: Any) -> None:
    keys = commands.add_parser("keys", help="the tool's signing keys (published at /lti/jwks)")
    keys_cmds = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_cmds.add_parser(
        "rotate", help="make a new signing key; the old one stays published for the overlap"
    )
    rotate.set_defaults(func=_cmd_keys_rotate)
    keys_list = keys_cmds.add_parser("list", help="list the published keys")
    keys_list.set_defaults(func=_cmd_keys_list)
