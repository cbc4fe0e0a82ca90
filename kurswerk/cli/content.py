"""``kurswerk content check|load [PATH]``: the course as files, and ``kurswerk content
reindex``: the forum and FAQ search index rebuilt (part of ``kurswerk.cli``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kurswerk.core.db import make_engine, new_session
from kurswerk.core.settings import get_settings


def _cmd_content_check(args: argparse.Namespace) -> int:
    from course.content import load as content

    problems = content.check(args.path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print(f"Content in {args.path} is valid.")
    return 0


def _cmd_content_load(args: argparse.Namespace) -> int:
    from course.content import load as content

    problems = content.check(args.path)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("Nothing loaded: fix the problems above first.", file=sys.stderr)
        return 1
    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        report = content.load(session, args.path)
        session.commit()
    print(report)
    return 0


def _cmd_content_reindex(_args: argparse.Namespace) -> int:
    from course import service

    engine = make_engine(get_settings().database_url)
    with new_session(engine) as session:
        report = service.rebuild_search_index(session)
        session.commit()
    print(report)
    return 0


def add_parsers(commands: Any) -> None:
    content_cmd = commands.add_parser("content", help="course content as files")
    content_cmds = content_cmd.add_subparsers(dest="content_command", required=True)
    for name, func, helptext in (
        ("check", _cmd_content_check, "report every problem with file and line"),
        ("load", _cmd_content_load, "load or update the content (idempotent)"),
    ):
        sub = content_cmds.add_parser(name, help=helptext)
        sub.add_argument("path", nargs="?", default="content")
        sub.set_defaults(func=func)
    reindex = content_cmds.add_parser(
        "reindex", help="rebuild the forum and FAQ search index (one transaction)"
    )
    reindex.set_defaults(func=_cmd_content_reindex)
