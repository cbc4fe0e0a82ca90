"""``kurswerk demo`` restarted: the LMS simulator keeps its deep-linked links, its
gradebook (columns, scores, comments) and the caught mails in the demo's data folder,
as a real LMS would; the tool's next score lands in the same column, no new one."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from kurswerk.core.clock import utcnow
from kurswerk.core.outbox.queue import deliver_due
from kurswerk.devplatform import demo
from kurswerk.devplatform.mailcatcher import MailStore
from kurswerk.devplatform.persist import MAILS_FILE
from lti import service
from tests.devplatform.test_demo_mails import raw_mail
from tests.lti.advantage import (
    Simulator,
    context_of,
    landing,
    launch,
    register_simulator,
    start_simulator,
    user,
)
from tests.lti.catalog import EXERCISE
from tests.lti.test_ags import POLICY, _release, _submit
from tests.lti.test_deep_linking import _jwt_of, _start_at_simulator, answer, picker

MEDIA = "lessons/einstieg/exercises/zielgruppe?industry=media"


def _deliver(engine, settings, *, later: int = 0):
    handler = service.lms_call_handler(settings, engine)
    at = utcnow() + timedelta(seconds=later)
    return deliver_due(engine, {service.LMS_CALL: handler}, policy=POLICY, now=at)


def _restart(app, sim: Simulator, data_dir) -> Simulator:
    """Stop the simulator and start a new one (new process state) on the same port."""
    sim.server.stop()
    port = int(sim.config.issuer.rsplit(":", 1)[1])
    return start_simulator(app, port=port, data_dir=data_dir)


def test_a_restarted_simulator_keeps_its_links_and_gradebook(
    app, client, db: Session, engine, settings, catalog, tmp_path
):
    sim = start_simulator(app, data_dir=tmp_path)
    try:
        register_simulator(db, sim.config)
        path, token = _start_at_simulator(client, sim)
        form = picker(client, f"{path}?kt={token}")
        returned = answer(client, form, [MEDIA])
        done = sim.client.post("/deep-link/return", data={"JWT": _jwt_of(returned)[1]})
        assert done.status_code == 200, done.text
        [linked] = [link for link in sim.course.links.values() if link.added_by == "tom"]

        landing(launch(client, sim, "lena"))
        context_id = context_of(db).id
        lena = user(db, sim.config.person("lena").sub).id
        _submit(db, context_id, lena)
        _release(db, context_id, lena, comment="Gute Analyse der Zielgruppe.")
        assert _deliver(engine, settings).sent == 2
        columns = {item.id: item.resource_id for item in sim.course.line_items.values()}
        assert EXERCISE.resource_id in columns.values()

        sim = _restart(app, sim, tmp_path)
        assert sim.course.requests["lineitems"] == 0
        assert {item.id: item.resource_id for item in sim.course.line_items.values()} == columns
        kept = sim.course.links[linked.id]
        assert (kept.custom, kept.line_item_id) == (linked.custom, linked.line_item_id)
        page = sim.client.get("/gradebook", params={"person": "tom"})
        assert page.status_code == 200 and "Gute Analyse der Zielgruppe." in page.text

        # the deep-linked link still launches where it led before the restart
        where, _ = landing(launch(client, sim, "lena", link=linked.id))
        assert where == f"/c/{context_id}/{MEDIA}"

        # the tool's next score goes to the column it knows: no 404, no new column
        _release(db, context_id, lena, key="release:2", comment="Zweite Runde.")
        assert _deliver(engine, settings, later=1).sent == 1
        assert len(sim.course.line_items) == len(columns)
        assert sim.course.requests["lineitems"] == 0
        [column_id] = [key for key, resource in columns.items() if resource == EXERCISE.resource_id]
        latest = sim.course.scores[(column_id, sim.config.person("lena").sub)]
        assert latest.comment == "Zweite Runde."
    finally:
        sim.server.stop()


def test_the_demo_keeps_caught_mails_across_a_restart(tmp_path):
    data_dir = demo.demo_data_dir(f"sqlite:///{tmp_path}/var/kurswerk.db")
    assert data_dir == tmp_path / "var"
    first = MailStore(path=data_dir / MAILS_FILE)
    first.add(
        raw_mail(subject="Eingangsbestätigung", text="Danke.", html="<p>Danke.</p>"),
        mail_from="kurswerk@localhost",
        to=("carla.coaching@example.org",),
    )
    again = MailStore(path=data_dir / MAILS_FILE)  # the demo started once more
    [mail] = again.newest_first()
    assert (mail.subject, mail.text, mail.html) == (
        "Eingangsbestätigung",
        "Danke.\n",
        "<p>Danke.</p>\n",
    )
    assert mail.to == ("carla.coaching@example.org",)
    newer = again.add(
        raw_mail(subject="Feedback", text="Hier.", html=None), mail_from="k@localhost", to=("a@b",)
    )
    assert newer.id == mail.id + 1  # ids go on, no clash with the kept ones
    assert [m.subject for m in MailStore(path=data_dir / MAILS_FILE).newest_first()] == [
        "Feedback",
        "Eingangsbestätigung",
    ]


def test_a_demo_on_postgresql_keeps_its_simulator_under_var():
    assert str(demo.demo_data_dir("postgresql+psycopg://u@h/db")) == "var"
