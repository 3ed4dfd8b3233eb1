"""Parse rendered HTML for the strict-CSP rules of the front end (no inline script/style, no event attributes)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""


class Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag in ("script", "style"):
            self._open.append(element)

    def handle_endtag(self, tag):
        if self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self._open[-1].text += data

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.attrs.get("id") == element_id), None)

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


def parse(html: str | bytes) -> Markup:
    markup = Markup()
    markup.feed(html.decode() if isinstance(html, bytes) else html)
    markup.close()
    return markup


def csp_problems(markup: Markup, nonce: str | None) -> list[str]:
    """What a strict CSP (script-src/style-src 'self' 'nonce-…', no unsafe-inline) would block or flag."""
    problems = []
    for element in markup.elements:
        for name in element.attrs:
            if name == "style":
                problems.append(f"<{element.tag}> has a style attribute")
            if name.startswith("on"):
                problems.append(f"<{element.tag}> has an event handler attribute {name}")
            if name.startswith(("hx-on", "data-hx-on")):
                problems.append(f"<{element.tag}> uses {name}")
        if element.tag == "script":
            src, script_nonce = element.attrs.get("src"), element.attrs.get("nonce")
            if not src and not script_nonce:
                problems.append("inline <script> without a nonce")
            if script_nonce is not None and script_nonce != nonce:
                problems.append(f"<script src={src}> nonce does not match the CSP header")
            if src and src.startswith(("http:", "https:", "//")):
                problems.append(f"<script> loads from another origin: {src}")
        if element.tag == "style" and element.attrs.get("nonce") != nonce:
            problems.append("<style> without the request's nonce")
        if element.tag == "link" and (element.attrs.get("href") or "").startswith(("http:", "https:", "//")):
            problems.append(f"<link> loads from another origin: {element.attrs.get('href')}")
        for name in ("href", "src", "action", "hx-get", "hx-post"):
            if (element.attrs.get(name) or "").strip().lower().startswith("javascript:"):
                problems.append(f"<{element.tag}> has a javascript: URL")
    return problems


def csp_nonce(header: str) -> str | None:
    for directive in header.split(";"):
        parts = directive.split()
        if parts and parts[0] == "script-src":
            for source in parts[1:]:
                if source.startswith("'nonce-"):
                    return source[len("'nonce-") : -1]
    return None
