"""Deep linking 2.0 against two platforms we did not write for it: the LMS simulator
(verifies our answer against our published key set, adds the links, launches them) and
lti1p3platform (validates the answer with its own code). Tampered answers, tampered
picker forms, replays and the wrong people are refused."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from sqlmodel import Session, select

from course.content import load as content
from kurswerk.core.csrf import CSRF_FIELD
from lti.models import ResourceLink
from tests.conftest import TOOL_BASE_URL
from tests.devplatform.forms import parse
from tests.lti.advantage import context_of, landing, launch
from tests.lti.catalog import EXERCISE_TARGET, MEDIA_TARGET
from tests.lti.conftest import KeysetServer, post_launch, register, start_login
from tests.lti.forger import CLAIM, INSTRUCTOR, LEARNER, Forger
from tests.lti.peer import PeerDeepLinking

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
CONTENT = Path(__file__).resolve().parents[2] / "content"  # the real course


class _Picker(HTMLParser):
    """The picker's form: action, CSRF token and the offered targets."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.csrf = ""
        self.targets: list[tuple[str, str]] = []  # (input type, value)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "picker" in a.get("class", ""):
            self.action = a["action"]
        if tag == "input" and a.get("name") == CSRF_FIELD:
            self.csrf = a["value"]
        if tag == "input" and a.get("name") == "target":
            self.targets.append((a["type"], a["value"]))


def picker(client, path: str) -> _Picker:
    page = client.get(path)
    assert page.status_code == 200, page.text
    parsed = _Picker()
    parsed.feed(page.text)
    return parsed


def answer(client, form: _Picker, targets: list[str], action: str = "add", **extra):
    data = {CSRF_FIELD: form.csrf, "action": action, "target": targets, **extra}
    return client.post(form.action, data=data)


def _jwt_of(response) -> tuple[str, str]:
    """The auto-posting form of the answer page (next to the language switch)."""
    assert response.status_code == 200, response.text
    [form] = [form for form in parse(response.text).forms if "JWT" in form.fields]
    return form.action, form.fields["JWT"]


def _start_at_simulator(client, sim, person="tom"):
    path, token = landing(launch(client, sim, person, purpose="deep-link"))
    return path, token


# --- the simulator: round trip -----------------------------------------------------


def test_tutor_deep_links_a_lesson_and_an_exercise_and_learners_land_there(
    client, sim, catalog, db: Session
):
    path, token = _start_at_simulator(client, sim)
    context = context_of(db)
    assert path.startswith(f"/c/{context.id}/lti/deep-link/")
    form = picker(client, f"{path}?kt={token}")
    offered = [value for _, value in form.targets]
    assert offered == ["", "lessons/einstieg", EXERCISE_TARGET, MEDIA_TARGET]
    assert {kind for kind, _ in form.targets} == {"checkbox"}  # the simulator accepts many

    returned = answer(client, form, ["lessons/einstieg", MEDIA_TARGET])
    assert returned.status_code == 200, returned.text
    action, token_value = _jwt_of(returned)
    assert action == sim.config.deep_link_return_url
    done = sim.client.post("/deep-link/return", data={"JWT": token_value})
    assert done.status_code == 200, done.text

    added = [link for link in sim.course.links.values() if link.added_by == "tom"]
    assert [link.custom.get("kurswerk_target") for link in added] == [
        "lessons/einstieg",
        MEDIA_TARGET,
    ]
    lesson, exercise = added
    assert lesson.line_item_id is None
    assert exercise.custom["kurswerk_industry"] == "media"
    column = sim.course.line_items[exercise.line_item_id]
    assert (column.resource_id, column.label) == (
        "exercise:einstieg/zielgruppe",
        "Übung: Zielgruppe (Feedback)",
    )

    # A later launch of each link opens exactly that place.
    where, _ = landing(launch(client, sim, "lena", link=lesson.id))
    assert where == f"/c/{context.id}/lessons/einstieg"
    where, _ = landing(launch(client, sim, "lena", link=exercise.id))
    assert where == f"/c/{context.id}/{MEDIA_TARGET}"
    stored = db.exec(select(ResourceLink).where(ResourceLink.resource_link_id == exercise.id)).one()
    assert stored.target == MEDIA_TARGET
    assert stored.lineitem_url == sim.config.lineitem_url(column.id)


