"""Highlighted JSON as Textual `Content`, coloured with theme variables.

A regex over `json.dumps` output is all the lexing this needs: it costs well under a
millisecond for a policy (pygments via `rich.syntax.Syntax` costs ~5 ms per render pass, and
the preview is re-rendered on every keystroke), follows every theme, and keeps pygments off the
import path.
"""

from __future__ import annotations

import re

from textual.content import Content, Span

_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)')

KEY_STYLE = "$text-primary"
STRING_STYLE = "$text-success"
LITERAL_STYLE = "$text-warning"


def json_content(text: str) -> Content:
    """`text` (JSON) with keys, strings and literals styled; punctuation keeps the widget's colour."""
    spans = []
    for match in _TOKEN.finditer(text):
        if match.group(1) is not None:
            style = KEY_STYLE if match.group(2) else STRING_STYLE
            spans.append(Span(match.start(1), match.end(1), style))
        else:
            spans.append(Span(match.start(3), match.end(3), LITERAL_STYLE))
    return Content(text, spans)
