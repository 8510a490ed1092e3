"""Open Badges 3.0 §8.2 "JSON Web Token Proof Format", as `ler-interop verify` reads it.

OB 3.0 asks less and allows more than the suite's VC-JOSE profile (jose.py), so it has its own
path, taken only when the verifier is told to accept it (the `verify` command), never for a
vendor that declared `vc+jwt` (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof-format):
- alg: 'The signing algorithm MUST be "RS256" as a minimum' (EdDSA and ES256 stay accepted);
- typ: 'If present, MUST be set to "JWT"';
- kid: 'A URI that can be dereferenced to an object of type JWK' (a DID URL or an https URL,
  did.py / webvm.py); jwk: 'A JWK representing the public key'; one of them is required;
- payload: 'the JSON object of the OpenBadgeCredential' with the claims iss, jti, nbf, sub
  (exp when validUntil is set); VCDM 1.1-era credentials carry it in the `vc` claim instead.
JWT registered claims are not credential terms: the credential is the payload without them.

A `jwk` header proves only that *some* key signed. OB 3.0 §8.2.6 verifies the signature with it
and says nothing of who owns it, so the suite binds it to the issuer only when the issuer's own
document (a DID or an https controller document) lists that key under assertionMethod;
otherwise the proof verifies and `issuer-binding` fails, saying why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import schemas
from .datamodel import parse_datetime
from .findings import MALFORMED_PROOF, ProofResult
from .jose import ResolveVm, absolute_kid, check_numeric_dates, id_of, resolve_key
from .jws import OPEN_BADGES_ALGS, JwsError, check_alg, check_typ, parse_compact, verify_signature
from .jws import sign_compact
from .jwtvc import check_consistency, decoded_document, mirrored_claims
from .keys import Key, KeyFormatError

ACCEPTED_TYP = ("JWT", None)
# RFC 7519 §4.1 registered claim names: never part of the credential's JSON-LD.
REGISTERED_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
# OB 3.0 §8.2.3: "Additional JOSE Headers are NOT allowed" (reported, not fatal: real issuers add them).
OB_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})
REQUIRED_CLAIMS = ("iss", "jti", "nbf", "sub")


def accepts(header: Mapping[str, Any]) -> bool:
    """A JOSE header OB 3.0 allows and VC-JOSE does not name: typ "JWT" or none."""
    return header.get("typ") in ACCEPTED_TYP


def credential_of(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential a payload carries: the `vc` claim (VCDM 1.1 form), or the payload itself
    without the JWT registered claims (OB 3.0 §8.2.4)."""
    if isinstance(payload.get("vc"), dict):
        return decoded_document(payload)
    return {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}


def sign_ob_jwt(credential: Mapping[str, Any], key: Key, header: Mapping[str, Any], *, vc_claim: bool = False,
                drop: tuple[str, ...] = ()) -> str:
    """An OB 3.0 VC-JWT: the credential with iss/jti/sub/nbf(/exp) (§8.2.4), or 1.1-style in a `vc`
    claim. `header` adds kid and/or jwk and may override alg/typ; `drop` leaves claims out (negative vectors)."""
    claims = {k: v for k, v in mirrored_claims(credential).items() if k not in drop}
    payload = {**claims, "vc": dict(credential)} if vc_claim else {**credential, **claims}
    return sign_compact({"alg": key.jws_alg, "typ": "JWT", **header}, payload, key)


def _header_key(jwk: Any) -> Key:
    if not isinstance(jwk, dict):
        raise JwsError(MALFORMED_PROOF, "the jwk header is not a JSON object")
    if "d" in jwk:  # OB 3.0 §8.2.3: 'The JWK MUST never contain "d"'
        raise JwsError(MALFORMED_PROOF, "the jwk header carries private key material ('d')")
    try:
        return Key.from_jwk(jwk)
    except KeyFormatError as exc:
        raise JwsError(MALFORMED_PROOF, f"the jwk header is not a usable public key: {exc}") from None


