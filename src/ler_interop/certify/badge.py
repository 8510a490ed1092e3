"""The badge image of a conformance certificate: an SVG with the credential baked in as Open
Badges 3.0 defines it ("Baking", SVG): the `openbadges` namespace on the root, one
`<openbadges:credential>` directly after `<svg>`, holding the credential JSON in CDATA (an
embedded proof) or a `verify` attribute (a VC-JWT, given here as a str).

Everything drawn comes from data a vendor can influence (its name, the scope), so it is
escaped, its control and bidi characters shown as visible escapes, and the image is
self-contained: no script, no external font, image or link.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from .. import __version__
from ..safe_text import neutralise

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# A badge is a few KB plus the credential; a bigger input is not ours and is refused unread.
MAX_BADGE_BYTES = 2 * 1024 * 1024
PASS_COLOUR, FAIL_COLOUR = "#1a7f37", "#cf222e"
# Characters XML 1.0 cannot carry at all (controls other than tab/LF/CR, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class BadgeError(ValueError):
    """An SVG that holds no readable baked credential (or is too big, or not well-formed)."""


def badge_svg(credential: dict[str, Any] | str, *, vendor: str, scope: str, issued: str, conforms: bool,
              suite_version: str = __version__) -> str:
    """The badge: 240x80 (scalable), vendor, scope, date, a pass/fail mark, "ler-interop" and the
    suite version, with `credential` baked (a dict: JSON in CDATA; a str: a VC-JWT in `verify`)."""
    colour = PASS_COLOUR if conforms else FAIL_COLOUR
    verdict = "conforms" if conforms else "does not conform"
    mark, word = ("\u2713", "PASS") if conforms else ("\u2717", "FAIL")
    title = f"{vendor} \u2014 {verdict} ({scope}), {issued}, ler-interop {suite_version}"
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="{SVG_NAMESPACE}" xmlns:openbadges="{OB_NAMESPACE}" width="240" height="80" '
        f'viewBox="0 0 240 80" role="img" aria-label={_attr(title)}>',
        _baked(credential),  # directly after <svg>, as the spec places it
        f"<title>{_text(title)}</title>",
        '<rect x="0.5" y="0.5" width="239" height="79" rx="8" fill="#ffffff" stroke="#d0d7de"/>',
        f'<path d="M8 0.5h56v79H8a7.5 7.5 0 0 1-7.5-7.5V8A7.5 7.5 0 0 1 8 0.5z" fill="{colour}"/>',
        f'<g font-family="{FONTS}" text-anchor="middle" fill="#ffffff" font-weight="bold">',
        f'<text x="32" y="44" font-size="32">{mark}</text>',
        f'<text x="32" y="64" font-size="10">{word}</text>',
        "</g>",
        f'<g font-family="{FONTS}" fill="#1f2328" direction="ltr">',
        _line(20, 13, vendor, 'font-weight="bold"'),
        _line(36, 10.5, verdict, f'font-weight="bold" fill="{colour}"'),
        _line(52, 10, f"scope: {scope}", 'fill="#57606a"'),
        _line(70, 9, f"{issued} \u00b7 ler-interop {suite_version}", 'fill="#57606a"'),
        "</g>",
        "</svg>",
        "",
    ])


FONTS = "DejaVu Sans, Verdana, Arial, sans-serif"  # generic families only: nothing is fetched
TEXT_X, TEXT_WIDTH = 74, 158


def _line(y: float, size: float, text: str, attrs: str) -> str:
    """One line of the text panel; a line that would overrun the badge is cut to 34 characters
    and squeezed into the panel's width (textLength), so no name spills over the edge."""
    text = _fit(text, 34)
    squeeze = f' textLength="{TEXT_WIDTH}" lengthAdjust="spacingAndGlyphs"' if len(text) * size * 0.6 > TEXT_WIDTH else ""
    return f'<text x="{TEXT_X}" y="{y}" font-size="{size}"{squeeze} {attrs}>{_text(text)}</text>'


