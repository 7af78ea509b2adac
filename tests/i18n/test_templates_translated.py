"""Every word a template shows a person is inside a translation tag ({% translate %} or {% blocktranslate %}).

The check reads each template as Django's lexer does: text outside template tags is HTML, whose text nodes and
readable attributes (title, alt, placeholder, aria-label, a button's value) must hold no words of their own. What a
template prints through a variable comes from Python or the data, and is checked there.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MARK = "\x00"  # where a variable or a tag stood
# Attributes a person reads (or hears from a screen reader).
READABLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription", "label"}
# Names and symbols that are the same in every language.
UNTRANSLATED = {"VendorEval", "SHA-256", "PDF", "PDF/A", "CSV", "XLSX", "SEAL", "CSF", "htmx", "ID", "URL", "JSON",
                "EU", "NIS2", "DORA", "GDPR", "SOV", "OK"}
WORD = re.compile(r"[^\W\d_]{2,}")


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            shown = name in READABLE_ATTRIBUTES or (
                name == "value" and tag == "input" and dict(attrs).get("type") in {"submit", "button", "reset"})
            if shown and value:
                self._check(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._check(data)

    def _check(self, text: str) -> None:
        words = [w for w in WORD.findall(text.replace(MARK, " ")) if w not in UNTRANSLATED]
        if words:
            self.found.append((self.getpos()[0], " ".join(text.replace(MARK, "…").split())[:80]))


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of every piece of text the template shows outside a translation tag."""
    pieces: list[str] = []
    depth = 0  # inside {% blocktranslate %} … {% endblocktranslate %} or {% comment %} … {% endcomment %}
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            pieces.append(MARK)
        elif token.token_type == TokenType.TEXT and depth == 0:
            pieces.append(token.contents)
        elif token.token_type == TokenType.TEXT:
            pieces.append(MARK * token.contents.count("\n") or MARK)  # keep line numbers
            pieces.append("\n" * token.contents.count("\n"))
        else:
            pieces.append(MARK + "\n" * token.contents.count("\n"))
    finder = _TextFinder()
    finder.feed("".join(pieces))
    finder.close()
    return finder.found


def test_the_checker_finds_text_outside_translation_tags():
    source = ('<h1>{% translate "Results" %}</h1>\n<p title="Hover text">{{ name }} is ranked</p>\n'
              '{% blocktranslate %}Ranked {{ n }}{% endblocktranslate %}<input type="submit" value="{% translate '
              '"Save" %}"><img alt="Logo"><script>var x = "words";</script>{# a comment #}')
    assert untranslated_text(source) == [(2, "Hover text"), (2, "… is ranked"), (3, "Logo")]


def test_every_template_shows_text_only_through_translation_tags():
    problems = [f"{path.relative_to(TEMPLATES)}:{line}: {text}"
                for path in sorted(TEMPLATES.rglob("*.html"))
                for line, text in untranslated_text(path.read_text(encoding="utf-8"))]
    assert problems == [], "text outside a translation tag:\n" + "\n".join(problems)