def _issuer_lists(resolver: Any, issuer: str | None, key: Key, purpose: str) -> str | None:
    """The issuer, if its own document lists `key` under `purpose`; None otherwise."""
    document = getattr(resolver, "controller_document", None)
    if issuer is None or document is None:
        return None
    try:
        doc = document(issuer)
    except Exception:  # unresolvable issuer: the key stays unbound, the reason is said by the caller
        return None
    entries = doc.get(purpose) if isinstance(doc, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if not isinstance(ref, str):
            continue
        vm_url = issuer + ref if ref.startswith("#") else ref
        try:
            listed, controller = resolver.resolve_vm(vm_url, purpose)
        except Exception:
            continue
        if controller == issuer and listed.public_jwk() == key.public_jwk():
            return issuer
    return None


def _claim_findings(payload: Mapping[str, Any], doc: Mapping[str, Any]) -> list[str]:
    warnings = [f"JWT claim {c!r} is missing (OB 3.0 §8.2.4 requires it)" for c in REQUIRED_CLAIMS if c not in payload]
    nbf, valid_from = payload.get("nbf"), parse_datetime(doc.get("validFrom") or doc.get("issuanceDate"))
    if isinstance(nbf, (int, float)) and valid_from is not None and int(valid_from.timestamp()) != int(nbf):
        # OB 3.0 §8.2.6.1: nbf 'MUST equal the validFrom'; a contradiction is two credentials under one signature.
        raise JwsError(MALFORMED_PROOF, f"JWT claim nbf={nbf} contradicts the credential's validFrom")
    return warnings


def verify(token: str, resolver: Any, *, purpose: str = "assertionMethod") -> ProofResult:
    """Signature, key and claims of an OB 3.0 VC-JWT. `details["document"]` is the credential."""
    resolve_vm: ResolveVm = resolver.resolve_vm
    details: dict[str, Any] = {}
    vms: list[str] = []
    controllers: list[str] = []
    try:
        jws = parse_compact(token)
        header = details["header"] = jws.header
        check_alg(header, OPEN_BADGES_ALGS)
        check_typ(header, ACCEPTED_TYP)
        payload = jws.payload_json()
        if not isinstance(payload, dict):
            raise JwsError(MALFORMED_PROOF, "JWS payload is not a JSON object")
        details["payload"] = payload
        doc = details["document"] = credential_of(payload)
        kid, jwk = header.get("kid"), header.get("jwk")
        if kid is None and jwk is None:
            raise JwsError(MALFORMED_PROOF, "JOSE header has neither kid nor jwk (OB 3.0 §8.2.3 requires one)")
        key = _header_key(jwk) if jwk is not None else None
        issuer = id_of(doc.get("issuer")) or (payload.get("iss") if isinstance(payload.get("iss"), str) else None)
        if kid is not None:
            if not isinstance(kid, str) or not kid:
                raise JwsError(MALFORMED_PROOF, "kid is not a non-empty string")
            vm_url = absolute_kid(kid, issuer)
            vms.append(vm_url)
            resolved, controller = resolve_key(resolve_vm, vm_url, purpose)
            if key is not None and resolved.public_jwk() != key.public_jwk():
                raise JwsError(MALFORMED_PROOF, f"the jwk header is not the key {vm_url} names")
            key = resolved
            controllers.append(controller)
        else:
            vms.append("jwk header")
            bound = _issuer_lists(resolver, issuer, key, purpose)
            if bound:
                controllers.append(bound)
            else:
                details["unbound"] = (f"the jwk header key is not one the issuer {issuer} lists under {purpose}; "
                                      "nothing binds it to the issuer (OB 3.0 §8.2 gives the key, not its owner)")
        verify_signature(jws, key, OPEN_BADGES_ALGS)
        check_numeric_dates(payload)  # whether now is inside exp/nbf is the validity check's call
        check_consistency(payload, doc)
        warnings = _claim_findings(payload, doc)
        extra = sorted(set(header) - OB_HEADERS)
        if extra:
            warnings.append(f"JOSE header parameters {', '.join(extra)} are not allowed by OB 3.0 §8.2.3 (ignored)")
        # OB 3.0's claim and header rules are a badge's: a plain JWT credential is not held to them.
        details["warnings"] = warnings if schemas.detect_profile(doc) is not None else []
    except JwsError as err:
        return ProofResult.fail(err.reason, err.message, verification_methods=vms, controllers=controllers, details=details)
    return ProofResult(True, verification_methods=vms, controllers=controllers, details=details)
