"""The tool spells its own URLs once, in its route decorators: Python code and pages take a
path from the route's name (``kurswerk.core.paths``, ``path_for`` in templates), never build
it by hand. Tests may keep literal URLs: they pin the public ones.

The LMS simulator (``kurswerk.devplatform``) is another app with its own pages; it is not
checked here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import NoMatchFound

from kurswerk.core.paths import path_for
from kurswerk.wiring import route_table

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kurswerk", "lti", "course", "coaching", "uploads", "feedback")
SKIPPED = (ROOT / "kurswerk" / "devplatform",)
# The first segments of the tool's own URLs; a string starting with one is a path by hand.
TOOL_PREFIXES = ("/c/", "/lti/", "/static/", "/session/")
ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "api_route"}


def _app_files(suffix: str) -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob(f"*{suffix}"))
        if not any(path.is_relative_to(skipped) for skipped in SKIPPED)
    ]


def _route_decorators(tree: ast.AST) -> list[ast.Call]:
    return [
        decorator
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_METHODS
    ]


def _route_segments(trees: list[ast.AST]) -> set[str]:
    """The literal segments of every route path (``lessons``, ``forum``, ``queue`` ...)."""
    segments: set[str] = set()
    for tree in trees:
        for decorator in _route_decorators(tree):
            for node in ast.walk(decorator):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    segments |= {s for s in node.value.split("/") if s and "{" not in s}
    return segments


def _allowed_nodes(tree: ast.AST) -> set[int]:
    """Where a path may be written out: route decorators, a router's ``prefix=``, a mount's
    path, a module constant holding a route template (``ADMIN = "/c/{context}/admin/..."``,
    used in decorators) and docstrings."""
    allowed: list[ast.AST] = [*_route_decorators(tree)]
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "prefix":
            allowed.append(node.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in {"mount", "Mount"}
            and node.args
        ):
            allowed.append(node.args[0])
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            allowed.append(node)
    if isinstance(tree, ast.Module):
        for statement in tree.body:
            if (
                isinstance(statement, ast.Assign)
                and all(isinstance(t, ast.Name) and t.id.isupper() for t in statement.targets)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
                and "{" in statement.value.value
            ):
                allowed.append(statement.value)
    return {id(inner) for node in allowed for inner in ast.walk(node)}


def python_offences(source: str, name: str, segments: set[str]) -> list[str]:
    """Hand-built tool paths in one module: a string (or an f-string) that starts with one
    of the tool's prefixes (``/c/``, ``/lti/`` ...), or a piece of a path glued onto
    another (``lesson_path(p) + "/forum"``, ``f"{base}/grants"``)."""
    tree = ast.parse(source, filename=name)
    allowed = _allowed_nodes(tree)
    glued = re.compile(r"^/(" + "|".join(map(re.escape, sorted(segments))) + r")(/|$)")
    offences: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        if isinstance(node, ast.JoinedStr):
            parts = [v for v in node.values if isinstance(v, ast.Constant)]
            allowed |= {id(part) for part in parts}  # judged here, as one string
            if any(p.value.startswith(TOOL_PREFIXES) or glued.match(p.value) for p in parts):
                offences.append((node.lineno, ast.unparse(node)))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (node.value.startswith(TOOL_PREFIXES) or glued.match(node.value))
        ):
            offences.append((node.lineno, repr(node.value)))
    return [f"{name}:{line}: {text}" for line, text in sorted(set(offences))]


# In a page: an attribute whose URL starts with "/", a Jinja string starting with a tool
# prefix, "/c/{{", or a string glued on with "~" that starts with "/".
_TEMPLATE_RULES = (
    re.compile(r"""\b(?:href|action|src|formaction|data-[\w-]*url)\s*=\s*["']/"""),
    re.compile(r"""["'](?:""" + "|".join(map(re.escape, TOOL_PREFIXES)) + ")"),
    re.compile(r"/c/\{\{"),
    re.compile(r"""~\s*["']/"""),
)


def template_offences(text: str, name: str) -> list[str]:
    return [
        f"{name}:{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if any(rule.search(line) for rule in _TEMPLATE_RULES)
    ]


def _python_sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in _app_files(".py")}


def _segments() -> set[str]:
    trees = [ast.parse(source) for source in _python_sources().values()]
    return _route_segments(trees)


def test_app_code_builds_no_tool_path_by_hand():
    segments = _segments()
    assert {"c", "lessons", "forum", "queue", "submissions"} <= segments
    offences = [
        offence
        for name, source in _python_sources().items()
        for offence in python_offences(source, name, segments)
    ]
    assert offences == []