def _baked(credential: dict[str, Any] | str) -> str:
    if isinstance(credential, str):  # a VC-JWT: the compact JWS goes in `verify`, the body stays empty
        return f"<openbadges:credential verify={quoteattr(_NOT_XML.sub(_u_escape, credential))}></openbadges:credential>"
    return f"<openbadges:credential><![CDATA[{_cdata_json(credential)}]]></openbadges:credential>"


def _cdata_json(credential: dict[str, Any]) -> str:
    """The credential as JSON fit for one CDATA section. `]]>` (which would end the section) and
    characters XML cannot carry are written as JSON \\u escapes: both can only occur inside JSON
    strings, so the JSON parses back to the same credential and the section stays whole for
    readers that take the first CDATA section as the credential."""
    text = json.dumps(credential, ensure_ascii=False, indent=1)
    text = text.replace("]]>", "]]\\u003e")
    return _NOT_XML.sub(_u_escape, text)


def _fit(text: str, width: int) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def _text(value: str) -> str:
    # neutralise shows controls and bidi overrides as \uXXXX (a name cannot reorder the verdict);
    # escape makes <, & and > text.
    return escape(neutralise(value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub(_u_escape, neutralise(value)))


def _u_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group(0)):04x}"


def unbake(svg: str | bytes) -> dict[str, Any] | str:
    """The credential baked into `svg`: the JSON object (embedded proof) or the VC-JWT string
    (`verify`). Raises BadgeError when the SVG is too big, not well-formed, declares a DTD (no
    entity is ever expanded or fetched), or holds no, or more than one, baked credential."""
    data = svg.encode("utf-8") if isinstance(svg, str) else bytes(svg)
    if len(data) > MAX_BADGE_BYTES:
        raise BadgeError(f"badge is {len(data)} bytes, over the {MAX_BADGE_BYTES}-byte limit")
    reader = _BakedReader()
    found = reader.read(data)
    if reader.verify is not None:
        return found
    try:
        credential = json.loads(found)
    except (ValueError, RecursionError) as exc:
        raise BadgeError(f"the baked credential is not JSON: {exc}") from None
    if not isinstance(credential, dict):
        raise BadgeError("the baked credential is not a JSON object")
    return credential


class _BakedReader:
    """A streaming read of the SVG with expat: refuses any DTD (so no entity can be declared,
    expanded or fetched) and collects the one <openbadges:credential>."""

    def __init__(self) -> None:
        self.depth = 0
        self.inside = False
        self.count = 0
        self.verify: str | None = None
        self.text: list[str] = []

    def read(self, data: bytes) -> str:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise BadgeError(f"badge is not well-formed XML: {exc}") from None
        if self.count == 0:
            raise BadgeError("badge holds no <openbadges:credential> (not a baked Open Badges 3.0 image)")
        if self.verify is not None:
            if not self.verify.strip():
                raise BadgeError("the baked <openbadges:credential> has an empty verify attribute")
            return self.verify.strip()
        text = "".join(self.text).strip()
        if not text:
            raise BadgeError("the baked <openbadges:credential> is empty")
        return text

    def _refuse_dtd(self, *_: Any) -> None:
        raise BadgeError("badge declares a DTD: refused (a baked badge needs none)")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1 and name != f"{SVG_NAMESPACE} svg":
            raise BadgeError("badge root is not an SVG <svg> element")
        if name == f"{OB_NAMESPACE} credential":
            self.count += 1
            if self.count > 1:
                raise BadgeError("badge holds more than one <openbadges:credential> (Open Badges 3.0 allows one)")
            self.inside = True
            self.verify = attrs.get("verify")

    def _end(self, name: str) -> None:
        self.depth -= 1
        if name == f"{OB_NAMESPACE} credential":
            self.inside = False

    def _chars(self, text: str) -> None:
        if self.inside:
            self.text.append(text)
