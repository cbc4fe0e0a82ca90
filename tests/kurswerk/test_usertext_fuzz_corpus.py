"""The Markdown fuzzer's oracle and corpus (fuzz/usertext.py, fuzz/corpus/usertext): the
oracle recognises active content when it sees it, and no file of the corpus - XSS vectors
as seeds, and what fuzzing found - renders to any."""

from __future__ import annotations

from pathlib import Path

import pytest

from fuzz.usertext import active_content, check_markdown, fuzz_one_input

CORPUS = Path(__file__).resolve().parents[2] / "fuzz" / "corpus" / "usertext"
FILES = sorted(CORPUS.iterdir())

REL = 'rel="nofollow noopener noreferrer ugc"'
ACTIVE = {
    "script": "<p><script>alert(1)</script></p>",
    "iframe": '<iframe src="https://example.org"></iframe>',
    "event handler": '<p onclick="alert(1)">x</p>',
    "style": '<p style="background:url(x)">x</p>',
    "javascript link": f'<a href="javascript:alert(1)" {REL}>x</a>',
    "split scheme": f'<a href="java&#9;script:alert(1)" {REL}>x</a>',
    "data link": f'<a href="data:text/html,x" {REL}>x</a>',
    "link without rel": '<a href="https://example.org">x</a>',
    "comment": "<!-- x --><p>x</p>",
    "image": '<img src="https://example.org/pixel.png">',
    "unclosed tag": "<p>x</p><svg",
}


@pytest.mark.parametrize("html", ACTIVE.values(), ids=list(ACTIVE))
def test_the_oracle_recognises_active_content(html):
    assert active_content(html)


def test_the_oracle_lets_allowed_markup_pass():
    html = (
        f'<h3>T</h3><p><strong>a</strong> <a href="https://example.org/?a=1&amp;b=2" {REL}>'
        f'b</a> <a href="/relative" {REL}>c</a> &lt;script&gt;</p><ol start="3"><li>x</li></ol>'
    )
    assert active_content(html) == []


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_no_corpus_file_renders_active_content(path):
    fuzz_one_input(path.read_bytes())


def test_the_xss_seeds_are_in_the_corpus():
    assert sum(path.name.startswith("xss-") for path in FILES) >= 10
    check_markdown("[x](javascript:alert(1)) <script>alert(1)</script>")