def test_pages_build_no_tool_path_by_hand():
    pages = [p for p in _app_files(".html") if "templates" in p.parts]
    assert len(pages) > 50
    offences = [
        offence
        for page in pages
        for offence in template_offences(
            page.read_text(encoding="utf-8"), str(page.relative_to(ROOT))
        )
    ]
    assert offences == []


def test_the_checks_find_paths_built_by_hand():
    segments = {"c", "lessons", "forum", "grants"}
    source = '''
from fastapi import APIRouter
router = APIRouter(prefix="/c/{context}")
ADMIN = "/c/{context}/admin"

def f(principal, base, slug):
    """A docstring may name /c/{context}/lessons."""
    a = f"/c/{principal.context_id}/lessons/{slug}"
    b = "/c/" + str(principal.context_id)
    c = lesson_path(principal, slug) + "/forum"
    d = f"{base}/grants"
    e = settings.base_url + "/lti/launch"
    return a, b, c, d, e

@router.get("/lessons/{slug}/forum", name="forum_list")
def forum(): ...
'''
    found = python_offences(source, "example.py", segments)
    assert [line.split(":")[1] for line in found] == ["8", "9", "10", "11", "12"]

    page = "\n".join(
        [
            "<a href=\"{{ link(path_for('lesson', context=c, slug=s)) }}\">fine</a>",
            '<a href="/c/{{ principal.context_id }}/queue">1</a>',
            '{% set base = "/c/" ~ principal.context_id %}',
            "<a href=\"{{ link(base ~ '/queue') }}\">3</a>",
            '<form action="/session/logout">4</form>',
            "<script src=\"{{ url_for('static', path='x.js') }}\"></script>",
        ]
    )
    found = template_offences(page, "page.html")
    assert [line.split(":")[1] for line in found] == ["2", "3", "4", "5"]


def test_every_route_has_a_name():
    unnamed = [
        f"{name}:{decorator.lineno}"
        for name, source in _python_sources().items()
        for decorator in _route_decorators(ast.parse(source))
        if not any(keyword.arg == "name" for keyword in decorator.keywords)
    ]
    assert unnamed == []


def _named_paths(app: FastAPI) -> dict[str, str]:
    """Every API route of the app by name, with its full path."""
    found: dict[str, str] = {}

    def walk(routes: list, prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)  # an included router
            if included is not None:
                walk(included.routes, prefix + (route.include_context.prefix or ""))
            elif isinstance(route, APIRoute):
                found[route.name] = prefix + route.path

    walk(app.router.routes, "")
    return found


def test_the_route_table_without_an_app_gives_the_apps_paths(app: FastAPI):
    """Mails name pages through ``path_for`` (the worker has no app): its table is the
    app's, route for route."""
    named = _named_paths(app)
    assert len(named) > 90
    for name, template in named.items():
        params = {param: "7" for param in re.findall(r"\{(\w+)", template)}
        expected = re.sub(r"\{\w+(:\w+)?\}", "7", template)
        assert path_for(name, **params) == str(app.url_path_for(name, **params)) == expected


_ASKED = re.compile(r"""\b(?:path_for|request_path|coaching_path)\((?:[\w.]+,\s*)*["'](\w+)["']""")


def test_every_route_name_asked_for_exists():
    """A page or redirect that names a route nobody defines fails only when it is shown:
    every name ``path_for``/``request_path`` is called with is a route of the tool."""
    table = route_table()
    sources = [*_app_files(".py"), *[p for p in _app_files(".html") if "templates" in p.parts]]
    asked = {
        (name, str(path.relative_to(ROOT)))
        for path in sources
        for name in _ASKED.findall(path.read_text(encoding="utf-8"))
    }
    assert len(asked) > 100
    known = set()
    for name, _ in asked:
        try:
            table.url_path_for(name, **{p: "7" for p in _params_of(name)})
        except NoMatchFound:
            continue
        known.add(name)
    assert sorted({(n, f) for n, f in asked if n not in known}) == []


def _params_of(name: str) -> list[str]:
    """The path parameters of the route ``name`` (``[]`` when there is none)."""
    found: list[str] = []

    def walk(routes: list, prefix: str) -> None:
        for route in routes:
            included = getattr(route, "original_router", None)  # an included router
            if included is not None:
                walk(included.routes, prefix + (route.include_context.prefix or ""))
            elif getattr(route, "name", None) == name:
                found.extend(re.findall(r"\{(\w+)", prefix + route.path))

    walk(route_table().routes, "")
    return found