def test_the_answer_verifies_against_the_published_key_set_only(client, sim, catalog, app):
    path, token = _start_at_simulator(client, sim)
    form = picker(client, f"{path}?kt={token}")
    _, token_value = _jwt_of(answer(client, form, ["lessons/einstieg"]))
    header = jwt.get_unverified_header(token_value)
    assert header["alg"] == "RS256"
    assert header["kid"] == app.state.lti.tool_key().kid
    claims = jwt.decode(token_value, options={"verify_signature": False})
    assert claims["iss"] == sim.config.client_id
    assert claims["aud"] == sim.config.issuer
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == sim.config.deployment_id
    assert claims["exp"] - claims["iat"] <= 300
    assert claims[DL + "data"]  # the simulator's data, echoed


def _tamper(token_value: str, change) -> str:
    header, payload, signature = token_value.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(body)
    raw = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


def test_a_tampered_answer_is_refused_by_the_simulator(client, sim, catalog):
    path, token = _start_at_simulator(client, sim)
    form = picker(client, f"{path}?kt={token}")
    _, token_value = _jwt_of(answer(client, form, ["lessons/einstieg"]))

    def redirect_link(body):
        body[DL + "content_items"][0]["custom"]["kurswerk_target"] = "lessons/geheim"

    refused = sim.client.post(
        "/deep-link/return", data={"JWT": _tamper(token_value, redirect_link)}
    )
    assert refused.status_code == 400
    assert "Signature" in refused.text or "signature" in refused.text
    assert not [link for link in sim.course.links.values() if link.added_by]
    # The untouched answer still goes through: the tampered one consumed nothing.
    assert sim.client.post("/deep-link/return", data={"JWT": token_value}).status_code == 200


def test_a_replayed_answer_and_foreign_data_are_refused(client, sim, catalog, app):
    path, token = _start_at_simulator(client, sim)
    form = picker(client, f"{path}?kt={token}")
    _, token_value = _jwt_of(answer(client, form, ["lessons/einstieg"]))
    assert sim.client.post("/deep-link/return", data={"JWT": token_value}).status_code == 200
    replay = sim.client.post("/deep-link/return", data={"JWT": token_value})
    assert replay.status_code == 400 and "data" in replay.text

    # Signed by the tool's own key, but with data the platform never issued.
    claims = jwt.decode(token_value, options={"verify_signature": False})
    claims[DL + "data"] = "made-up"
    key = app.state.lti.tool_key()
    forged = jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})
    refused = sim.client.post("/deep-link/return", data={"JWT": forged})
    assert refused.status_code == 400 and "data" in refused.text
    assert len([link for link in sim.course.links.values() if link.added_by]) == 1


# --- lti1p3platform: its own validation ----------------------------------------------


PEER_ISSUER = "https://dl.lms.example"
PEER_CLIENT = "kurswerk-dl-peer"


@pytest.fixture
def dl_peer(db: Session, keyset_server: KeysetServer) -> PeerDeepLinking:
    peer = PeerDeepLinking(
        issuer=PEER_ISSUER,
        client_id=PEER_CLIENT,
        deployment_id="dep-1",
        tool_base_url=TOOL_BASE_URL,
    )
    keyset_server.documents["/dl-peer/jwks"] = peer.jwks()
    register(
        db,
        issuer=PEER_ISSUER,
        client_id=PEER_CLIENT,
        deployment_id="dep-1",
        auth_url=PEER_ISSUER + "/authorize",
        keyset_url=keyset_server.url("/dl-peer/jwks"),
    )
    return peer


