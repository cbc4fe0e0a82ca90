"""NEEDS THE MERGE of the LTI work (``lti.service``) and the course work
(``course.content.load``, ``content/``): until then these tests fail with
``ImportError``/``AttributeError`` on ``lti.service`` or ``course.content.load``.

``kurswerk demo``'s preparation, for real: migrations, content, and the simulator
registered as a platform exactly once however often the demo starts; a learner of the demo's
course finds a worksheet template through the lesson and downloads it in both formats.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from kurswerk.core.db import new_session
from kurswerk.devplatform import demo
from kurswerk.devplatform.config import SimulatorConfig
from tests.course.html_tools import parse
from tests.devplatform.test_demo_coaching import prepared
from tests.lti.advantage import Simulator, landing, launch

__all__ = ["prepared"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_prepare_loads_content_and_registers_the_simulator_once(settings, engine):
    from lti import service

    simulator = SimulatorConfig.local(simulator_port=8001, tool_port=8000)
    demo.prepare(settings, simulator, demo.content_dir())
    demo.prepare(settings, simulator, demo.content_dir())  # a second start changes nothing

    with new_session(engine) as session:
        rows = [
            (platform, deployments)
            for platform, deployments in service.list_platforms(session)
            if platform.issuer == "http://localhost:8001"
        ]
    assert len(rows) == 1
    platform, deployments = rows[0]
    assert platform.client_id == "kurswerk-demo"
    assert list(deployments) == ["demo-deployment"]
    assert platform.auth_login_url == "http://localhost:8001/auth"
    assert platform.auth_token_url == "http://localhost:8001/token"
    assert platform.keyset_url == "http://localhost:8001/jwks"


def test_the_shipped_content_passes_the_check():
    from course.content import load as content

    assert list(content.check(demo.content_dir())) == []


def test_a_learner_of_the_demo_course_downloads_a_worksheet_template_in_both_formats(
    prepared: Simulator, client
):
    client.follow_redirects = False
    path, token = landing(launch(client, prepared, "lena"))
    context = path.split("/")[2]
    lesson = client.get(f"/c/{context}/lessons/kundenbeziehungen?kt={token}")
    assert lesson.status_code == 200
    # the lesson's "Beispiel einer Arbeitsvorlage: …" links to the worksheet's page
    worksheet = next(
        a.attrs["href"]
        for a in parse(lesson.text).find("main").find_all("a")
        if "/worksheets/" in urlsplit(a.attrs.get("href", "")).path
    )
    page = client.get(worksheet)
    assert page.status_code == 200
    served = {}
    listed = parse(page.text).find(id="kw-downloads").find("ul", cls="download-list")
    for link in listed.find_all("a"):
        response = client.get(link.attrs["href"])
        fmt = urlsplit(link.attrs["href"]).path.rsplit(".", 1)[-1]
        served[fmt] = (response.status_code, response.headers["content-type"], response.content[:4])
    assert served == {"docx": (200, DOCX, b"PK\x03\x04"), "pdf": (200, "application/pdf", b"%PDF")}
