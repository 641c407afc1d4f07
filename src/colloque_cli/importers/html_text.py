"""HTML fragments (as in FOSDEM abstracts) to readable plain text, with the standard library."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# HTML is recognised by its common tags and entities, so that plain text speaking of
# ``<LOAD_ADDR>`` or ``R&D`` stays as it is.
_LOOKS_LIKE_HTML = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|code|dd|del|div|dl|dt|em|h[1-6]|hr|i|img|ins|kbd|li|ol|"
    r"p|pre|q|s|samp|small|span|strong|sub|sup|table|td|th|tr|tt|u|ul|var)(?:\s[^<>]*)?/?>"
    r"|&(?:amp|lt|gt|quot|apos|nbsp|#\d+|#x[0-9a-fA-F]+);",
    re.IGNORECASE,
)
_BLOCKS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tr ul".split()
)
_SKIPPED = frozenset({"script", "style", "head", "title"})


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_HTML.search(text))


_MAX_LIST_INDENT = 8


def _only_complete_markup(text: str) -> str:
    """``text`` with every « < » that does not open complete markup written ``&lt;``.

    ``html.parser`` rescans the rest of the text from each unclosed « < » (``"<a " * 12000``
    took 18 s) and fails on some declarations (``<![x]>``, an AssertionError). It is given
    only complete tags (closed before the next « < »), complete comments and doctypes, found
    in one pass: each search resumes where the last one stopped, or is known to fail.
    """
    parts: list[str] = []
    position = 0
    next_close = -1  # the next « > » at or after the current « < » (-1: none left)
    close_known = False
    comments_end = True  # whether a « --> » may still come
    while True:
        opening = text.find("<", position)
        if opening < 0:
            parts.append(text[position:])
            return "".join(parts)
        parts.append(text[position:opening])
        if text.startswith("<!--", opening) and comments_end:
            end = text.find("-->", opening + 4)
            if end >= 0:
                parts.append(text[opening : end + 3])
                position = end + 3
                continue
            comments_end = False
        if not close_known or (0 <= next_close < opening):
            next_close = text.find(">", opening)
            close_known = True
        following = text.find("<", opening + 1, next_close if next_close >= 0 else None)
        tag = text[opening : next_close + 1] if next_close >= 0 and following < 0 else ""
        if tag and (not tag.startswith("<!") or tag[2:9].lower() == "doctype"):
            parts.append(tag)
            position = next_close + 1
        else:
            parts.append("&lt;")
            position = opening + 1


def html_to_text(text: str) -> str:
    """Plain text of an HTML fragment: paragraphs kept, list items dashed, links spelled out."""
    if not looks_like_html(text):
        return tidy(text)
    parser = _TextParser()
    parser.feed(_only_complete_markup(text))
    parser.close()
    return tidy("".join(parser.parts))


def tidy(text: str) -> str:
    """Trailing spaces off, runs of blank lines down to one, no blank edges."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._pre = 0
        self._lists: list[list[int]] = []  # per open list: next number, or 0 for <ul>
        self._link: tuple[str, int] | None = None  # href and where its text starts

    def _newline(self, blank: bool = False) -> None:
        """End the current line (and leave a blank line after it when ``blank``)."""
        if not self.parts:
            return
        wanted = 2 if blank else 1
        tail = "".join(self.parts[-3:])
        have = len(tail) - len(tail.rstrip("\n"))
        if have < wanted:
            self.parts.append("\n" * (wanted - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("ul", "ol"):
            self._newline()
            self._lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            self._newline()
            indent = "  " * min(max(len(self._lists) - 1, 0), _MAX_LIST_INDENT)
            if self._lists and self._lists[-1][0]:
                self.parts.append(f"{indent}{self._lists[-1][0]}. ")
                self._lists[-1][0] += 1
            else:
                self.parts.append(f"{indent}- ")
        elif tag == "pre":
            self._newline(blank=True)
            self._pre += 1
        elif tag in _BLOCKS:
            self._newline(blank=tag not in ("li", "dd", "dt", "tr"))
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._link = (href.strip(), len(self.parts))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(self._skip - 1, 0)
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._newline(blank=not self._lists)
        elif tag == "pre":
            self._pre = max(self._pre - 1, 0)
            self._newline(blank=True)
        elif tag in _BLOCKS:
            self._newline(blank=tag not in ("li", "dd", "dt", "tr"))
        elif tag == "a" and self._link is not None:
            href, start = self._link
            self._link = None
            label = "".join(self.parts[start:]).strip()
            # A link whose text is not its address keeps the address, for a reader in a terminal.
            if href.startswith(("http://", "https://", "mailto:")) and href.rstrip("/") not in (
                label.rstrip("/"),
                "mailto:" + label,
            ):
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._pre:
            data = re.sub(r"\s+", " ", data)
            if not self.parts or self.parts[-1].endswith(("\n", " ")):
                data = data.lstrip()
        if data:
            self.parts.append(data)


def plain(text: str | None) -> str:
    """Imported text as plain text: HTML converted, whitespace tidied."""
    return html_to_text(text) if text else ""
