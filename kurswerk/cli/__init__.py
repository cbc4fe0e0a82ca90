"""``kurswerk``: the command line (the commands are in ``kurswerk.cli.commands``).

This module imports nothing of the app, and must stay so: the ``kurswerk`` script imports
it as its main module, and every process started with ``spawn`` (uvicorn's workers under
``kurswerk serve --workers N``, the isolated PDF-check workers of
``kurswerk.core.files.isolation``) imports the main module again before it does anything
else. With the whole app behind this import, each such process paid the app's import
twice or three times, and under load a worker could not answer uvicorn's first health
check in time and was killed and restarted without end (seen in the real-Moodle lab).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    from kurswerk.cli.commands import build_parser as build

    return build()


def main(argv: Sequence[str] | None = None) -> int:
    from kurswerk.cli.commands import main as run

    return run(argv)
