"""User Markdown is rendered without any way to run script or restyle the page.

The corpus holds classic XSS vectors (script tags, event handlers, ``javascript:`` and
``data:`` URLs in every spelling, SVG/MathML, CSS expressions, nested Markdown/HTML
tricks). Each output is parsed and checked for what a browser would execute.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from kurswerk.core.usertext import markdown_text, plain_text, render_markdown

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src=x.swf>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    '<body onload="alert(1)">',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<form action="https://evil.example"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](javas&#99;ript:alert(1))",
    "[klick](&#x6A;avascript:alert(1))",
    "[klick](java\tscript:alert(1))",
    "[klick](<javascript:alert(1)>)",
    "[klick]( javascript:alert(1) )",
    "[klick](vbscript:msgbox(1))",
    "[klick](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "![bild](javascript:alert(1))",
    "![bild](https://tracker.example/pixel.gif)",
    "[klick][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
    "**[fett](javascript:alert(1))**",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    '<a href="https://ok.example" onclick="alert(1)" target="_blank">x</a>',
    "<!-- <script>alert(1)</script> -->",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</script>",
    # Added with the forum (posts render through the same function):
    '<https://ok.example" onmouseover="alert(1)>',
    '[x](https://ok.example/"onmouseover="alert(1))',
    "[x](jav&#x09;ascript:alert(1))",
    "[x](java&#0000010;script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](\\javascript:alert(1))",
    "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "```\n</code></pre><script>alert(1)</script>\n```",
    '<a href="https://ok.example" formaction="javascript:alert(1)">x</a>',
    "<isindex type=image src=1 onerror=alert(1)>",
    "~~<script>alert(1)</script>~~",
    "<a href='javascript:alert(1)'>*kursiv*</a> und [ok](https://ok.example)",
]

FORBIDDEN_ELEMENTS = {
    "script", "svg", "math", "iframe", "object", "embed", "style", "img", "form", "input",
    "button", "meta", "base", "body", "details", "link",
}  # fmt: skip
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def _inspect(markup: str) -> _Inspector:
    inspector = _Inspector()
    inspector.feed(markup)
    return inspector


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_rendered_user_markdown_contains_nothing_executable(source):
    inspector = _inspect(str(render_markdown(source)))
    assert not FORBIDDEN_ELEMENTS & set(inspector.elements)
    for tag, name, value in inspector.attributes:
        assert not name.startswith("on"), (tag, name)
        assert name not in {"style", "target", "src", "srcdoc", "formaction", "xlink:href"}
        if name == "href":
            assert scheme_of(value) in SAFE_SCHEMES + ("",), value


def scheme_of(href: str) -> str:
    """The scheme a browser reads from an href (WHATWG URL: leading/trailing C0 controls
    and spaces stripped, tabs and newlines removed, then ``[a-z][a-z0-9+.-]*:``); "" for a
    relative URL. ``jav%09ascript:x`` is relative: ``%`` cannot occur in a scheme."""
    url = re.sub(r"[\t\n\r]", "", html.unescape(href).strip("".join(map(chr, range(33)))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*:)", url)
    return match.group(1).lower() if match else ""


def test_script_typed_in_a_post_is_shown_as_text():
    assert "&lt;script&gt;" in str(render_markdown("<script>alert(1)</script>"))


def test_ordinary_markdown_keeps_its_meaning():
    html_out = str(render_markdown("**Wichtig:** siehe [Kurs](https://example.org/k)\n\n- a\n- b"))
    assert "<strong>Wichtig:</strong>" in html_out
    assert (
        '<a href="https://example.org/k" rel="nofollow noopener noreferrer ugc">Kurs</a>'
        in html_out
    )
    assert "<ul>" in html_out and "<li>a</li>" in html_out


def test_user_headings_start_below_the_page_headings():
    html_out = str(render_markdown("# Eins\n\n## Zwei\n\n###### Sechs"))
    assert "<h3>Eins</h3>" in html_out and "<h4>Zwei</h4>" in html_out
    assert "<h1>" not in html_out and "<h2>" not in html_out and "<h6>Sechs</h6>" in html_out


def test_plain_text_drops_markup_and_keeps_umlauts():
    assert plain_text("**Grüße** aus _München_") == "Grüße aus München"


# --- markdown_text: plain text that keeps the shape ------------------------------------


def test_markdown_text_keeps_paragraphs_lists_and_headings_without_markup():
    source = (
        "## Gesamteindruck\n\nIhre **Analyse** ist *schlüssig*,\nsehr gut.\n\n"
        "- Zielgruppe: klar\n- Kanäle:\n  1. Instagram\n  2. LinkedIn\n\nIhre Tilda"
    )
    assert markdown_text(source) == (
        "Gesamteindruck\n\n"
        "Ihre Analyse ist schlüssig,\nsehr gut.\n\n"  # a typed line break stays one
        "– Zielgruppe: klar\n"
        "– Kanäle:\n"
        "   1. Instagram\n"
        "   2. LinkedIn\n\n"
        "Ihre Tilda"
    )


def test_markdown_text_numbers_ordered_lists_from_their_start_and_keeps_loose_items_apart():
    assert markdown_text("3. drei\n\n4. vier") == "3. drei\n\n4. vier"


def test_markdown_text_gives_a_links_address_once_and_only_for_web_links():
    assert markdown_text("Siehe [Leitfaden](https://example.org/l).") == (
        "Siehe Leitfaden (https://example.org/l)."
    )
    assert markdown_text("<https://example.org/l>") == "https://example.org/l"
    assert markdown_text("[Mail](mailto:t@example.org)") == "Mail"
    assert "javascript" in markdown_text("[x](javascript:alert(1))")  # left as typed text


def test_markdown_text_renders_quotes_tables_and_code_as_text():
    source = "> Zitat\n>\n> weiter\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n    code  bleibt\n"
    assert markdown_text(source) == ("> Zitat\n>\n> weiter\n\na | b\n1 | 2\n\ncode  bleibt")


def test_markdown_text_keeps_typed_html_as_text():
    assert markdown_text("<script>alert(1)</script> **fett**") == "<script>alert(1)</script> fett"


# --- typed line breaks and one plain-text rendering (issue 9 §6) -------------------------

SIGNED = "**Wichtig:** bitte prüfen.\n\n- eins\n- zwei\n\nViele Grüße\nTom"
SIGNED_TEXT = "Wichtig: bitte prüfen.\n\n– eins\n– zwei\n\nViele Grüße\nTom"


def test_a_typed_line_break_stays_a_line_break_in_html_and_text():
    html = str(render_markdown("Viele Grüße\nTom"))
    assert html.startswith("<p>Viele Grüße<br>") and html.rstrip().endswith("Tom</p>")
    assert markdown_text("Viele Grüße\nTom") == "Viele Grüße\nTom"
    assert markdown_text(SIGNED) == SIGNED_TEXT
    # a blank line is still a new paragraph, never two breaks
    assert "<br" not in str(render_markdown("eins\n\nzwei"))
