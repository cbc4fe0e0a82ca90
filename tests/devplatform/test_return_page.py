"""``launch_presentation.return_url``: the tool sends the user back with a message."""

from __future__ import annotations


def test_return_page_shows_the_tools_messages_escaped(sim):
    response = sim.get(
        "/return", params={"lti_msg": "Fertig <b>gut</b>", "lti_errormsg": "<script>x()</script>"}
    )
    assert response.status_code == 200
    assert "Fertig &lt;b&gt;gut&lt;/b&gt;" in response.text
    assert "<script>x()</script>" not in response.text
    assert '<a href="/" target="_top">' in response.text


def test_return_page_cuts_very_long_messages(sim):
    response = sim.get("/return", params={"lti_msg": "a" * 20_000})
    assert response.status_code == 200
    assert "a" * 2000 in response.text
    assert "a" * 2001 not in response.text
