"""Vendor text made safe for human-facing output: the terminal, error lines, index.html, junit.xml.

A vendor controls much of what the suite shows (messages, bodies, URLs). Raw, its control
characters could colour or clear the terminal (ANSI escapes), move the cursor back over a line
(CR), start a forged "[PASS]" line (LF, U+2028/U+2029/U+0085), reorder what a reader sees
(bidi overrides), or break an encoder (lone surrogates). `neutralise` shows each such
character as a visible `\\uXXXX` escape instead. Evidence files keep the exact text: they are
data, not output.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL (Unicode category Cc), the line and paragraph separators (Zl, Zp),
# bidi embeddings/overrides/isolates, and surrogates (only ever lone in a Python str).
# Tab stays: it cannot start a line or hide text.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_LINE = re.compile(f"[{_UNSAFE}\n]")
_UNSAFE_BLOCK = re.compile(f"[{_UNSAFE}]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def neutralise(text: object, *, keep_newlines: bool = False) -> str:
    """`text` with every control character shown as `\\uXXXX`. One line by default (LF escaped
    too); `keep_newlines=True` keeps LF for multi-line blocks (a pretty-printed body, a
    traceback whose every line pytest prefixes), where CR and the rest are still escaped."""
    pattern = _UNSAFE_BLOCK if keep_newlines else _UNSAFE_LINE
    return pattern.sub(_escape, str(text))
