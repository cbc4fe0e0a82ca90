"""DESIGN.md §1: a domain reaches another only through its service (and models for FKs);
nothing but the app factory imports a routes module. (Direction is checked by
import-linter's layers contract in `make lint`.) And the house rules for modules: none
reaches 400 lines (but the translation tables), no folder holds a family of file-name
prefixes, HTTP handlers live in a ``routes.py`` or a ``routes/`` package, view-models in
``views.py``."""

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


def _names_bound_by(node: ast.Import | ast.ImportFrom) -> set[str]:
    return {(alias.asname or alias.name).split(".")[0] for alias in node.names}


def _only_re_exports(path: Path) -> bool:
    """True for a module whose body (after its docstring) is nothing but ``from ... import``
    statements, ``__all__`` and assignments of imported names (``x = a`` or ``x = a.b``).

    Plain ``import a.b`` statements name modules for their side effect (``kurswerk.models``
    fills SQLModel's metadata that way) and re-export nothing, so a module of
    only those is not counted; a module with a docstring only (an empty package) is not
    either."""
    body = ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    imported: set[str] = set()
    names_imported = False
    for node in body:
        if isinstance(node, ast.ImportFrom):
            imported |= _names_bound_by(node)
            names_imported = names_imported or node.module != "__future__"
        elif isinstance(node, ast.Import):
            imported |= _names_bound_by(node)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if all(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                continue
            value = node.value
            while isinstance(value, ast.Attribute):
                value = value.value
            if not (isinstance(value, ast.Name) and value.id in imported):
                return False
        else:
            return False
    return names_imported


def test_no_module_only_re_exports():
    """A module that only gathers other modules' names under a second address hides where
    a name lives and lets imports stack facades; a package's public surface is defined or
    explicitly chosen in its ``service`` module, and inside a package modules import the
    module that defines a name."""
    modules = [
        path
        for package in ("kurswerk", *DOMAINS)
        for path in sorted((ROOT / package).rglob("*.py"))
    ]
    offenders = [str(path.relative_to(ROOT)) for path in modules if _only_re_exports(path)]
    assert offenders == []


def _module_path(module: str) -> Path | None:
    base = ROOT / module.replace(".", "/")
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _imported_here(module: str) -> set[str]:
    """The names a module binds at its top level by importing them, not by defining them."""
    path = _module_path(module)
    if path is None:
        return set()
    body = ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body
    return {
        alias.asname or alias.name
        for node in body
        if isinstance(node, ast.ImportFrom) and node.module != "__future__"
        for alias in node.names
    }


def test_inside_a_package_modules_import_the_defining_module():
    """Inside a domain, a module takes a name from the module that defines it, not from a
    module of its own package that imports it (``lti.routes`` from ``lti.identities``, not
    from ``lti.service``). Names reached through a module alias (``service.x``) count too."""
    offences = []
    for package in DOMAINS:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            aliases: dict[str, str] = {}
            for node in ast.walk(tree):
                if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                    continue
                for alias in node.names:
                    if node.module.split(".")[0] != package:
                        continue
                    if _module_path(f"{node.module}.{alias.name}") is not None:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    elif alias.name in _imported_here(node.module):
                        offences.append(
                            f"{path.relative_to(ROOT)}: {alias.name} from {node.module}"
                        )
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in aliases
                    and node.attr in _imported_here(aliases[node.value.id])
                ):
                    where = aliases[node.value.id]
                    offences.append(f"{path.relative_to(ROOT)}: {node.attr} from {where}")


# --- size and names ---------------------------------------------------------------------

PACKAGES = ("kurswerk", *DOMAINS)
MAX_MODULE_LINES = 400
MAX_PREFIX_FAMILY = 3


def _package_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _is_translation_data(path: Path) -> bool:
    """The ``*messages.py`` dicts of texts (to be replaced by gettext catalogs)."""
    return path.name.endswith("messages.py")


def test_no_module_reaches_the_size_limit():
    offences = []
    for path in _package_files():
        if _is_translation_data(path):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines >= MAX_MODULE_LINES:
            offences.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert offences == []


