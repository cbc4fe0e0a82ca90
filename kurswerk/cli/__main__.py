"""``python -m kurswerk.cli``: the same command line as the ``kurswerk`` script."""

from __future__ import annotations

import sys

from kurswerk.cli import main

sys.exit(main())
