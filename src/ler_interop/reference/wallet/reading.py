"""What the wallet reads out of a credential it holds, per format, without verifying it:
its issuer and types (for `GET /credentials`) and its DCQL view (OpenID4VP 1.0 §6,
https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-6).

Formats (OpenID4VCI 1.0 Appendix A): `ldp_vc` a JSON object (A.1.2), `jwt_vc_json` a JWT
whose `vc` claim is the credential (A.1.1), `dc+sd-jwt` an SD-JWT VC string (A.3).
"""

from __future__ import annotations

from typing import Any

from ...credentials import jsonld
from ...credentials.jose import id_of
from ...protocols import dcql
from ...protocols.oid4vci_formats import UnreadableCredential, sd_jwt_parts, w3c_document

FORMATS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")


def document_of(credential: Any, fmt: str) -> dict[str, Any]:
    """The JSON that DCQL claims path pointers walk: the W3C credential (Appendix B.1.2 of
    OpenID4VP), or the SD-JWT VC's claims with every disclosure applied (Appendix B.3)."""
    if fmt == "dc+sd-jwt":
        return sd_jwt_parts(credential)[1]
    if fmt in ("ldp_vc", "jwt_vc_json"):
        return w3c_document(credential, fmt)
    raise UnreadableCredential(f"unknown format {fmt!r}")


def issuer_and_types(credential: Any, fmt: str) -> tuple[str | None, list[str]]:
    doc = document_of(credential, fmt)
    if fmt == "dc+sd-jwt":
        iss, vct = doc.get("iss"), doc.get("vct")
        return (iss if isinstance(iss, str) else None), ([vct] if isinstance(vct, str) else [])
    types = doc.get("type")
    types = [types] if isinstance(types, str) else [t for t in types or [] if isinstance(t, str)]
    return id_of(doc.get("issuer")), types


def candidate(credential: Any, fmt: str, ref: Any) -> dcql.Candidate:
    """The credential as DCQL sees it; W3C `type_values` name expanded IRIs (OpenID4VP
    Appendix B.1.1), so the compact names are expanded with the bundled contexts beside them."""
    doc = document_of(credential, fmt)
    if fmt == "dc+sd-jwt":
        vct = doc.get("vct")
        return dcql.Candidate(fmt, doc, vct=vct if isinstance(vct, str) else None, ref=ref)
    _, types = issuer_and_types(credential, fmt)
    expanded: set[str] = set()
    try:
        nodes, _ = jsonld.expand_safely({"@context": doc.get("@context"), "type": doc.get("type")})
        expanded = set(nodes[0].get("@type", [])) if nodes else set()
    except Exception:  # an unknown context: the compact names are all there is
        pass
    return dcql.Candidate(fmt, doc, frozenset(types) | expanded, ref=ref)


def readable(credential: Any, fmt: str) -> bool:
    try:
        document_of(credential, fmt)
    except (UnreadableCredential, ValueError):
        return False
    return True
