"""The favicon (issue 9 §6): every page links one SVG icon, the icon is served as SVG,
and ``/favicon.ico`` - which browsers ask for on their own - leads to it, not to a 404."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit


def test_pages_link_the_svg_icon_and_it_is_served(client):
    page = client.get("/this-does-not-exist")  # an error page: rendered from the base layout
    links = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.text)
    assert len(links) == 1 and urlsplit(links[0]).path == "/static/favicon.svg"
    icon = client.get(links[0])
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(icon.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/static/favicon.svg"
    followed = client.get("/favicon.ico")
    assert followed.status_code == 200
    assert followed.headers["content-type"].startswith("image/svg+xml")
