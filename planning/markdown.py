"""Markdown of task descriptions, comments and event notes, rendered safely: CommonMark without raw HTML
(markdown-it-py), then an allow-list sanitiser (nh3) as a second fence, links opened with ``rel="noopener
noreferrer nofollow"``, only http(s)/mailto URLs. ``@mentions`` of people are highlighted by the caller."""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

TAGS = {
    *("p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote"),
    *("ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"),
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.validateLink = lambda url: url.lower().startswith(("http://", "https://", "mailto:", "/", "#"))
    return md


def render_markdown(text: str) -> SafeString:
    """``text`` as safe HTML (empty string for empty text)."""
    if not text or not text.strip():
        return mark_safe("")  # noqa: S308
    html = _parser().render(text)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 with an allow-list)
