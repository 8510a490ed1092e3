"""SD-JWT VC (`dc+sd-jwt`): issue, present (with a Key Binding JWT) and verify.

Rules from RFC 9901 "Selective Disclosure for JWTs" (https://www.rfc-editor.org/rfc/rfc9901)
and the SD-JWT VC draft (https://datatracker.ietf.org/doc/draft-ietf-oauth-sd-jwt-vc/);
the format itself lives in `sdjwt_format.py`. Claim paths are DCQL-style tuples (a string
is an object member, an int an array index, None any index); a bare string is a
top-level claim.

Verification failures keep the shared reasons and add a sub-code: `details["sd_error"]`
for disclosure processing, `details["kb_error"]` for key binding.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .findings import HOLDER_BINDING, KEY_NOT_FOUND, MALFORMED_PROOF, UNKNOWN_CRYPTOSUITE, ProofResult
from .jose import (
    Now,
    ResolveVm,
    absolute_kid,
    audience_matches,
    check_time_claims,
    epoch_seconds,
    guarded_resolution,
    resolve_key,
)
from .jws import JwsError, check_alg, check_typ, parse_compact, sign_compact, verify_signature
from .keys import Key, KeyFormatError
from .sdjwt_format import (
    SD_ALG,
    ClaimPath,
    Concealer,
    Disclosure,
    DisclosureError,
    PathElement,
    SdJwtParts,
    as_path,
    digest_of,
    locate,
    parse_sd_jwt,
    related,
    reveal,
)

__all__ = [
    "ClaimPath", "Disclosure", "DisclosureError", "IssuerKeyResolver", "KeyBindingError", "SdJwtParts",
    "digest_of", "issue_sd_jwt", "parse_sd_jwt", "present", "resolver_from_jwks", "resolver_from_vm",
    "verify_sd_jwt",
]

SD_JWT_VC_TYP = "dc+sd-jwt"
LEGACY_SD_JWT_VC_TYP = "vc+sd-jwt"  # the draft's typ until Nov 2024; verifiers SHOULD still accept it
KB_JWT_TYP = "kb+jwt"
# Claims the SD-JWT VC draft forbids in Disclosures
# (https://datatracker.ietf.org/doc/html/draft-ietf-oauth-sd-jwt-vc#name-registered-jwt-claims).
NEVER_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})

# (issuer JWT header, issuer JWT payload) -> (public key, controller of that key)
IssuerKeyResolver = Callable[[dict[str, Any], dict[str, Any]], tuple[Key, str]]


class KeyBindingError(JwsError):
    """A KB-JWT problem (missing, alg, typ, signature, iat, nonce, aud, sd_hash, no-cnf, malformed)."""

    def __init__(self, code: str, message: str):
        super().__init__(HOLDER_BINDING, f"key binding ({code}): {message}")
        self.code = code


def issue_sd_jwt(
    claims: Mapping[str, Any],
    key: Key,
    kid: str,
    *,
    vct: str,
    disclosable: Sequence[str | Sequence[PathElement]] = (),
    holder_jwk: Mapping[str, Any] | None = None,
    iss: str | None = None,
    iat: int | None = None,
    exp: int | None = None,
    nbf: int | None = None,
    status: Mapping[str, Any] | None = None,
    decoys: int = 0,
    extra_headers: Mapping[str, Any] | None = None,
) -> str:
    """Issue an SD-JWT VC: `<issuer JWT>~<disclosure>~...~`.

    `iss` defaults to claims["iss"], else the DID of a DID URL `kid`; `iat` to now. Every path in `disclosable` must
    name an existing claim (a typo would otherwise silently leave a claim in clear).
    """
    payload: dict[str, Any] = dict(claims)
    if iss is not None:
        payload["iss"] = iss
    elif "iss" not in payload and kid.startswith("did:"):
        payload["iss"] = kid.split("#", 1)[0]
    payload["iat"] = int(time.time()) if iat is None else iat
    for name, value in (("exp", exp), ("nbf", nbf), ("status", status)):
        if value is not None:
            payload[name] = value
    payload["vct"] = vct
    if holder_jwk is not None:
        payload["cnf"] = {"jwk": dict(holder_jwk)}  # RFC 7800 §3.2 confirmation key
    targets = [as_path(p) for p in disclosable]
    concealer = Concealer(targets, decoys, NEVER_DISCLOSABLE)
    concealed = concealer.conceal(payload, ())
    missing = [list(t) for t, used in zip(targets, concealer.used) if not used]
    if missing:
        raise ValueError(f"no claim at disclosable path(s) {missing}")
    concealed["_sd_alg"] = SD_ALG
    header = {"alg": key.jws_alg, "typ": SD_JWT_VC_TYP, **({"kid": kid} if kid else {}), **(extra_headers or {})}
    parts = SdJwtParts(sign_compact(header, concealed, key), tuple(d.encoded for d in concealer.disclosures), None)
    return parts.serialize()


def present(
    sd_jwt: str,
    disclose: Sequence[str | Sequence[PathElement]],
    *,
    holder_key: Key | None = None,
    nonce: str | None = None,
    aud: str | None = None,
    iat: int | None = None,
    kb_claims: Mapping[str, Any] | None = None,
    kb_headers: Mapping[str, Any] | None = None,
) -> str:
    """Holder side (RFC 9901 §7.2): keep the disclosures needed for `disclose`, add a KB-JWT.

    A requested path brings its disclosable ancestors (so the verifier can reach it) and
    everything beneath it. With `holder_key`, a KB-JWT (§4.3) is appended; `kb_claims` /
    `kb_headers` override its payload / header, for negative vectors.
    """
    parts = parse_sd_jwt(sd_jwt)
    if parts.kb_jwt is not None:
        raise ValueError("a holder must not accept an SD-JWT+KB from an issuer (RFC 9901 §7.2)")
    payload = parse_compact(parts.issuer_jwt).payload_json()
    by_digest = {d.digest: d for d in map(Disclosure.parse, parts.disclosures)}
    wanted = [as_path(p) for p in disclose]
    keep = {
        d.encoded
        for path, d in locate(payload, (), by_digest)
        if any(related(w, path) for w in wanted)
    }
    presented = SdJwtParts(parts.issuer_jwt, tuple(e for e in parts.disclosures if e in keep), None)
    if holder_key is None:
        return presented.serialize()
    if nonce is None or aud is None:
        raise ValueError("a KB-JWT needs the verifier's nonce and aud (RFC 9901 §4.3)")
    kb_payload = {
        "iat": int(time.time()) if iat is None else iat,
        "aud": aud,
        "nonce": nonce,
        "sd_hash": digest_of(presented.without_kb),
        **(kb_claims or {}),
    }
    kb_header = {"alg": holder_key.jws_alg, "typ": KB_JWT_TYP, **(kb_headers or {})}
    return presented.without_kb + sign_compact(kb_header, kb_payload, holder_key)


def resolver_from_vm(resolve_vm: ResolveVm, purpose: str = "assertionMethod") -> IssuerKeyResolver:
    """Issuer key from the header `kid` (a DID URL, or a fragment relative to a DID `iss`)."""

    def resolve(header: dict[str, Any], payload: dict[str, Any]) -> tuple[Key, str]:
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise JwsError(MALFORMED_PROOF, "issuer JWT header has no kid naming the verification method")
        iss = payload.get("iss")
        return resolve_key(resolve_vm, absolute_kid(kid, iss if isinstance(iss, str) else None), purpose)

    return resolve


def resolver_from_jwks(jwks_by_issuer: Mapping[str, Sequence[Mapping[str, Any]]]) -> IssuerKeyResolver:
    """Issuer key from trusted JWKs per `iss` (as JWT VC Issuer Metadata would publish), chosen by kid."""

    def resolve(header: dict[str, Any], payload: dict[str, Any]) -> tuple[Key, str]:
        iss = payload.get("iss")
        jwks = jwks_by_issuer.get(iss) if isinstance(iss, str) else None
        if not jwks:
            raise JwsError(KEY_NOT_FOUND, f"no trusted keys for issuer {iss!r}")
        kid = header.get("kid")
        candidates = [j for j in jwks if kid is None or j.get("kid") in (None, kid)]
        if len(candidates) != 1:
            raise JwsError(KEY_NOT_FOUND, f"{len(candidates)} keys of {iss!r} match kid {kid!r}")
        try:
            return Key.from_jwk(dict(candidates[0])), iss
        except KeyFormatError as exc:
            raise JwsError(KEY_NOT_FOUND, f"issuer JWK unusable: {exc}") from None

    return resolve


def _verify_kb(parts: SdJwtParts, claims: Mapping[str, Any], nonce: str | None, aud: str | None,
               now: Now, max_age: float, leeway: float) -> dict[str, Any]:
    """RFC 9901 §7.3 step 5, in its order."""
    try:
        kb = parse_compact(parts.kb_jwt or "")
        check_alg(kb.header)
        kb_payload = kb.payload_json()
    except JwsError as err:
        raise KeyBindingError("malformed", err.message) from None
    cnf = claims.get("cnf")
    try:
        holder = Key.from_jwk(cnf.get("jwk") if isinstance(cnf, dict) else None)  # type: ignore[arg-type]
    except KeyFormatError as exc:
        raise KeyBindingError("no-cnf", f"no usable cnf.jwk holder key in the credential: {exc}") from None
    try:
        verify_signature(kb, holder)
    except JwsError as err:
        raise KeyBindingError("signature", f"KB-JWT not signed by the cnf key: {err.message}") from None
    if kb.header.get("typ") != KB_JWT_TYP:
        raise KeyBindingError("typ", f"typ is {kb.header.get('typ')!r}, expected {KB_JWT_TYP!r}")
    if not isinstance(kb_payload, dict):
        raise KeyBindingError("malformed", "KB-JWT payload is not a JSON object")
    issued, current = kb_payload.get("iat"), epoch_seconds(now)
    if isinstance(issued, bool) or not isinstance(issued, (int, float)):
        raise KeyBindingError("iat", "KB-JWT has no numeric iat")
    if issued > current + leeway or issued < current - max_age - leeway:
        raise KeyBindingError("iat", f"iat {issued} outside the accepted window ({max_age}s before now {int(current)})")
    if "nonce" not in kb_payload or (nonce is not None and kb_payload["nonce"] != nonce):
        raise KeyBindingError("nonce", f"nonce is {kb_payload.get('nonce')!r}, expected {nonce!r}")
    if "aud" not in kb_payload or (aud is not None and not audience_matches(kb_payload["aud"], aud)):
        raise KeyBindingError("aud", f"aud is {kb_payload.get('aud')!r}, expected {aud!r}")
    expected_hash = digest_of(parts.without_kb)
    if kb_payload.get("sd_hash") != expected_hash:
        raise KeyBindingError("sd_hash", f"sd_hash is {kb_payload.get('sd_hash')!r}, the presentation hashes to {expected_hash!r}")
    return {"header": kb.header, "payload": kb_payload}


def key_binding_problem(token: str, *, nonce: str | None, aud: str | None, now: Now = None,
                        kb_max_age: float = 300, leeway: float = 0) -> KeyBindingError | None:
    """RFC 9901 §7.3 step 5 alone, reading `cnf` from the issuer payload *without* verifying the
    issuer signature: for a caller that judges the issuer side separately (or, as a reference
    fault, not at all). None when the KB-JWT holds."""
    try:
        parts = parse_sd_jwt(token)
        payload = parse_compact(parts.issuer_jwt).payload_json()
    except (JwsError, ValueError) as exc:
        return KeyBindingError("malformed", f"unreadable SD-JWT: {exc}")
    if parts.kb_jwt is None:
        return KeyBindingError("missing", "the verifier requires key binding but no KB-JWT was presented")
    try:
        _verify_kb(parts, payload if isinstance(payload, dict) else {}, nonce, aud, now, kb_max_age, leeway)
    except KeyBindingError as err:
        return err
    return None


def verify_sd_jwt(
    token: str,
    resolve_vm: ResolveVm | None = None,
    *,
    issuer_key: IssuerKeyResolver | None = None,
    purpose: str = "assertionMethod",
    nonce: str | None = None,
    aud: str | None = None,
    now: Now = None,
    require_kb: bool = False,
    expected_typ: str | tuple[str, ...] | None = (SD_JWT_VC_TYP, LEGACY_SD_JWT_VC_TYP),
    require_vct: bool = True,
    leeway: float = 0,
    kb_max_age: float = 300,
) -> ProofResult:
    """Verify an SD-JWT VC presentation (RFC 9901 §7.1 and §7.3; SD-JWT VC §3.4).

    The issuer key comes from the header `kid` through `resolve_vm(vm_url, purpose)`, as
    for `vc+jwt`, unless another Issuer Signature Mechanism is plugged in as `issuer_key`
    (e.g. `resolver_from_jwks`).
    Key binding is required when `require_kb` is set or a `nonce`/`aud` is expected; a
    KB-JWT that is present is always checked. On success `details` has "claims" (the
    processed payload), "disclosed" (path/value of each disclosed claim), "header", "kb".
    """
    if issuer_key is None and resolve_vm is None:
        raise TypeError("verify_sd_jwt needs resolve_vm or issuer_key")
    resolver = issuer_key or resolver_from_vm(resolve_vm, purpose)  # type: ignore[arg-type]
    details: dict[str, Any] = {}
    vms: list[str] = []
    controllers: list[str] = []
    try:
        parts = parse_sd_jwt(token)
        jws = parse_compact(parts.issuer_jwt)
        details["header"] = jws.header
        check_alg(jws.header)
        check_typ(jws.header, expected_typ)
        payload = jws.payload_json()
        if not isinstance(payload, dict):
            raise JwsError(MALFORMED_PROOF, "issuer JWT payload is not a JSON object")
        iss, kid = payload.get("iss"), jws.header.get("kid")
        vm = absolute_kid(kid, iss if isinstance(iss, str) else None) if isinstance(kid, str) else iss
        if isinstance(vm, str):
            vms.append(vm)
        key, controller = guarded_resolution(str(vm), lambda: resolver(jws.header, payload))
        controllers.append(controller)
        verify_signature(jws, key)
        details["issuer_signature"] = True  # what fails from here is not the issuer's key or signature
        if payload.get("_sd_alg", SD_ALG) != SD_ALG:
            raise JwsError(UNKNOWN_CRYPTOSUITE, f"_sd_alg {payload.get('_sd_alg')!r} is not supported (only {SD_ALG})")
        claims, disclosed = reveal(payload, [Disclosure.parse(e) for e in parts.disclosures], NEVER_DISCLOSABLE)
        details["claims"], details["disclosed"] = claims, disclosed
        if require_vct and not isinstance(claims.get("vct"), str):
            raise JwsError(MALFORMED_PROOF, "an SD-JWT VC needs a string vct claim")
        check_time_claims(claims, now, leeway)
        if parts.kb_jwt is not None:
            details["kb"] = _verify_kb(parts, claims, nonce, aud, now, kb_max_age, leeway)
        elif require_kb or nonce is not None or aud is not None:
            raise KeyBindingError("missing", "the verifier requires key binding but no KB-JWT was presented")
    except JwsError as err:
        if isinstance(err, DisclosureError):
            details["sd_error"] = err.code
        if isinstance(err, KeyBindingError):
            details["kb_error"] = err.code
        return ProofResult.fail(err.reason, err.message, verification_methods=vms, controllers=controllers, details=details)
    return ProofResult(True, verification_methods=vms, controllers=controllers, details=details)