def _peer_deep_link(client, peer: PeerDeepLinking, *, data, roles=(INSTRUCTOR,), user="t-1"):
    initiation = peer.login_initiation_url(user_id=user)
    form = {k: v[0] for k, v in parse_qs(urlsplit(initiation).query).items()}
    login = client.post("/lti/login", data=form, follow_redirects=False)
    assert login.status_code == 302, login.text
    fields = peer.answer_deep_linking(
        login.headers["location"], user_id=user, roles=list(roles), data=data
    )
    return client.post(
        fields["launch_url"],
        data={"id_token": fields["id_token"], "state": fields["state"]},
        follow_redirects=False,
    )


def test_lti1p3platform_validates_the_answer_and_gets_its_data_back(client, dl_peer, catalog):
    data = {"placement": "week-3", "nonce": "a1b2"}
    path, token = landing(_peer_deep_link(client, dl_peer, data=data))
    form = picker(client, f"{path}?kt={token}")
    returned = answer(client, form, ["lessons/einstieg", EXERCISE_TARGET])
    action, token_value = _jwt_of(returned)
    assert action == dl_peer.return_url

    tool_jwks = client.get("/lti/jwks").json()
    items = dl_peer.validate_answer(token_value, tool_jwks)
    assert [item["custom"]["kurswerk_target"] for item in items] == [
        "lessons/einstieg",
        EXERCISE_TARGET,
    ]
    assert all(item["url"] == TOOL_BASE_URL + "/lti/launch" for item in items)
    assert "lineItem" not in items[0]
    assert items[1]["lineItem"] == {
        "scoreMaximum": 1.0,
        "label": "Übung: Zielgruppe (Feedback)",
        "resourceId": "exercise:einstieg/zielgruppe",
        "tag": "kurswerk",
    }
    claims = dl_peer.decode_answer(token_value, tool_jwks)
    assert claims[DL + "data"] == data
    assert claims["aud"] == PEER_ISSUER and claims["iss"] == PEER_CLIENT
    assert claims[CLAIM + "deployment_id"] == "dep-1"


def test_lti1p3platform_refuses_a_tampered_answer(client, dl_peer, catalog):
    path, token = landing(_peer_deep_link(client, dl_peer, data={"k": "v"}))
    form = picker(client, f"{path}?kt={token}")
    _, token_value = _jwt_of(answer(client, form, ["lessons/einstieg"]))

    def change_data(body):
        body[DL + "data"] = {"k": "other"}

    tool_jwks = client.get("/lti/jwks").json()
    with pytest.raises(jwt.InvalidSignatureError):
        dl_peer.validate_answer(_tamper(token_value, change_data), tool_jwks)


def test_without_data_in_the_request_the_answer_has_none(client, dl_peer, catalog):
    path, token = landing(_peer_deep_link(client, dl_peer, data=None))
    form = picker(client, f"{path}?kt={token}")
    _, token_value = _jwt_of(answer(client, form, [""]))
    claims = dl_peer.decode_answer(token_value, client.get("/lti/jwks").json())
    assert DL + "data" not in claims
    [item] = claims[DL + "content_items"]
    assert "custom" not in item  # the course start needs no target


def test_lti1p3platform_links_a_lessons_forum_and_its_launch_opens_the_forum(
    client, dl_peer, db: Session, app
):
    """The real course's catalog: the forum item carries its target and no line item, and
    the peer's later launch of it (the item's custom parameters) lands on the forum."""
    content.load(db, CONTENT)
    db.commit()
    path, token = landing(_peer_deep_link(client, dl_peer, data={"placement": "forum"}))
    form = picker(client, f"{path}?kt={token}")
    forum = "lessons/kundenbeziehungen/forum"
    key = f"social-media-strategie:{forum}"  # the picker names places by course and path
    assert key in [value for _, value in form.targets]
    _, token_value = _jwt_of(answer(client, form, [key]))

    [item] = dl_peer.validate_answer(token_value, client.get("/lti/jwks").json())
    assert item["type"] == "ltiResourceLink"
    assert item["custom"] == {
        "kurswerk_target": forum,
        "kurswerk_course": "social-media-strategie",
    }
    assert "lineItem" not in item
    assert item["title"] == "Forum: Kundenbeziehungen"

    initiation = dl_peer.login_initiation_url(user_id="l-1")
    login = client.get(initiation, follow_redirects=False)
    assert login.status_code == 302, login.text
    fields = dl_peer.answer_authorisation(
        login.headers["location"], user_id="l-1", roles=[LEARNER], custom=item["custom"]
    )
    launched = client.post(
        fields["launch_url"],
        data={"id_token": fields["id_token"], "state": fields["state"]},
        follow_redirects=False,
    )
    where, learner_token = landing(launched)
    context = context_of(db)
    slug = "kundenbeziehungen"
    assert where == app.url_path_for("forum_list", context=str(context.id), slug=slug)
    page = client.get(where, params={"kt": learner_token})
    assert page.status_code == 200
    assert f'href="{where}/new?' in page.text  # the thread list's "new question"


