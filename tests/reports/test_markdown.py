"""Organisers' Markdown: rendered and sanitised for HTML, kept (defused) for the .md report, and the
escaping of plain values and URLs for Markdown."""

from __future__ import annotations

from markdown_it import MarkdownIt

from app.reports.filters import markdown_escape, markdown_link
from app.reports.markdown import inline_html, plain_text, to_html, to_markdown

HOSTILE = """# Heading
Some **bold**, *italic* and [a link](https://example.org/a_b).
<script>alert(1)</script> <img src=x onerror=alert(2)>
[bad](javascript:alert(3)) [worse](jav&#x61;script:alert(4)) <javascript:alert(5)>
![a photo](https://tracker.example/pixel.png)

[ref]: javascript:alert(6)
and [r][ref]

- one
- two

> quoted

| a | b |
| --- | --: |
| 1 | 2 |

```
<kept as code>
```
"""


def github_like(markdown: str) -> str:
    """How a common renderer shows a Markdown file: raw HTML allowed, no sanitiser of its own."""
    return MarkdownIt("gfm-like", {"html": True}).render(markdown)


def test_html_has_the_formatting_and_nothing_that_runs_or_fetches():
    html = to_html(HOSTILE)
    for element in (
        "<h4>Heading</h4>",
        "<strong>bold</strong>",
        "<em>italic</em>",
        "<ul>",
        "<blockquote>",
        "<table>",
        '<a href="https://example.org/a_b"',
    ):
        assert element in html
    assert "&lt;script&gt;" in html and "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html and '<a href="jav' not in html  # unsafe links stay text
    assert "tracker.example" not in html and "a photo" in html  # an image prints its words, never loads
    assert "&lt;kept as code&gt;" in html


def test_inline_markdown_for_one_line_items():
    assert inline_html("**CLUSTERS3** and <i>x</i>") == "<strong>CLUSTERS3</strong> and &lt;i&gt;x&lt;/i&gt;"
    assert plain_text("A **bold**\nline") == "A bold line"


def test_the_markdown_output_keeps_formatting_but_defuses_html_and_unsafe_links():
    source = to_markdown(HOSTILE)
    assert source.startswith("#### Heading") and "**bold**" in source and "> quoted" in source
    rendered = github_like(source)
    assert "<strong>bold</strong>" in rendered and '<a href="https://example.org/a_b">' in rendered
    assert "<script" not in rendered and "<img" not in rendered
    assert 'href="javascript' not in rendered.lower() and "jav&amp;#x61;script" not in rendered
    assert "tracker.example" not in rendered
    assert "<code>&lt;kept as code&gt;" in rendered


def test_plain_values_are_escaped_only_where_markdown_needs_it():
    assert markdown_escape("CLUSTERIX 2.0 (Lower Austria)") == "CLUSTERIX 2.0 (Lower Austria)"
    assert markdown_escape("# not a heading") == "\\# not a heading"
    assert markdown_escape("1. not a list") == "1\\. not a list"
    assert markdown_escape("a_b *c* [d] <e> | f") == "a\\_b \\*c\\* \\[d\\] \\<e\\> \\| f"
    assert github_like(markdown_escape("<b>R&amp;D</b> **x**")).strip() == "<p>&lt;b&gt;R&amp;amp;D&lt;/b&gt; **x**</p>"


def test_a_url_cannot_break_out_of_its_markdown_link():
    link = markdown_link("https://x.example/><script>alert(1)</script>", "Site")
    rendered = github_like(link)
    assert "<script" not in rendered
    assert 'href="https://x.example/%3E%3Cscript%3Ealert%281%29%3C/script%3E"' in rendered
    assert markdown_link("javascript:alert(1)", "Click") == "Click"
