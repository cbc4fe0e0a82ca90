"""Delivering ``lms_call`` outbox rows: AGS scores, the line item found or created first.

The outbox worker calls ``LmsCallHandler`` outside any transaction (``kurswerk.core.outbox.queue``).
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
``lti_line_item``; if it is not there, the worker *claims* its creation (a row without a
URL, inserted only if none exists), asks the platform (``GET lineitems?resource_id=``:
a column made through deep linking, or by a worker that died), creates it only then
(``POST lineitems``) and records it. Other workers meeting the claim retry later
(``LineItemPending``), so a burst of scores for a new exercise creates one column, not
one per worker; a claim older than ``CLAIM_TIMEOUT`` (its worker died) is taken over.

A column Kurswerk created can vanish in the LMS (a teacher deleted it, a demo LMS was
reset): the score post then answers 404. The handler forgets the column, finds or
creates it again the same way and sends the score once more — once per delivery; a
second refusal is recorded like any other. A 404 for an LMS activity's own column (a
resource link's ``lineitem``) is not repaired: that column is the LMS's to make.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import select

from kurswerk.core.clock import utcnow
from kurswerk.core.db import new_session, upsert
from kurswerk.core.outbox.queue import OutboxItem, PermanentError
from lti.models import LineItem, Platform, ResourceLink, table_of
from lti.nrps import next_link
from lti.registrations import origin_of
from lti.service_client import ServiceClient, ServiceRefused, ServiceRegistration

log = logging.getLogger("kurswerk.lti.ags")

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MAX_LINEITEM_PAGES = 20
CLAIM_TIMEOUT = timedelta(minutes=2)

_line_items = table_of(LineItem)


def scores_url(lineitem_url: str) -> str:
    """The scores endpoint of a line item: its URL with ``/scores`` appended to the *path*
    (AGS 2.0 §3.4: Moodle's line item URLs carry a query string)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


class LineItemPending(Exception):
    """Another worker is creating this column right now: retry later (not permanent)."""


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
            try:
                self._post_score(registration, scopes, lineitem_url, payload["score"])
            except ServiceRefused as exc:
                if exc.status != 404 or not self._forget_column(payload, lineitem_url):
                    raise
                # Our column is gone in the LMS (deleted by a teacher, a reset LMS):
                # create it again, once per delivery; a second refusal is final.
                log.warning("line item %s is gone; creating it again", lineitem_url)
                lineitem_url = self._line_item(registration, scopes, payload)
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
        known = self._claim(context_id, resource_id)
        if known is not None:
            return known
        try:
            lineitems_url = payload.get("lineitems_url")
            if not lineitems_url:
                raise PermanentError("no line item and no line items endpoint", answer=resource_id)
            url = self._find(registration, scopes, lineitems_url, resource_id)
            if url is None:
                url = self._create(registration, scopes, lineitems_url, spec, payload)
        except BaseException:
            self._release(context_id, resource_id)
            raise
        self._record(context_id, resource_id, url)
        return url

    def _claim(self, context_id: int, resource_id: str) -> str | None:
        """The known column's URL; or ``None`` when this worker now holds the claim to
        create it. Raises ``LineItemPending`` while another worker holds it."""
        now = utcnow()
        key = (_line_items.c.context_id == context_id, _line_items.c.resource_id == resource_id)
        with new_session(self.engine) as session:
            connection = session.connection()
            inserted = connection.execute(
                upsert(connection, _line_items)
                .values(context_id=context_id, resource_id=resource_id, created_at=now)
                .on_conflict_do_nothing(index_elements=["context_id", "resource_id"])
                .returning(_line_items.c.id)  # rowcount is not reliable with ON CONFLICT
            ).first()
            if inserted is not None:
                session.commit()
                return None
            row = connection.execute(
                select(_line_items.c.lineitem_url, _line_items.c.created_at).where(*key)
            ).one()
            if row.lineitem_url:
                return str(row.lineitem_url)
            taken_over = connection.execute(
                update(_line_items)
                .where(
                    *key,
                    _line_items.c.lineitem_url.is_(None),
                    _line_items.c.created_at <= now - CLAIM_TIMEOUT,
                )
                .values(created_at=now)
            ).rowcount
            session.commit()
        if taken_over == 1:
            log.warning("took over a stale line item claim for %s", resource_id)
            return None
        raise LineItemPending(f"line item for {resource_id} is being created by another worker")

    def _forget_column(self, payload: dict[str, Any], dead_url: str) -> bool:
        """Whether ``dead_url`` is a column Kurswerk created or found for this exercise
        (then it is forgotten here, or was by another worker that met the same 404), as
        opposed to an LMS activity's own column named by a resource link."""
        context_id = int(payload["context_id"])
        resource_id = str(payload["line_item"]["resourceId"])
        with new_session(self.engine) as session:
            forgotten = session.execute(
                delete(_line_items)
                .where(
                    _line_items.c.context_id == context_id,
                    _line_items.c.resource_id == resource_id,
                    _line_items.c.lineitem_url == dead_url,
                )
                .returning(_line_items.c.id)
            ).first()
            session.commit()
            if forgotten is not None:
                return True
            links_column = session.exec(
                select(ResourceLink.id).where(
                    ResourceLink.context_id == context_id, ResourceLink.lineitem_url == dead_url
                )
            ).first()
        return links_column is None

    def _release(self, context_id: int, resource_id: str) -> None:
        with new_session(self.engine) as session:
            session.execute(
                delete(_line_items).where(
                    _line_items.c.context_id == context_id,
                    _line_items.c.resource_id == resource_id,
                    _line_items.c.lineitem_url.is_(None),
                )
            )
            session.commit()

    def _record(self, context_id: int, resource_id: str, url: str) -> None:
        with new_session(self.engine) as session:
            session.execute(
                update(_line_items)
                .where(
                    _line_items.c.context_id == context_id,
                    _line_items.c.resource_id == resource_id,
                )
                .values(lineitem_url=url)
            )
            session.commit()

    def _create(
        self,
        registration: ServiceRegistration,
        scopes: list[str],
        lineitems_url: str,
        spec: dict[str, Any],
        payload: dict[str, Any],
    ) -> str:
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
        log.info("created line item %s for %s", url, spec.get("resourceId"))
        return url

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
