"""The in-memory storage behind lti1p3platform's AGS and NRPS handlers (the abstract
methods of ``AssignmentsGradesService`` and ``NamesRoleProvisioningService``), for the
live peer in ``tests/lti/ltipeer``. Token checks, routing of the calls and the paging
links stay the package's; only what a gradebook and a roster hold is here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

from lti1p3platform import exceptions as peer_errors
from lti1p3platform.membership import Context
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import (
    AssignmentsGradesService,
    NamesRoleProvisioningService,
    TPage,
)

LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
LINEITEM_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"
RESULT = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
AGS_SCOPES = frozenset({LINEITEM, LINEITEM_READONLY, RESULT, SCORE})
ALL_SCOPES = AGS_SCOPES | {MEMBERSHIPS}


@dataclass
class Gradebook:
    """The storage behind the AGS and NRPS handlers."""

    lineitems_url: str
    line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    scores: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    score_log: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    duplicate_scores: int = 0
    members: list[dict[str, Any]] = field(default_factory=list)
    context: Context = field(
        default_factory=lambda: Context(
            id="course-9", label="SMS-9", title="Social-Media-Strategie"
        )
    )
    _ids: Any = field(default_factory=lambda: count(1))

    def add_line_item(self, **item: Any) -> dict[str, Any]:
        key = str(next(self._ids))
        stored = {**item, "id": f"{self.lineitems_url}/{key}"}
        self.line_items[key] = stored
        return stored

    def key_of(self, url: str) -> str:
        return url.rsplit("/", 1)[1]


def _timestamp(score: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(score["timestamp"]).replace("Z", "+00:00"))


class GradesService(AssignmentsGradesService):
    def __init__(self, request: Any, conf: Any, book: Gradebook, scopes: frozenset[str]) -> None:
        super().__init__(
            request,
            conf,
            book.lineitems_url,
            allow_creating_lineitems=LINEITEM in scopes,
            results_service_enabled=RESULT in scopes,
            scores_service_enabled=SCORE in scopes,
        )
        self.book = book

    def find_lineitems(
        self,
        page: int = 1,
        limit: int | None = None,
        line_item_id: str | None = None,
        resource_link_id: str | None = None,
        resource_id: str | None = None,
        tag: str | None = None,
    ) -> TPage:
        items = [
            item
            for item in self.book.line_items.values()
            if (resource_id is None or item.get("resourceId") == resource_id)
            and (resource_link_id is None or item.get("resourceLinkId") == resource_link_id)
            and (tag is None or item.get("tag") == tag)
        ]
        if limit:
            start = (page - 1) * limit
            return {"content": items[start : start + limit], "has_next": len(items) > start + limit}
        return {"content": items, "has_next": False}

    def find_lineitem(self, line_item_id: str) -> Any:
        if line_item_id not in self.book.line_items:
            raise peer_errors.LineItemNotFoundException(line_item_id)
        return self.book.line_items[line_item_id]

    def create_lineitem(self, creation_data: Any) -> Any:
        return self.book.add_line_item(**dict(creation_data))

    def update_lineitem(self, update_data: Any) -> Any:
        item = self.find_lineitem(str(update_data["id"]))
        item.update({k: v for k, v in update_data.items() if k != "id"})
        return item

    def delete_lineitem(self, line_item_id: str) -> None:
        self.find_lineitem(line_item_id)
        del self.book.line_items[line_item_id]

    def update_score(self, line_item_id: str, score: Any) -> UpdateScoreStatus:
        self.find_lineitem(line_item_id)
        key = (line_item_id, str(score["userId"]))
        previous = self.book.scores.get(key)
        if previous is not None:
            if _timestamp(score) < _timestamp(previous):
                return UpdateScoreStatus.OLD_TIMESTAMP
            if _timestamp(score) == _timestamp(previous):
                self.book.duplicate_scores += 1  # a repeat of what arrived already
                return UpdateScoreStatus.SUCCESS
        self.book.scores[key] = dict(score)
        self.book.score_log.append((line_item_id, dict(score)))
        return UpdateScoreStatus.CREATED if previous is None else UpdateScoreStatus.SUCCESS

    def get_results(
        self, line_item_id: str, page: int = 1, limit: int | None = None, user_id: str | None = None
    ) -> TPage:
        self.find_lineitem(line_item_id)
        results = [
            {"userId": uid, "resultScore": s.get("scoreGiven"), "comment": s.get("comment")}
            for (item, uid), s in self.book.scores.items()
            if item == line_item_id and (user_id is None or uid == user_id)
        ]
        return {"content": results, "has_next": False}


class RosterService(NamesRoleProvisioningService):
    def __init__(self, request: Any, conf: Any, book: Gradebook, url: str) -> None:
        super().__init__(request, conf, url)
        self.book = book

    def get_member_data_page(
        self,
        page: int = 1,
        limit: int | None = None,
        role: str | None = None,
        since: str | None = None,
        **_: Any,
    ) -> TPage:
        members = [m for m in self.book.members if role is None or role in m["roles"]]
        if not limit:
            return {"content": members, "has_next": False}
        start = (page - 1) * limit
        return {"content": members[start : start + limit], "has_next": len(members) > start + limit}

    def get_context_by_id(self) -> Context:
        return self.book.context
