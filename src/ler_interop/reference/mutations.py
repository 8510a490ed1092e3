"""Content faults of the reference issuer: each breaks one thing a check looks for.

They run on the credential after the issuer filled it in and before it is signed, so the
result is a validly signed credential that lost data (P3/P7 checks must catch the loss,
not the signature).
"""

from __future__ import annotations

import re
from typing import Any, Callable


def _walk(value: Any, fn: Callable[[str, Any], Any]) -> Any:
    """Rebuild `value`, letting fn(key, child) replace each object member (fn may return _DROP)."""
    if isinstance(value, list):
        return [_walk(v, fn) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, child in value.items():
            child = fn(key, child)
            if child is not _DROP:
                out[key] = _walk(child, fn)
        return out
    return value


_DROP = object()


def ascii_fold(value: Any) -> Any:
    """Every non-ASCII character of every string becomes '?' (what a latin-1 store does)."""
    if isinstance(value, str):
        return "".join(ch if ord(ch) < 128 else "?" for ch in value)
    if isinstance(value, dict):
        return {k: ascii_fold(v) for k, v in value.items()}
    if isinstance(value, list):
        return [ascii_fold(v) for v in value]
    return value


def _ascii_only(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(ch if ord(ch) < 128 else "?" for ch in value)
    if isinstance(value, list):
        return [_ascii_only(v) for v in value]
    if isinstance(value, dict):
        return {k: (_ascii_only(v) if k == "@value" else v) for k, v in value.items()}
    return value


def drop_unicode(doc: dict) -> dict:
    """issuer.drop-unicode: what a latin-1 database column does to names."""
    return _walk(doc, lambda key, child: _ascii_only(child) if key == "name" else child)


def drop_property(name: str) -> Callable[[dict], dict]:
    def mutate(doc: dict) -> dict:
        return _walk(doc, lambda key, child: _DROP if key == name else child)

    mutate.__name__ = f"drop_{name}"
    return mutate


def _is_language_value(value: Any) -> bool:
    return isinstance(value, dict) and "@value" in value and ("@language" in value or "@direction" in value)


def _collapse(value: Any) -> Any:
    if _is_language_value(value):
        return value["@value"]
    if isinstance(value, list):
        return [_collapse(v) for v in value]
    return value


def drop_language_map(doc: dict) -> dict:
    """issuer.drop-language-map: VCDM 2.0 §11.1 language value objects become plain strings."""
    return _walk(doc, lambda key, child: _collapse(child))


def drop_criteria(doc: dict) -> dict:
    """issuer.schema-invalid: OB 3.0 Achievement.criteria is required (OB 3.0 §B.1.1)."""

    def fn(key: str, child: Any) -> Any:
        if key == "achievement" and isinstance(child, dict):
            return {k: v for k, v in child.items() if k != "criteria"}
        return child

    return _walk(doc, fn)


def add_undefined_term(doc: dict) -> dict:
    """issuer.undefined-term: a property no @context defines; JSON-LD drops it, so the proof
    never covers it (VC Data Integrity §4.4 safe mode, https://www.w3.org/TR/vc-data-integrity/#context-validation)."""
    return {**doc, "issuedVia": "portal"}


# An explicit offset other than UTC (`Z`, `+00:00`, `-00:00`) at the end of a dateTime.
_NON_UTC_OFFSET = re.compile(r"(?P<local>.*T[^Z+-]*)(?P<offset>[+-](?!00:00)\d\d:\d\d)$")


def strip_offset(doc: dict) -> dict:
    """issuer.strip-offset: `2026-01-15T09:30:00+09:00` becomes the offset-less local time
    `2026-01-15T09:30:00`, another instant (VCDM 2.0 §4.9 wants a time-zone offset)."""
    value = doc.get("validFrom")
    match = _NON_UTC_OFFSET.fullmatch(value) if isinstance(value, str) else None
    return {**doc, "validFrom": match["local"]} if match else doc


def drop_ext_types(doc: dict) -> dict:
    """issuer.drop-ext-types: OB 3.0 `ext:` achievementType extensions become a plain "Achievement"
    (https://www.imsglobal.org/spec/ob/v3p0/#achievementtype-enumeration allows `ext:` values)."""

    def fn(key: str, child: Any) -> Any:
        if key == "achievementType" and isinstance(child, str) and child.startswith("ext:"):
            return "Achievement"
        return child

    return _walk(doc, fn)


def drop_results(doc: dict) -> dict:
    """issuer.drop-results: loses AchievementSubject.result and Achievement.resultDescription
    (https://www.imsglobal.org/spec/ob/v3p0/#result, #resultdescription)."""

    def fn(key: str, child: Any) -> Any:
        if key == "credentialSubject":
            subjects = child if isinstance(child, list) else [child]
            kept = [_without(s, "result") for s in subjects]
            return kept if isinstance(child, list) else kept[0]
        if key == "achievement":
            return _without(child, "resultDescription")
        return child

    return _walk(doc, fn)


def _without(value: Any, name: str) -> Any:
    return {k: v for k, v in value.items() if k != name} if isinstance(value, dict) else value


CONTENT_FAULTS: dict[str, Callable[[dict], dict]] = {
    "issuer.drop-unicode": drop_unicode,
    "issuer.drop-evidence": drop_property("evidence"),
    "issuer.drop-alignment": drop_property("alignment"),
    "issuer.drop-language-map": drop_language_map,
    "issuer.schema-invalid": drop_criteria,
    "issuer.undefined-term": add_undefined_term,
    "issuer.strip-offset": strip_offset,
    "issuer.drop-ext-types": drop_ext_types,
    "issuer.drop-results": drop_results,
}


def apply_content_faults(doc: dict, faults: frozenset[str]) -> dict:
    for name, mutate in CONTENT_FAULTS.items():
        if name in faults:
            doc = mutate(doc)
    return doc