def test_no_folder_holds_a_file_name_prefix_family():
    """More than three modules named ``forum_a.py, forum_b.py, ...`` in one folder are a
    sub-package waiting to be made (``forum/a.py, forum/b.py``)."""
    families: dict[tuple[Path, str], list[str]] = {}
    for path in _package_files():
        prefix = path.stem.split("_", 1)[0]
        if prefix:  # ``__init__``
            families.setdefault((path.parent, prefix), []).append(path.name)
    offences = [
        f"{folder.relative_to(ROOT)}: {sorted(names)}"
        for (folder, _), names in families.items()
        if len(names) > MAX_PREFIX_FAMILY
    ]
    assert offences == []


HANDLER_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "api_route"})


def _owner_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _defines_routes(path: Path) -> bool:
    """Whether a module creates an ``APIRouter``, adds a route to a router or app
    (``add_api_route``), or decorates a handler with a router's or app's method
    (``@router.get(...)``, ``@base.router.post(...)``, ``@app.api_route(...)``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _owner_name(node.func)
            if name in ("APIRouter", "add_api_route"):
                return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in HANDLER_DECORATORS
                    and (
                        _owner_name(target.value).endswith("router")
                        or _owner_name(target.value) == "app"
                    )
                ):
                    return True
    return False


def test_handlers_live_in_routes_and_view_models_in_views():
    """The naming rule: HTTP handlers live in a package's ``routes.py`` or in its ``routes/``
    package (one module per page group); view-models in ``views.py``. No other name for
    either: no ``pages.py``, ``*_views.py``, ``*_routes.py`` or ``web/``."""
    offences = []
    for path in _package_files():
        relative = path.relative_to(ROOT)
        folders = relative.parts[:-1]
        if path.stem == "pages" or path.stem.endswith(("_views", "_routes", "_pages")):
            offences.append(f"{relative}: name")
        elif "web" in folders:
            offences.append(f"{relative}: in a web/ folder")
        elif _defines_routes(path) and path.name != "routes.py" and "routes" not in folders:
            offences.append(f"{relative}: defines routes")
    assert offences == []


# --- The one extension point (kurswerk.core.extensions) ---------------------------------

WIRING = ROOT / "kurswerk" / "wiring.py"
# What only the composition root may touch on the extension point (tests use the
# ``fill_slot`` fixture).
FILLING = {"fill", "replaced", "_values"}


def _parsed(*packages: str):
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            yield path, str(path.relative_to(ROOT)), ast.parse(source, filename=str(path))


def _is_extensions(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "extensions") or (
        isinstance(node, ast.Attribute) and node.attr == "extensions"
    )


def _slot_fillings(tree: ast.Module, label: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_extensions(node.value):
            if node.attr in FILLING or isinstance(node.ctx, ast.Store | ast.Del):
                found.append(f"{label}:{node.lineno} extensions.{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"setattr", "delattr"}
            and node.args
            and _is_extensions(node.args[0])
        ):
            found.append(f"{label}:{node.lineno} {node.func.id}(extensions)")
    return found


def _registrations(tree: ast.Module, label: str) -> list[str]:
    """``register_*``/``unregister_*``/``install`` functions, and module-level calls that
    register something at import time (``add_template_folder``, ``register_*``)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name == "install" or node.name.startswith(("register_", "unregister_"))
        ):
            found.append(f"{label}:{node.lineno} def {node.name}")
    top_level = [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)]
    for statement in top_level:
        for node in ast.walk(statement):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name.startswith("register_") or name == "add_template_folder":
                found.append(f"{label}:{node.lineno} {name}() at import time")
    return found


def test_only_the_composition_root_fills_a_slot():
    offences = []
    for path, label, tree in _parsed("kurswerk", *DOMAINS, "fuzz", "bench"):
        fillings = _slot_fillings(tree, label)
        if path == WIRING:
            assert fillings, "kurswerk/wiring.py fills the slots"
        else:
            offences += fillings
    assert offences == []


def test_nothing_registers_itself():
    """The domains and the shell's core have no registration functions and register
    nothing at import time: the composition root fills the slots."""
    offences = [
        found
        for _path, label, tree in _parsed("kurswerk/core", *DOMAINS)
        for found in _registrations(tree, label)
    ]
    assert offences == []


def test_the_extension_point_checks_can_fail():
    tree = ast.parse(
        "from kurswerk.core.templating import add_template_folder\n"
        "add_template_folder(FOLDER)\n"
        "def install(app):\n"
        "    extensions.fill(SLOT, 1)\n"
        "extensions.count = 1\n"
        "setattr(extensions, 'count', 2)\n"
    )
    assert len(_slot_fillings(tree, "probe")) == 3
    assert len(_registrations(tree, "probe")) == 2
