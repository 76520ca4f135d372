"""Markdown to safe HTML: raw HTML in the source is escaped, then the output is sanitized again.

Two layers on purpose: markdown-it with `html` off never passes tags through, and nh3
(ammonia) removes anything dangerous that Markdown itself can produce (javascript: links).
"""

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}


def markdown_html(text: str) -> str:
    """Render entry content for display; safe to mark_safe."""
    return _clean(_md.render(text))


def markdown_inline_html(text: str) -> str:
    """A cut of an entry (a search snippet) as one line: emphasis, code and links rendered, no blocks."""
    return _clean(_md.renderInline(text))


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
