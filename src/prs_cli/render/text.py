"""Text from outside (names, notes, components, file names, calendar notes) made safe to print.

Every renderer passes such text through visible(): no escape sequence (CSI, OSC), bell,
backspace, carriage return or NUL reaches a terminal, a pipe or cron mail. Control characters
are shown, not dropped, so an officer can see that a name holds one: C0 controls and DEL as
their Unicode control pictures (ESC as ␛), other invisible format characters (C1 controls,
bidirectional overrides, line and paragraph separators) as <U+XXXX>.
"""

from __future__ import annotations

import re

# C0, DEL, C1, and the invisible characters that reorder or break text on screen.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")


def _shown(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def visible(text: str) -> str:
    """`text` with every control or invisible format character made visible (see above); plain
    text comes back as it is (every character _HIDDEN matches is one str.isprintable refuses, so
    printable text, nearly all of it, skips the regular expression)."""
    if text.isprintable():
        return text
    return _HIDDEN.sub(_shown, text) if _HIDDEN.search(text) else text


def visible_lines(text: str) -> str:
    """visible() for several lines of text: the line breaks stay line breaks."""
    return "\n".join(visible(line) for line in text.split("\n"))


def json_escaped(document: str) -> str:
    """A JSON document with the characters json.dumps leaves raw (DEL, C1 controls, invisible
    format characters) written as \\uXXXX escapes: the same value, nothing a terminal acts on.
    Safe to run on the whole document, since such characters can only sit inside strings."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document) if _JSON_RAW.search(document) else document


_JSON_RAW = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
