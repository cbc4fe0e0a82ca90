"""A row id larger than the database's INTEGER answers 4xx, never 500: it can name no
row, and handed to the database it is an error (``kurswerk.core.db.RowId``)."""

from __future__ import annotations

import pytest

from kurswerk.core.auth import Role
from tests.support.people import make_learner  # noqa: F401 - fixture

HUGE = "99999999999999999999"

ROUTES = [
    (Role.LEARNER, "/submissions/{id}"),
    (Role.LEARNER, "/submissions/{id}/versions/1/file"),
    (Role.LEARNER, "/submissions/1/versions/{id}"),
    (Role.LEARNER, "/feedback/{id}"),
    (Role.LEARNER, "/forum/threads/{id}"),
    (Role.LEARNER, "/questions/{id}"),
    (Role.TUTOR, "/review/{id}"),
    (Role.TUTOR, "/review/{id}/versions/1/file"),
    (Role.ADMIN, "/admin/coaching/packages/{id}"),
    (Role.ADMIN, "/admin/coaching/grants/{id}"),
]


@pytest.mark.parametrize(("role", "route"), ROUTES)
def test_an_id_beyond_the_database_range_is_refused_not_an_error(
    client,
    make_learner,  # noqa: F811 - the fixture imported above
    role,
    route,
):
    person = make_learner(role=role)
    path = f"/c/{person.context_id}" + route.format(id=HUGE)
    response = client.get(person.url(path))
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert "Traceback" not in response.text
