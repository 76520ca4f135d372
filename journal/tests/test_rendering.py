"""Markdown is rendered safely: no raw HTML, no script, no javascript: links."""

from html.parser import HTMLParser

import pytest

from journal.rendering import markdown_html


def test_markdown_basics():
    html = markdown_html("# Closed\n\n- **17** at entry\n- `zero` P&L\n\n[ticket](https://example.com/1)")
    assert "<h1>Closed</h1>" in html and "<strong>17</strong>" in html and "<code>zero</code>" in html
    assert 'href="https://example.com/1"' in html and 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "![x](javascript:alert(1))",
        '<iframe src="https://evil"></iframe>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_no_raw_html_or_script(source):
    tags = _tags(markdown_html(source))
    assert not {name for name, _ in tags} & {"script", "img", "iframe"}
    for _, attrs in tags:
        assert not any(key.startswith("on") for key in attrs)
        assert not attrs.get("href", "").startswith(("javascript", "data"))


def _tags(html: str) -> list[tuple[str, dict]]:
    """The real elements of the rendered HTML (escaped text is not an element)."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found
