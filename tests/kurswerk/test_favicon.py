"""The favicon (issue 9 §6): every page carries one SVG icon (written into the page as a
``data:`` address, so it costs no request - issue 15's page weight), the drawing of
``static/favicon.svg``, which is served as SVG; ``/favicon.ico`` - which browsers ask for
on their own - leads to it, not to a 404."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote


def test_pages_link_the_svg_icon_and_it_is_served(client):
    page = client.get("/this-does-not-exist")  # an error page: rendered from the base layout
    links = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.text)
    assert len(links) == 1 and links[0].startswith("data:image/svg+xml,")
    inline = ET.fromstring(unquote(links[0].removeprefix("data:image/svg+xml,")))
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    served = ET.fromstring(icon.content)
    assert inline.tag == served.tag == "{http://www.w3.org/2000/svg}svg"
    drawing = [(child.tag, child.attrib) for child in served]
    assert [(child.tag, child.attrib) for child in inline] == drawing


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/static/favicon.svg"
    followed = client.get("/favicon.ico")
    assert followed.status_code == 200
    assert followed.headers["content-type"].startswith("image/svg+xml")
