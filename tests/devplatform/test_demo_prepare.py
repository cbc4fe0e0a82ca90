"""NEEDS THE MERGE of the LTI work (``lti.service``) and the course work
(``course.content.load``, ``content/``): until then these tests fail with
``ImportError``/``AttributeError`` on ``lti.service`` or ``course.content.load``.

``kurswerk demo``'s preparation, for real: migrations, content, and the simulator
registered as a platform exactly once however often the demo starts.
"""

from __future__ import annotations

from kurswerk.core.db import new_session
from kurswerk.devplatform import demo
from kurswerk.devplatform.config import SimulatorConfig


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
