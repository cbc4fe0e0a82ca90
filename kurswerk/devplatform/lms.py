"""What the simulated LMS course holds beyond its people: resource links (the default one
and those a tutor added by deep linking), gradebook columns (line items), the scores
the tool posted, and the tool registration made by dynamic registration.

In memory, behind one lock; with a ``path`` (the demo's), also in a JSON file that a
restart reads back (``kurswerk.devplatform.persist``), as a real LMS keeps its
gradebook. Counters, faults and pending deep-linking requests are not kept. The
``Faults`` let tests and the benchmark make the platform misbehave the way real ones do
(answer 5xx, refuse a token, go down), settable from Python only.
"""

from __future__ import annotations

import itertools
import json
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kurswerk.devplatform.config import SimulatorConfig
from kurswerk.devplatform.persist import plain, read_json, write_atomically

ACTIVITY_PROGRESS = ("Initialized", "Started", "InProgress", "Submitted", "Completed")
GRADING_PROGRESS = ("FullyGraded", "Pending", "PendingManual", "Failed", "NotReady")


@dataclass
class ResourceLink:
    id: str
    title: str
    text: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    line_item_id: str | None = None
    added_by: str = ""  # the person who deep-linked it ("" for the configured link)


@dataclass
class LineItem:
    id: str
    label: str
    score_maximum: float
    resource_id: str = ""
    tag: str = ""
    resource_link_id: str | None = None

    def as_json(self, config: SimulatorConfig) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": config.lineitem_url(self.id),
            "label": self.label,
            "scoreMaximum": self.score_maximum,
        }
        if self.resource_id:
            body["resourceId"] = self.resource_id
        if self.tag:
            body["tag"] = self.tag
        if self.resource_link_id:
            body["resourceLinkId"] = self.resource_link_id
        return body


@dataclass(frozen=True)
class Score:
    user_id: str
    activity_progress: str
    grading_progress: str
    timestamp: datetime
    score_given: float | None = None
    score_maximum: float | None = None
    comment: str | None = None


@dataclass
class ToolRegistration:
    """What dynamic registration stored: the tool's configuration and what was granted."""

    client_id: str
    deployment_id: str
    client_name: str
    initiate_login_uri: str
    redirect_uris: list[str]
    jwks_uri: str
    granted_scopes: list[str]
    messages: list[str]
    claims: list[str]


class Faults:
    """Misbehaviour on demand: ``fail_next[kind] = [503, 503]`` answers the next two
    requests of that kind (``token``, ``scores``, ``lineitems``, ``memberships``) with
    those statuses, before doing anything; ``fail_rate[kind]`` fails that share of them
    at random (seeded), ``fail_after_store_rate`` stores a score and *then* answers 502
    (the answer lost on the way); ``revoke_tokens`` makes every issued token invalid."""

    def __init__(self, seed: int = 7) -> None:
        self.fail_next: dict[str, list[int]] = {}
        self.fail_rate: dict[str, float] = {}
        self.fail_after_store_rate = 0.0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def status_for(self, kind: str) -> int | None:
        with self._lock:
            queued = self.fail_next.get(kind)
            if queued:
                return queued.pop(0)
            rate = self.fail_rate.get(kind, 0.0)
            if rate and self._rng.random() < rate:
                return 503
        return None

    def lose_answer(self) -> bool:
        with self._lock:
            return bool(self.fail_after_store_rate) and (
                self._rng.random() < self.fail_after_store_rate
            )


