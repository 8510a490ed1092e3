"""W3C Verifiable Credentials Data Model v1.1: the legacy documents still held in wallets.

A document is VCDM 1.1 when its first `@context` item is the 1.1 base context. Such a
document is judged by the 1.1 rules (issuanceDate required, expirationDate enforced), never
by the 2.0 ones (validFrom/validUntil). Whether a 1.1 document is *acceptable* is the
caller's choice: `verify` accepts it with a warning; the suite judging a vendor's VCDM 2.0
conformance does not (verifier.CredentialVerifier.accept_vcdm1).

Spec: https://www.w3.org/TR/2022/REC-vc-data-model-20220303/ (REC 2022-03-03); each rule
cites its section.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from .datamodel import child, is_url, parse_datetime, types_of, window_findings
from .findings import Finding

SPEC = "https://www.w3.org/TR/2022/REC-vc-data-model-20220303/"
V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
LEGACY = "VCDM 1.1 (legacy)"

# XML Schema 1.1 dateTime: the time-zone offset is optional (unlike 2.0's dateTimeStamp).
_NO_OFFSET = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")


def is_v1(doc: Any) -> bool:
    """The document names the 1.1 base context first (§4.1), so the 1.1 rules apply."""
    if not isinstance(doc, dict):
        return False
    ctx = doc.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    return first == V1_CONTEXT


def parse_datetime_v1(value: Any) -> datetime | None:
    """An xsd:dateTime as an aware datetime; a value without an offset is read as UTC."""
    if isinstance(value, str) and _NO_OFFSET.match(value):
        value += "Z"
    return parse_datetime(value)


def check_credential(doc: dict[str, Any]) -> list[Finding]:
    """The 1.1 MUSTs of a verifiable credential's structure (securing mechanism aside)."""
    out = _check_context(doc)
    out += _check_type(doc, "VerifiableCredential")
    # §4.4: "A verifiable credential MUST have a credentialSubject property."
    if not doc.get("credentialSubject"):
        out.append(Finding("vcdm1.credentialSubject.missing", "$.credentialSubject",
                           f"a credential MUST have a credentialSubject ({SPEC}#credential-subject)"))
    out += _check_issuer(doc)
    # §4.6: "A credential MUST have an issuanceDate property."
    if "issuanceDate" not in doc:
        out.append(Finding("vcdm1.issuanceDate.missing", "$.issuanceDate",
                           f"a credential MUST have an issuanceDate ({SPEC}#issuance-date)"))
    for prop, anchor in (("issuanceDate", "#issuance-date"), ("expirationDate", "#expiration")):
        if prop in doc and parse_datetime_v1(doc[prop]) is None:
            out.append(Finding(f"vcdm1.{prop}.datetime", child("$", prop),
                               f"{prop} must be an XML Schema dateTime, got {str(doc[prop])[:60]!r} ({SPEC}{anchor})"))
    return out


def check_presentation(doc: dict[str, Any]) -> list[Finding]:
    """§4.10: a presentation's @context and type; its credentials are judged one by one."""
    out = _check_context(doc)
    out += _check_type(doc, "VerifiablePresentation")
    holder = doc.get("holder")
    if holder is not None and not is_url(holder.get("id") if isinstance(holder, dict) else holder):
        out.append(Finding("vcdm1.holder.url", "$.holder", "holder must be a URI"))
    return out


def check_validity_period(doc: dict[str, Any], now: datetime) -> list[Finding]:
    """§4.6 issuanceDate is "the date and time the credential becomes valid"; §4.8
    expirationDate "the date and time the credential ceases to be valid"."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return window_findings(doc, now, ("issuanceDate", parse_datetime_v1(doc.get("issuanceDate"))),
                           ("expirationDate", parse_datetime_v1(doc.get("expirationDate"))))


def _check_context(doc: dict[str, Any]) -> list[Finding]:
    # §4.1: "The value of the @context property MUST be an ordered set where the first item is
    # a URI with the value https://www.w3.org/2018/credentials/v1."
    ctx = doc.get("@context")
    if not isinstance(ctx, list) or not ctx or ctx[0] != V1_CONTEXT:
        return [Finding("vcdm1.context.first", "$['@context']",
                        f"@context must be an ordered set whose first item is {V1_CONTEXT} ({SPEC}#contexts)")]
    return [Finding("vcdm1.context.item", child("$['@context']", i), "each further @context item must be a URI or an object")
            for i, item in enumerate(ctx[1:], start=1) if not (is_url(item) or isinstance(item, dict))]


def _check_type(doc: dict[str, Any], required: str) -> list[Finding]:
    # §4.3 Types: a credential's type includes VerifiableCredential, a presentation's
    # VerifiablePresentation.
    if required not in types_of(doc):
        return [Finding("vcdm1.type", "$.type", f"type must include {required} ({SPEC}#types)")]
    return []


def _check_issuer(doc: dict[str, Any]) -> list[Finding]:
    # §4.5: "A credential MUST have an issuer property." "The value of the issuer property MUST
    # be either a URI or an object containing an id property."
    issuer = doc.get("issuer")
    ident = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not is_url(ident):
        return [Finding("vcdm1.issuer", "$.issuer", f"issuer must be a URI or an object with an id URI ({SPEC}#issuer)")]
    return []

