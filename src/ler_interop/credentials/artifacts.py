"""Recognise what a person or a vendor handed us: a JSON(-LD) VC/VP, a compact JWS
(`vc+jwt` / `vp+jwt`, VC-JOSE-COSE §3.1; or `jwt_vc_json`, the VCDM 1.1 encoding with a
`vc`/`vp` claim, jwtvc.py), or an SD-JWT (`<jwt>~<disclosure>~...~[<kb-jwt>]`).

Parsing here is structural only (no signature checked), with the suite's JSON depth cap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ..net import JsonTooDeep, json_depth_ok, parse_json
from .jwtvc import decoded_document, is_jwt_vc_payload
from .keys import b64url_decode

MAX_ARTIFACT_BYTES = 4 * 1024 * 1024
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class ArtifactError(ValueError):
    """The input is none of the formats the verifier reads."""


@dataclass
class Artifact:
    kind: str  # "jsonld" | "jwt" | "jwt_vc_json" | "sd-jwt"
    raw: Any  # the dict, or the compact serialisation
    document: dict  # the VC/VP claims (for JWTs: the unverified payload)
    header: dict | None = None
    payload: dict | None = None  # the decoded (unverified) JWT payload, for its registered claims

    @property
    def is_presentation(self) -> bool:
        types = self.document.get("type", [])
        types = types if isinstance(types, list) else [types]
        return "VerifiablePresentation" in types

    def describe(self) -> str:
        what = "presentation" if self.is_presentation else "credential"
        if self.kind == "jwt_vc_json":
            return f"{what} as a jwt_vc_json JWT (VCDM 1.1 encoding, alg {self.header.get('alg')!r})"
        if self.kind == "jwt":
            return f"{what} secured as compact JWS (typ {self.header.get('typ')!r}, alg {self.header.get('alg')!r})"
        if self.kind == "sd-jwt":
            return f"SD-JWT (typ {self.header.get('typ')!r}, alg {self.header.get('alg')!r})"
        return f"JSON-LD {what}"


def _jwt_part(text: str, what: str) -> dict:
    if not _B64URL.match(text):
        raise ArtifactError(f"{what} is not base64url")
    try:
        value = parse_json(b64url_decode(text))
    except (ValueError, JsonTooDeep) as exc:
        raise ArtifactError(f"{what} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ArtifactError(f"{what} is not a JSON object")
    return value


def parse_artifact(value: Any) -> Artifact:
    if isinstance(value, Artifact):
        return value
    if isinstance(value, bytes):
        if len(value) > MAX_ARTIFACT_BYTES:
            raise ArtifactError(f"input larger than {MAX_ARTIFACT_BYTES} bytes")
        value = value.decode("utf-8", errors="strict")
    if isinstance(value, dict):
        if not json_depth_ok(value, 64):
            raise ArtifactError("JSON nested too deep")
        return _from_json(value)
    if not isinstance(value, str):
        raise ArtifactError(f"cannot verify a {type(value).__name__}")
    text = value.strip()
    if len(text) > MAX_ARTIFACT_BYTES:
        raise ArtifactError(f"input larger than {MAX_ARTIFACT_BYTES} bytes")
    if text.startswith("{"):
        try:
            doc = parse_json(text)
        except (ValueError, JsonTooDeep) as exc:
            raise ArtifactError(f"not valid JSON: {exc}") from None
        return _from_json(doc)
    if "~" in text:
        jwt = text.split("~", 1)[0]
        header, payload = _split_jws(jwt)
        return Artifact("sd-jwt", text, payload, header)
    header, payload = _split_jws(text)
    if is_jwt_vc_payload(payload):
        return Artifact("jwt_vc_json", text, decoded_document(payload), header, payload)
    return Artifact("jwt", text, payload, header, payload)


def _split_jws(text: str) -> tuple[dict, dict]:
    parts = text.split(".")
    if len(parts) != 3:
        raise ArtifactError("neither JSON nor a compact JWS (expected three '.'-separated parts)")
    return _jwt_part(parts[0], "JWS header"), _jwt_part(parts[1], "JWS payload")


def _from_json(doc: Any) -> Artifact:
    if not isinstance(doc, dict):
        raise ArtifactError("a credential or presentation must be a JSON object")
    # VC API wrappers: {"verifiableCredential": {...}} / {"verifiablePresentation": {...}}
    for key in ("verifiableCredential", "verifiablePresentation"):
        if set(doc) == {key} and isinstance(doc[key], (dict, str)):
            return parse_artifact(doc[key])
    if doc.get("type") == "EnvelopedVerifiableCredential" or doc.get("type") == "EnvelopedVerifiablePresentation":
        ident = doc.get("id", "")
        if isinstance(ident, str) and ident.startswith("data:") and "," in ident:
            return parse_artifact(ident.split(",", 1)[1])
        raise ArtifactError("enveloped credential without a data: URL id")
    return Artifact("jsonld", doc, doc)


def dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)
