"""A page's path from its route's name: the tool never spells its own URLs by hand.

Every route a page, a redirect or a mail links to has a ``name=``; the path comes from
the route table, so a route's path is written once, in its decorator.

- In a request: :func:`request_path` asks the request's app (``app.url_path_for``); pages
  have the same as ``path_for(name, **params)`` (``kurswerk.core.templating``).
- Without a request (a mail's links, which the worker writes too): :func:`path_for` asks
  the route table the composition root hands over (``kurswerk.wiring.wire``), the same
  routers the app factory includes.

Both give the path alone (no scheme, host or root path), as the hand-built paths did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.routing import Router

_route_table: Callable[[], Router] | None = None


class RouteTableMissing(RuntimeError):
    """A path was asked for before the composition root handed over the route table."""


def use_route_table(table: Callable[[], Router]) -> None:
    """Called by the composition root (``kurswerk.wiring.wire``) before anything runs."""
    global _route_table
    _route_table = table


def path_for(name: str, /, **params: Any) -> str:
    """The path of the route ``name`` with ``params``, without a request."""
    if _route_table is None:
        raise RouteTableMissing("kurswerk.wiring.wire() was not called")
    return route_path(_route_table(), name, params)


def request_path(request: Request, name: str, /, **params: Any) -> str:
    """The path of the route ``name`` with ``params``, from the request's app."""
    return route_path(request.app.router, name, params)


def route_path(router: Router, name: str, params: dict[str, Any]) -> str:
    """``router.url_path_for(name, **params)``, remembered per route table: finding a
    path walks the table (a page names a dozen routes; the lesson page is the hot path).
    A path that does not exist raises ``NoMatchFound`` every time (nothing kept)."""
    try:
        key = (name, *sorted(params.items()))
        known: dict[tuple[Any, ...], str] = router.__dict__.setdefault(_PATHS, {})
        path = known.get(key)
    except TypeError:  # a parameter that cannot be a key: asked for each time
        return str(router.url_path_for(name, **params))
    if path is None:
        path = str(router.url_path_for(name, **params))
        if len(known) >= _MAX_PATHS:  # bounded: many LMS courses, many lessons
            known.clear()
        known[key] = path
    return path


_PATHS = "_kurswerk_paths"
_MAX_PATHS = 8192