@pytest.mark.parametrize(
    ("locale", "legend"), [("de-DE", "Foren der Lektionen"), ("en-GB", "Lesson forums")]
)
def test_the_picker_shows_forums_in_a_group_of_their_own(client, forger, catalog, locale, legend):
    from lti.service import LinkTarget

    catalog.extra = [LinkTarget("Forum: Einstieg", "", "lessons/einstieg/forum", "forum")]
    path, token = landing(_forged_deep_link(client, forger, locale=locale))
    page = client.get(f"{path}?kt={token}")
    assert page.status_code == 200
    legends = re.findall(r"<legend>(.*?)</legend>", page.text)
    assert legends[-1] == legend and len(legends) == 4
    last_group = page.text.rsplit("<legend>", 1)[1]
    assert 'value="lessons/einstieg/forum"' in last_group
    assert "Forum: Einstieg" in last_group


# --- the tool's side: forms, people, settings --------------------------------------------


def test_a_tampered_picker_form_cannot_change_target_return_url_or_data(client, sim, catalog):
    path, token = _start_at_simulator(client, sim)
    form = picker(client, f"{path}?kt={token}")
    unknown = answer(client, form, ["lessons/geheim"])
    assert unknown.status_code == 400
    outside = answer(client, form, ["../../admin"])
    assert outside.status_code == 400

    returned = answer(
        client,
        form,
        ["lessons/einstieg"],
        return_url="https://evil.example/steal",
        data="evil",
        deep_link_return_url="https://evil.example/steal",
    )
    action, token_value = _jwt_of(returned)
    assert action == sim.config.deep_link_return_url
    claims = jwt.decode(token_value, options={"verify_signature": False})
    assert claims[DL + "data"] != "evil"
    assert sim.client.post("/deep-link/return", data={"JWT": token_value}).status_code == 200


def test_the_picker_answers_once(client, sim, catalog):
    path, token = _start_at_simulator(client, sim)
    form = picker(client, f"{path}?kt={token}")
    assert answer(client, form, ["lessons/einstieg"]).status_code == 200
    assert answer(client, form, ["lessons/einstieg"]).status_code == 404
    assert client.get(f"{path}?kt={token}").status_code == 404


def test_another_persons_session_cannot_use_the_picker(client, sim, catalog):
    path, _ = _start_at_simulator(client, sim, "tom")
    _, ada_token = landing(launch(client, sim, "ada"))
    client.cookies.clear()
    assert client.get(f"{path}?kt={ada_token}").status_code == 404


def test_a_learner_cannot_deep_link(client, forger: Forger, catalog, engine):
    response = _forged_deep_link(client, forger, roles=[LEARNER])
    assert response.status_code == 403
    assert "LMS-Rolle Lehrende" in response.text
    assert "kt=" not in response.headers.get("location", "")


def test_cancel_answers_with_no_items_and_the_data(client, sim, catalog):
    path, token = _start_at_simulator(client, sim)
    form = picker(client, f"{path}?kt={token}")
    _, token_value = _jwt_of(answer(client, form, [], action="cancel"))
    done = sim.client.post("/deep-link/return", data={"JWT": token_value})
    assert done.status_code == 200
    assert not [link for link in sim.course.links.values() if link.added_by]


