"""W3C Verifiable Credentials Data Model v2.0: structural rules, and the validity period.

`check_credential` / `check_presentation` answer "is this a conforming document?" as a list
of `Finding`s (empty = conforming). They never look at proofs, contexts' contents or the
clock. `check_validity_period` is *validation* (is it valid now?), kept apart on purpose:
an expired credential is still a well-formed one.

Spec: https://www.w3.org/TR/vc-data-model-2.0/ (REC 2025-05-15); each rule cites its section.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

from .findings import Finding

SPEC = "https://www.w3.org/TR/vc-data-model-2.0/"
BASE_CONTEXT = "https://www.w3.org/ns/credentials/v2"
ENVELOPED_VC = "EnvelopedVerifiableCredential"

# A URL here is an absolute URL/URI with a scheme (https:, did:, urn:, data: ...); relative
# references are not identifiers. https://www.w3.org/TR/vc-data-model-2.0/#identifiers
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")

# XML Schema 1.1 dateTimeStamp, i.e. a dateTime whose time-zone offset is mandatory, as
# given in https://www.w3.org/TR/vc-data-model-2.0/#representing-time (whitespace removed).
DATETIME_STAMP = re.compile(
    r"-?(?P<year>[1-9][0-9]{3,}|0[0-9]{3})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?P<hms>(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])(?P<frac>\.[0-9]+)?|(?P<h24>24:00:00(?:\.0+)?))"
    r"(?P<tz>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)

# BCP 47 `Language-Tag` (RFC 5646 section 2.1), well-formedness only (no registry lookup).
_ALNUM = "[A-Za-z0-9]"
_LANGTAG = (
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language (+ extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9A-WYZa-wyz](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-[xX](?:-{_ALNUM}{{1,8}})+)?"  # private use
)
_PRIVATEUSE = rf"[xX](?:-{_ALNUM}{{1,8}})+"
_IRREGULAR = (
    "en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|"
    "i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE"
)
BCP47 = re.compile(rf"(?:{_LANGTAG}|{_PRIVATEUSE}|{_IRREGULAR})", re.IGNORECASE)
_DIRECTIONS = ("ltr", "rtl")
_LANGUAGE_KEYS = {"@value", "@language", "@direction"}

# Optional properties whose every value must be an object with a `type`.
# https://www.w3.org/TR/vc-data-model-2.0/#types (the table of objects that MUST have a type)
_TYPED_OBJECTS = {
    "credentialStatus": "#status",
    "credentialSchema": "#data-schemas",
    "evidence": "#evidence",
    "termsOfUse": "#terms-of-use",
    "refreshService": "#refreshing",
}


# ---- small helpers shared by the profile checks (schemas.py) -------------------------------

def child(path: str, key: str | int) -> str:
    """JSON path of `key` under `path`: `$.a.b`, `$.a[0]`, `$['@context']`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
        return f"{path}.{key}"
    return f"{path}['{key}']"


def rebase(findings: list[Finding], prefix: str) -> list[Finding]:
    """Re-root findings computed on an embedded document (`$...`) under `prefix`."""
    return [Finding(f.rule, prefix + f.path[1:], f.message) for f in findings]


def is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(_URL.fullmatch(value))


