"""The composition root fills the extension point (``kurswerk.core.extensions``) and
hands over the route table (``kurswerk.core.paths``): called by the app factory, the
command line and the worker before anything runs."""

from __future__ import annotations

import functools

from starlette.routing import Router

from course.service import bind_named_course
from kurswerk.core import paths
from kurswerk.core.extensions import extensions
from uploads.queries import count_submissions


def wire() -> None:
    """Fill every slot (idempotent: the same functions each time)."""
    extensions.count_submissions = count_submissions
    extensions.bind_named_course = bind_named_course
    paths.use_route_table(route_table)


@functools.cache
def route_table() -> Router:
    """The routers the app factory includes, without an app: the worker writes mails
    whose links name pages. Built on the first path asked for."""
    import coaching.routes
    import course.routes
    import feedback.routes
    import lti.routes
    import uploads.routes
    from kurswerk.core import routes as shell_routes
    from lti.routes import course as lti_pages

    routers = (
        shell_routes.router,
        lti.routes.router,
        lti_pages.router,
        course.routes.router,
        coaching.routes.router,
        uploads.routes.router,
        feedback.routes.router,
    )
    return Router(routes=[route for router in routers for route in router.routes])