class CourseState:
    """The simulated course's links, gradebook and counters."""

    def __init__(self, config: SimulatorConfig, path: Path | None = None) -> None:
        self.config = config
        self.path = path
        self.lock = threading.RLock()
        self.links: dict[str, ResourceLink] = {
            config.course.resource_link_id: ResourceLink(
                id=config.course.resource_link_id, title=config.course.resource_link_title
            )
        }
        self.line_items: dict[str, LineItem] = {}
        self.scores: dict[tuple[str, str], Score] = {}  # (line item, user) -> latest
        self.score_log: list[tuple[str, Score]] = []  # every stored score, in order
        self.requests: Counter[str] = Counter()  # token, scores, lineitems, memberships...
        self.duplicate_scores = 0  # repeats of a stored score (same timestamp)
        self.registration: ToolRegistration | None = None
        self.faults = Faults()
        self._ids = itertools.count(1)
        self._deep_link_data: dict[str, tuple[str, float]] = {}
        self.started = time.time()
        if path is not None:
            self._load(path)

    def _load(self, path: Path) -> None:
        kept = read_json(path)
        if not isinstance(kept, dict):
            return
        for link in kept.get("links", []):
            self.links[link["id"]] = ResourceLink(**link)
        for item in kept.get("line_items", []):
            self.line_items[item["id"]] = LineItem(**item)
        for line_item_id, score in kept.get("scores", []):
            stored = Score(**{**score, "timestamp": datetime.fromisoformat(score["timestamp"])})
            self.scores[(line_item_id, stored.user_id)] = stored
        if kept.get("registration"):
            self.registration = ToolRegistration(**kept["registration"])
        self._ids = itertools.count(int(kept.get("next_id", 1)))

    def save(self) -> None:
        """Write what the course holds to ``path`` (nothing without one)."""
        if self.path is None:
            return
        with self.lock:
            next_id = next(self._ids)
            self._ids = itertools.count(next_id)
            kept = {
                "links": [plain(link) for link in self.links.values()],
                "line_items": [plain(item) for item in self.line_items.values()],
                "scores": [[key[0], plain(score)] for key, score in self.scores.items()],
                "registration": plain(self.registration) if self.registration else None,
                "next_id": next_id,
            }
            write_atomically(self.path, json.dumps(kept, ensure_ascii=False, indent=1))

    def set_registration(self, registration: ToolRegistration) -> None:
        with self.lock:
            self.registration = registration
            self.save()

    def issue_deep_link_data(self, person_key: str, ttl_seconds: float = 3600) -> str:
        """The opaque ``data`` of a deep-linking request; the answer must echo it, once."""
        data = secrets.token_urlsafe(18)
        now = time.monotonic()
        with self.lock:
            self._deep_link_data = {d: v for d, v in self._deep_link_data.items() if v[1] > now}
            self._deep_link_data[data] = (person_key, now + ttl_seconds)
        return data

    def take_deep_link_data(self, data: object) -> str | None:
        """The person who started the deep linking that ``data`` belongs to; used up."""
        if not isinstance(data, str):
            return None
        with self.lock:
            entry = self._deep_link_data.pop(data, None)
        if entry is None or entry[1] <= time.monotonic():
            return None
        return entry[0]

    def next_id(self) -> str:
        return str(next(self._ids))

    def cmid_of(self, link_id: str) -> int:
        """The link's number, as Moodle numbers its activities (course module id): its
        place in the course, from 1 (links are never removed)."""
        with self.lock:
            return list(self.links).index(link_id) + 1

    def link_of_cmid(self, cmid: int) -> str | None:
        with self.lock:
            ids = list(self.links)
        return ids[cmid - 1] if 1 <= cmid <= len(ids) else None

    def add_link(self, link: ResourceLink) -> None:
        with self.lock:
            self.links[link.id] = link
            self.save()

    def add_line_item(
        self,
        *,
        label: str,
        score_maximum: float,
        resource_id: str = "",
        tag: str = "",
        resource_link_id: str | None = None,
    ) -> LineItem:
        with self.lock:
            item = LineItem(
                id=self.next_id(),
                label=label,
                score_maximum=score_maximum,
                resource_id=resource_id,
                tag=tag,
                resource_link_id=resource_link_id,
            )
            self.line_items[item.id] = item
            self.save()
            return item

    def record_score(self, line_item_id: str, score: Score) -> int:
        """Store a score unless a later one is on record (AGS 2.0 §3.4.8): 200 stored,
        200 for a repeat of the stored one (counted), 409 for an older timestamp."""
        with self.lock:
            key = (line_item_id, score.user_id)
            current = self.scores.get(key)
            if current is not None and current.timestamp > score.timestamp:
                return 409
            if current is not None and current.timestamp == score.timestamp:
                self.duplicate_scores += 1
                return 200
            self.scores[key] = score
            self.score_log.append((line_item_id, score))
            self.save()
            return 200