def test_without_a_catalog_the_course_start_is_offered(client, sim):
    path, token = _start_at_simulator(client, sim)
    form = picker(client, f"{path}?kt={token}")
    assert [value for _, value in form.targets] == [""]


# -- settings from a forged (but validly signed) request --------------------------------


def _forged_deep_link(client, forger: Forger, *, roles=(INSTRUCTOR,), locale="de-DE", **settings):
    login = start_login(client)
    dl_settings = {
        "deep_link_return_url": "https://moodle.example.org/lti/return",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe"],
        "data": "opaque",
        **settings,
    }
    claims = forger.claims(
        login.nonce,
        **{
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            CLAIM + "roles": list(roles),
            CLAIM + "launch_presentation": {"locale": locale, "document_target": "iframe"},
            DL + "deep_linking_settings": {k: v for k, v in dl_settings.items() if v is not None},
        },
    )
    claims.pop(CLAIM + "resource_link")
    return post_launch(client, forger.sign(claims), login.state)


def test_single_choice_platforms_get_radio_buttons_and_one_item(client, forger, catalog):
    path, token = landing(_forged_deep_link(client, forger, accept_multiple=False))
    form = picker(client, f"{path}?kt={token}")
    assert {kind for kind, _ in form.targets} == {"radio"}
    two = answer(client, form, ["lessons/einstieg", EXERCISE_TARGET])
    assert two.status_code == 400 and "nur einen" in two.text
    none = answer(client, form, [])
    assert none.status_code == 400
    _, token_value = _jwt_of(answer(client, form, [EXERCISE_TARGET]))
    claims = jwt.decode(token_value, options={"verify_signature": False})
    assert len(claims[DL + "content_items"]) == 1
    assert claims[DL + "data"] == "opaque"


def test_a_platform_that_takes_no_lti_links_can_only_cancel(client, forger, catalog):
    path, token = landing(_forged_deep_link(client, forger, accept_types=["link", "html"]))
    form = picker(client, f"{path}?kt={token}")
    assert form.targets == []
    assert answer(client, form, ["lessons/einstieg"]).status_code == 400
    _, token_value = _jwt_of(answer(client, form, [], action="cancel"))
    claims = jwt.decode(token_value, options={"verify_signature": False})
    assert claims[DL + "content_items"] == []


def test_accept_lineitem_false_leaves_line_items_out(client, forger, catalog):
    path, token = landing(_forged_deep_link(client, forger, accept_lineitem=False))
    form = picker(client, f"{path}?kt={token}")
    _, token_value = _jwt_of(answer(client, form, [EXERCISE_TARGET]))
    claims = jwt.decode(token_value, options={"verify_signature": False})
    assert "lineItem" not in claims[DL + "content_items"][0]


@pytest.mark.parametrize(
    ("dl_settings", "status"),
    [
        ({"deep_link_return_url": "javascript:alert(1)"}, 400),
        ({"deep_link_return_url": None}, 400),
        ({"accept_types": None}, 400),
        ({"accept_types": "ltiResourceLink"}, 400),
        ({"data": "x" * 5000}, 400),
    ],
    ids=["script-url", "no-return-url", "no-accept-types", "accept-types-not-a-list", "huge-data"],
)
def test_malformed_deep_linking_settings_are_refused(client, forger, engine, dl_settings, status):
    response = _forged_deep_link(client, forger, **dl_settings)
    assert response.status_code == status
    assert "kt=" not in response.headers.get("location", "")


def test_catalog_targets_that_could_leave_the_course_are_not_offered(client, forger, catalog):
    from lti.service import LinkTarget

    catalog.extra = [
        LinkTarget("Fremd", "", "//evil.example/x", "lesson"),
        LinkTarget("Hoch", "", "../other", "lesson"),
        LinkTarget("Video", "", "lessons/einstieg/video", "video"),  # not a kind
    ]
    path, token = landing(_forged_deep_link(client, forger))
    offered = [value for _, value in picker(client, f"{path}?kt={token}").targets]
    assert offered == ["", "lessons/einstieg", EXERCISE_TARGET, MEDIA_TARGET]
