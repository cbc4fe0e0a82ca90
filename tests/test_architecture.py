"""DESIGN.md §1: a domain reaches another only through its service (and models for FKs);
nothing but the app factory imports a routes module. (Direction is checked by
import-linter's layers contract in `make lint`.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("lti", "course", "coaching", "uploads", "feedback")
# Modules of a domain that other packages may import.
PUBLIC_MODULES = {"service", "models", "content"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _source_files():
    """The domains and the shell's core; the composition root (the rest of ``kurswerk/``:
    app factory, command line, wiring, demo) assembles the domains and may name any module."""
    for package in ("kurswerk/core", *DOMAINS):
        yield from (ROOT / package).rglob("*.py")


def test_domains_meet_only_through_services_and_models():
    offences = []
    for path in _source_files():
        owner = path.relative_to(ROOT).parts[0]
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] not in DOMAINS or parts[0] == owner or len(parts) < 2:
                continue
            if parts[1] not in PUBLIC_MODULES:
                offences.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offences == []


def test_only_the_app_factory_imports_a_domains_routes():
    """A domain's routes are included by the app factory only; inside a domain, its
    ``routes`` package assembles the route modules of its own sub-packages."""
    offences = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _source_files()
        for name in _imports(path)
        if ".routes" in f".{name}." and name.split(".")[0] != path.relative_to(ROOT).parts[0]
    ]
    assert offences == []