def types_of(node: Any) -> list[str]:
    """The `type` values of an object as a list (a single string is one type)."""
    value = node.get("type") if isinstance(node, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def parse_datetime(value: Any) -> datetime | None:
    """A dateTimeStamp as an aware datetime, or None when it is not one.

    The offset is required (a bare local time is not a dateTimeStamp). `24:00:00` is the
    first instant of the next day. Values Python cannot hold (years beyond 1..9999, or
    days a month does not have, such as 02-31) give None: they are not usable instants.
    """
    if not isinstance(value, str):
        return None
    m = DATETIME_STAMP.fullmatch(value)
    if not m or value.startswith("-"):
        return None
    tz = m["tz"]
    offset = timezone.utc if tz == "Z" else timezone(
        (1 if tz[0] == "+" else -1) * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    )
    hms = m["hms"] or "00:00:00"
    micro = int((m["frac"] or ".0")[1:7].ljust(6, "0"))
    try:
        moment = datetime(
            int(m["year"]), int(m["month"]), int(m["day"]),
            int(hms[0:2]), int(hms[3:5]), int(hms[6:8]), micro, tzinfo=offset,
        )
        return moment + timedelta(days=1) if m["h24"] else moment
    except (ValueError, OverflowError):
        return None


# ---- the checks ----------------------------------------------------------------------------

def check_credential(doc: Any) -> list[Finding]:
    """Structural findings for a verifiable credential (securing mechanism not considered)."""
    if not isinstance(doc, dict):
        return [Finding("vcdm2.document.object", "$", "a credential must be a JSON object")]
    out: list[Finding] = []
    out += _check_context(doc)
    out += _check_type(doc, "VerifiableCredential", "vcdm2.type.credential")
    out += _check_optional_url(doc, "id", "$", "#identifiers")
    out += _check_issuer(doc)
    out += _check_subject(doc)
    out += _check_validity_structure(doc)
    for prop in ("name", "description"):
        out += _check_display_text(doc, prop, "$")
    if isinstance(doc.get("issuer"), dict):
        for prop in ("name", "description"):
            out += _check_display_text(doc["issuer"], prop, "$.issuer")
    for prop, anchor in _TYPED_OBJECTS.items():
        out += _check_typed_objects(doc, prop, anchor)
    out += _check_language_objects(doc, "$")
    return out


def check_presentation(doc: Any) -> list[Finding]:
    """Structural findings for a verifiable presentation and the credentials it carries."""
    if not isinstance(doc, dict):
        return [Finding("vcdm2.document.object", "$", "a presentation must be a JSON object")]
    out: list[Finding] = []
    out += _check_context(doc)
    out += _check_type(doc, "VerifiablePresentation", "vcdm2.type.presentation")
    out += _check_optional_url(doc, "id", "$", "#verifiable-presentations")
    out += _check_holder(doc)
    out += _check_typed_objects(doc, "termsOfUse", "#terms-of-use")
    if "verifiableCredential" in doc:
        for i, item in enumerate(as_list(doc["verifiableCredential"])):
            path = child("$.verifiableCredential", i) if isinstance(doc["verifiableCredential"], list) \
                else "$.verifiableCredential"
            out += _check_presented_credential(item, path)
    # Embedded credentials have their own language objects checked by check_credential.
    out += _check_language_objects({k: v for k, v in doc.items() if k != "verifiableCredential"}, "$")
    return out


def check_validity_period(doc: Any, now: datetime) -> list[Finding]:
    """Validation against the clock: `validity.not-yet-valid` / `validity.expired`.

    https://www.w3.org/TR/vc-data-model-2.0/#validity-period — malformed dates are a
    structural matter (check_credential) and are ignored here.
    """
    if not isinstance(doc, dict):
        return []
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return window_findings(doc, now, ("validFrom", parse_datetime(doc.get("validFrom"))),
                           ("validUntil", parse_datetime(doc.get("validUntil"))))


def window_findings(doc: dict[str, Any], now: datetime, start: tuple[str, datetime | None],
                    end: tuple[str, datetime | None]) -> list[Finding]:
    """`validity.not-yet-valid` before the start property's instant, `validity.expired` after
    the end's; the properties are named (VCDM 2.0 validFrom/validUntil, 1.1 issuanceDate/expirationDate)."""
    out: list[Finding] = []
    (start_name, start_at), (end_name, end_at) = start, end
    if start_at is not None and now < start_at:
        out.append(Finding("validity.not-yet-valid", f"$.{start_name}",
                           f"not valid before its {start_name} {doc[start_name]} (now {now.isoformat()})"))
    if end_at is not None and now > end_at:
        out.append(Finding("validity.expired", f"$.{end_name}",
                           f"expired at its {end_name} {doc[end_name]} (now {now.isoformat()})"))
    return out


# ---- rules ---------------------------------------------------------------------------------

def _check_context(doc: dict[str, Any]) -> list[Finding]:
    # https://www.w3.org/TR/vc-data-model-2.0/#contexts
    path = "$['@context']"
    if "@context" not in doc:
        return [Finding("vcdm2.context.missing", path, "@context is required (#contexts)")]
    ctx = doc["@context"]
    if not isinstance(ctx, list) or not ctx:
        return [Finding("vcdm2.context.type", path, "@context must be an ordered set (a non-empty array)")]
    out = []
    if ctx[0] != BASE_CONTEXT:
        out.append(Finding("vcdm2.context.first", child(path, 0),
                           f"the first @context item must be exactly {BASE_CONTEXT}"))
    for i, item in enumerate(ctx[1:], start=1):
        if not (is_url(item) or isinstance(item, dict)):
            out.append(Finding("vcdm2.context.item", child(path, i),
                               "each further @context item must be a URL or an object"))
    return out


def _check_type(doc: dict[str, Any], required: str, rule: str) -> list[Finding]:
    # https://www.w3.org/TR/vc-data-model-2.0/#types
    if "type" not in doc:
        return [Finding("vcdm2.type.missing", "$.type", "type is required (#types)")]
    value = doc["type"]
    values = as_list(value)
    if not values or not all(isinstance(t, str) and t for t in values):
        return [Finding("vcdm2.type.value", "$.type", "type must be one or more non-empty strings")]
    if required not in values:
        return [Finding(rule, "$.type", f"type must include {required}")]
    return []


def _check_optional_url(node: dict[str, Any], prop: str, base: str, anchor: str) -> list[Finding]:
    if prop in node and not is_url(node[prop]):
        return [Finding(f"vcdm2.{prop}.url", child(base, prop),
                        f"{prop} must be a URL ({SPEC}{anchor})")]
    return []


def _check_issuer(doc: dict[str, Any]) -> list[Finding]:
    # https://www.w3.org/TR/vc-data-model-2.0/#issuer
    if "issuer" not in doc:
        return [Finding("vcdm2.issuer.missing", "$.issuer", "issuer is required (#issuer)")]
    issuer = doc["issuer"]
    if isinstance(issuer, dict):
        if not is_url(issuer.get("id")):
            return [Finding("vcdm2.issuer.id", "$.issuer.id", "an issuer object must have an id that is a URL")]
        return []
    if not is_url(issuer):
        return [Finding("vcdm2.issuer.url", "$.issuer", "issuer must be a URL or an object with an id URL")]
    return []


def _check_subject(doc: dict[str, Any]) -> list[Finding]:
    # https://www.w3.org/TR/vc-data-model-2.0/#credential-subject
    path = "$.credentialSubject"
    if "credentialSubject" not in doc:
        return [Finding("vcdm2.credentialSubject.missing", path, "credentialSubject is required")]
    subject = doc["credentialSubject"]
    if isinstance(subject, list) and not subject:
        return [Finding("vcdm2.credentialSubject.empty", path, "credentialSubject must not be an empty set")]
    out: list[Finding] = []
    for i, item in enumerate(as_list(subject)):
        item_path = child(path, i) if isinstance(subject, list) else path
        if not isinstance(item, dict):
            out.append(Finding("vcdm2.credentialSubject.object", item_path, "each credential subject must be an object"))
            continue
        # Only an empty object is flagged, as the W3C VCDM 2.0 test suite does: an id-only
        # subject is common (e.g. a bare holder binding) and its reading is disputed.
        if not item:
            out.append(Finding("vcdm2.credentialSubject.claims", item_path,
                               "a credential subject must be the subject of at least one claim"))
        out += _check_optional_url(item, "id", item_path, "#credential-subject")
    return out


def _check_validity_structure(doc: dict[str, Any]) -> list[Finding]:
    # https://www.w3.org/TR/vc-data-model-2.0/#validity-period
    out = []
    for prop in ("validFrom", "validUntil"):
        if prop in doc and parse_datetime(doc[prop]) is None:
            out.append(Finding(f"vcdm2.{prop}.datetime", child("$", prop),
                               f"{prop} must be an XML Schema dateTimeStamp with a time-zone offset "
                               f"(Z or +hh:mm), got {str(doc[prop])[:60]!r}"))
    start, end = parse_datetime(doc.get("validFrom")), parse_datetime(doc.get("validUntil"))
    if start is not None and end is not None and end < start:
        out.append(Finding("vcdm2.validity.order", "$.validUntil", "validUntil must not be earlier than validFrom"))
    return out


def _check_display_text(node: dict[str, Any], prop: str, base: str) -> list[Finding]:
    # A string, a language value object, or several of them (one per language).
    # https://www.w3.org/TR/vc-data-model-2.0/#names-and-descriptions
    if prop not in node:
        return []
    value = node[prop]
    items = value if isinstance(value, list) and value else [value]
    if all(isinstance(v, str) or (isinstance(v, dict) and "@value" in v) for v in items):
        return []  # the value objects themselves are checked by _check_language_objects
    return [Finding(f"vcdm2.{prop}.value", child(base, prop),
                    f"{prop} must be a string or language value object(s)")]


def _check_language_objects(node: Any, path: str) -> list[Finding]:
    # https://www.w3.org/TR/vc-data-model-2.0/#language-and-base-direction
    out = []
    for obj, obj_path in _value_objects(node, path):
        if not isinstance(obj.get("@value"), str):
            out.append(Finding("vcdm2.language.value", child(obj_path, "@value"), "@value must be a string"))
        if "@language" in obj and not (isinstance(obj["@language"], str) and BCP47.fullmatch(obj["@language"])):
            out.append(Finding("vcdm2.language.tag", child(obj_path, "@language"),
                               f"@language must be a well-formed BCP 47 tag, got {obj['@language']!r}"))
        if "@direction" in obj and obj["@direction"] not in _DIRECTIONS:
            out.append(Finding("vcdm2.language.direction", child(obj_path, "@direction"),
                               f"@direction must be 'ltr' or 'rtl', got {obj['@direction']!r}"))
        extra = sorted(set(obj) - _LANGUAGE_KEYS)
        if extra and "@type" not in obj:  # a typed literal is a different kind of value object
            out.append(Finding("vcdm2.language.keys", obj_path,
                               f"a language value object allows only @value/@language/@direction, found {extra}"))
    return out


def _value_objects(node: Any, path: str) -> Iterator[tuple[dict[str, Any], str]]:
    if isinstance(node, dict):
        if "@value" in node:
            yield node, path
            return
        for key, value in node.items():
            if key != "@context":  # a context is not data
                yield from _value_objects(value, child(path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _value_objects(value, child(path, i))


def _check_typed_objects(doc: dict[str, Any], prop: str, anchor: str) -> list[Finding]:
    if prop not in doc:
        return []
    value = doc[prop]
    base = child("$", prop)
    if isinstance(value, list) and not value:
        return [Finding(f"vcdm2.{prop}.empty", base, f"{prop} must hold one or more objects ({SPEC}{anchor})")]
    out: list[Finding] = []
    for i, item in enumerate(as_list(value)):
        path = child(base, i) if isinstance(value, list) else base
        if not isinstance(item, dict):
            out.append(Finding(f"vcdm2.{prop}.object", path, f"each {prop} value must be an object"))
            continue
        if not types_of(item):
            out.append(Finding(f"vcdm2.{prop}.type", child(path, "type"),
                               f"each {prop} object must have a type ({SPEC}{anchor})"))
        if prop == "credentialSchema" and not is_url(item.get("id")):
            out.append(Finding("vcdm2.credentialSchema.id", child(path, "id"),
                               "each credentialSchema must have an id that is a URL"))
        elif "id" in item and not is_url(item["id"]):
            out.append(Finding(f"vcdm2.{prop}.id", child(path, "id"), f"a {prop} id must be a URL"))
    return out


def _check_holder(doc: dict[str, Any]) -> list[Finding]:
    # https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations
    if "holder" not in doc:
        return []
    holder = doc["holder"]
    ok = is_url(holder.get("id")) if isinstance(holder, dict) else is_url(holder)
    return [] if ok else [Finding("vcdm2.holder.url", "$.holder", "holder must be a URL or an object with an id URL")]


def _check_presented_credential(item: Any, path: str) -> list[Finding]:
    # Values are VC or enveloped-VC objects, never strings or URLs.
    # https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations
    if not isinstance(item, dict):
        return [Finding("vcdm2.verifiableCredential.object", path,
                        "each verifiableCredential value must be an object (not a string, number or URL)")]
    if ENVELOPED_VC not in types_of(item):
        return rebase(check_credential(item), path)
    # https://www.w3.org/TR/vc-data-model-2.0/#enveloped-verifiable-credentials
    out = []
    if not item.get("@context"):
        out.append(Finding("vcdm2.envelope.context", child(path, "@context"),
                           "an enveloped credential must carry an @context"))
    if not (isinstance(item.get("id"), str) and item["id"].startswith("data:")):
        out.append(Finding("vcdm2.envelope.id", child(path, "id"),
                           "an enveloped credential's id must be a data: URL holding the secured credential"))
    return out
