"""Delivering ``lms_call`` outbox rows: AGS scores, the line item found or created first.

The outbox worker calls ``LmsCallHandler`` outside any transaction (``kurswerk.outbox``).
Its answers to the worker:

* returns: the score arrived (or the platform holds a later one: 409 for an older
  ``timestamp`` is the spec's way to say so, AGS 2.0 §3.4.8), so the row is ``sent``;
* ``PermanentError`` with the platform's answer: a 4xx, a 401 after one fresh token, a
  platform no longer registered — recorded and shown to admins;
* anything else (``ServiceUnavailable``: 5xx, 429, timeouts): retried with backoff.

A retried score carries the ``timestamp`` it was written with, so a platform that got it
before its answer was lost recognises the repeat; the simulator counts such repeats.

Line items: the payload names the column (``lineitem_url``) when it was known at enqueue
time. Otherwise the column for the exercise's ``resourceId`` is looked up in
``lti_line_item``, then asked of the platform (``GET lineitems?resource_id=``), and only
then created (``POST lineitems``) and remembered. Two workers creating the same column
at the same moment could create it twice in the LMS; the second one is then never used
(the first one recorded wins), which is the price of not holding a lock across a network
call.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import select

from kurswerk.db import new_session
from kurswerk.outbox import OutboxItem, PermanentError
from lti.models import LineItem, Platform, table_of, utcnow
from lti.nrps import next_link
from lti.registrations import origin_of
from lti.service_client import ServiceClient, ServiceRefused, ServiceRegistration

log = logging.getLogger("kurswerk.lti.ags")

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MAX_LINEITEM_PAGES = 20

_line_items = table_of(LineItem)


def scores_url(lineitem_url: str) -> str:
    """The scores endpoint of a line item: its URL with ``/scores`` appended to the *path*
    (AGS 2.0 §3.4: Moodle's line item URLs carry a query string)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def registration_for(engine: Engine, platform_id: int) -> ServiceRegistration:
    with new_session(engine) as session:
        platform = session.get(Platform, platform_id)
        if platform is None:
            raise PermanentError("platform no longer registered", answer=f"platform {platform_id}")
        return ServiceRegistration(
            platform_id=platform_id,
            issuer=platform.issuer,
            client_id=platform.client_id,
            token_url=platform.auth_token_url,
        )


class LmsCallHandler:
    """The outbox handler for kind ``lms_call``."""

    def __init__(self, engine: Engine, client: ServiceClient) -> None:
        self.engine = engine
        self.client = client

    def __call__(self, item: OutboxItem) -> None:
        payload = item.payload
        if payload.get("op") != "score":
            raise PermanentError("unknown LMS call", answer=repr(payload.get("op")))
        registration = registration_for(self.engine, int(payload["platform_id"]))
        scopes = payload.get("scopes") or []
        try:
            lineitem_url = payload.get("lineitem_url") or self._line_item(
                registration, scopes, payload
            )
            self._post_score(registration, scopes, lineitem_url, payload["score"])
        except ServiceRefused as exc:  # 4xx, or 401 after one fresh token
            raise PermanentError(str(exc.args[0]), answer=exc.answer) from exc

    def _post_score(
        self,
        registration: ServiceRegistration,
        scopes: list[str],
        lineitem_url: str,
        score: dict[str, Any],
    ) -> None:
        try:
            self.client.call(
                registration,
                scopes,
                "POST",
                scores_url(lineitem_url),
                what="score post",
                accept="application/json",
                json_body=score,
                content_type=SCORE_TYPE,
            )
        except ServiceRefused as exc:
            if exc.status == 409:  # the platform holds a later score: nothing to do
                log.info("score for %s superseded: %s", score.get("userId"), exc.answer)
                return
            raise

    def _line_item(
        self, registration: ServiceRegistration, scopes: list[str], payload: dict[str, Any]
    ) -> str:
        context_id = int(payload["context_id"])
        spec: dict[str, Any] = payload["line_item"]
        resource_id = str(spec["resourceId"])
        with new_session(self.engine) as session:
            known = session.exec(
                select(LineItem.lineitem_url).where(
                    LineItem.context_id == context_id, LineItem.resource_id == resource_id
                )
            ).first()
        if known:
            return known
        lineitems_url = payload.get("lineitems_url")
        if not lineitems_url:
            raise PermanentError("no line item and no line items endpoint", answer=resource_id)
        url = self._find(registration, scopes, lineitems_url, resource_id)
        if url is None:
            body = dict(spec)
            if payload.get("resource_link_id"):
                body["resourceLinkId"] = payload["resource_link_id"]
            created = self.client.call(
                registration,
                scopes,
                "POST",
                lineitems_url,
                what="line item creation",
                accept=LINEITEM_TYPE,
                json_body=body,
                content_type=LINEITEM_TYPE,
            ).json()
            url = created.get("id") if isinstance(created, dict) else None
            if not isinstance(url, str) or not url:
                raise PermanentError("the platform created a line item without an id")
            log.info("created line item %s for %s", url, resource_id)
        return self._remember(context_id, resource_id, url)

    def _find(
        self,
        registration: ServiceRegistration,
        scopes: list[str],
        lineitems_url: str,
        resource_id: str,
    ) -> str | None:
        url: str | None = lineitems_url
        params: dict[str, str] | None = {"resource_id": resource_id}
        for _ in range(MAX_LINEITEM_PAGES):
            if url is None:
                return None
            if origin_of(url) != origin_of(lineitems_url):
                raise ServiceRefused("line items' next page is on another host", answer=url)
            response = self.client.call(
                registration,
                scopes,
                "GET",
                url,
                what="line item lookup",
                accept=LINEITEMS_TYPE,
                params=params,
            )
            items = response.json()
            for entry in items if isinstance(items, list) else []:
                if (
                    isinstance(entry, dict)
                    and entry.get("resourceId") == resource_id
                    and isinstance(entry.get("id"), str)
                ):
                    return str(entry["id"])
            url, params = next_link(response.headers, base_url=url), None
        return None

    def _remember(self, context_id: int, resource_id: str, url: str) -> str:
        with new_session(self.engine) as session:
            connection = session.connection()
            insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            connection.execute(
                insert(_line_items)
                .values(
                    context_id=context_id,
                    resource_id=resource_id,
                    lineitem_url=url,
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["context_id", "resource_id"])
            )
            stored = session.exec(
                select(LineItem.lineitem_url).where(
                    LineItem.context_id == context_id, LineItem.resource_id == resource_id
                )
            ).one()
            session.commit()
        return stored
