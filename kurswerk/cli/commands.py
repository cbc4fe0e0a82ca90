"""``kurswerk``: the command line of DESIGN.md §3 (demo, serve, migrate, worker, platform,
keys, content, coaching)."""

# The docstring is the description `kurswerk --help` prints. Each command group lives in a
# module of its own and adds its parsers here: kurswerk.cli.run (demo, serve, migrate,
# worker), kurswerk.cli.platform, kurswerk.cli.keys, kurswerk.cli.content and
# kurswerk.cli.coaching. Imported by kurswerk.cli.main only when a command runs.

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kurswerk.cli import coaching as cli_coaching
from kurswerk.cli import content as cli_content
from kurswerk.cli import keys as cli_keys
from kurswerk.cli import platform as cli_platform
from kurswerk.cli import run as cli_run
from kurswerk.wiring import wire


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kurswerk", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    cli_run.add_parsers(commands)  # demo, serve, migrate, worker
    cli_platform.add_parsers(commands)
    cli_keys.add_parsers(commands)
    cli_content.add_parsers(commands)
    cli_coaching.add_parsers(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    wire()
    return int(args.func(args))
