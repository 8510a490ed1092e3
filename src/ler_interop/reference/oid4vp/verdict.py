"""Judging a VP Token against the transaction it answers (OpenID4VP 1.0 §8.6,
https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-8.6).

Each presentation is verified by the toolkit's CredentialVerifier, bound to this request:
`ldp_vc` proof challenge/domain, `jwt_vc_json` VP JWT nonce/aud, SD-JWT KB-JWT nonce/aud =
the request's nonce and the full client_id, prefix included (§14.1.2, Appendix B). Holder
binding: each W3C credential's subject is the presenting holder; an SD-JWT's KB-JWT is signed
by its `cnf` key. Then the DCQL query: only asked formats and types, every asked claim present.

Fault switches make a faulty verifier skip exactly one of those steps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ...credentials import jsonld, sdjwt
from ...credentials.artifacts import ArtifactError, parse_artifact
from ...credentials.findings import (BAD_SIGNATURE, HOLDER, CHALLENGE_MISMATCH, DOMAIN_MISMATCH, HOLDER_BINDING, PROOF_EXPIRED,
                                      Check, VerificationResult)
from ...credentials.jws import JwsError, parse_compact
from ...credentials.sdjwt_format import Disclosure, parse_sd_jwt, reveal
from ...credentials.verifier import CredentialVerifier
from ...protocols import dcql

# Which toolkit failure reasons / KB-JWT error codes each verdict fault forgives.
FORGIVEN_REASONS = {
    "verifier.oid4vp-ignore-nonce": {CHALLENGE_MISMATCH},
    "verifier.oid4vp-ignore-audience": {DOMAIN_MISMATCH},
    "verifier.oid4vp-ignore-holder-binding": {HOLDER_BINDING},
}
FORGIVEN_KB_CODES = {
    "verifier.oid4vp-ignore-nonce": {"nonce"},
    "verifier.oid4vp-ignore-audience": {"aud"},
    "verifier.oid4vp-ignore-holder-binding": {"signature", "no-cnf"},
    "verifier.oid4vp-ignore-sd-hash": {"sd_hash"},
    "verifier.oid4vp-accept-missing-kb": {"missing"},
    "verifier.oid4vp-ignore-kb-iat": {"iat"},
}
SKIP_ISSUER_SIGNATURE = "verifier.oid4vp-skip-sdjwt-issuer-signature"
# An SD-JWT VC's validity is its `exp`, which the toolkit reports as an expired signature.
FORGIVEN_SD_JWT_REASONS = {"verifier.ignore-expiry": {PROOF_EXPIRED}}
FORGIVEN_DCQL = {
    "verifier.oid4vp-ignore-missing-claims": {"missing-claim"},
    "verifier.oid4vp-ignore-type": {"type"},
}


@dataclass
class Judgement:
    errors: list[str] = field(default_factory=list)
    claims: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return not self.errors


@dataclass
class Judge:
    toolkit: CredentialVerifier
    nonce: str
    client_id: str
    dcql_query: dict[str, Any]
    faults: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.ignore = self.ignore | {r for f in self.faults for r in FORGIVEN_REASONS.get(f, ())}
        self.kb_forgiven = {c for f in self.faults for c in FORGIVEN_KB_CODES.get(f, ())}
        self.dcql_forgiven = {c for f in self.faults for c in FORGIVEN_DCQL.get(f, ())}
        self.sd_jwt_ignore = self.ignore | {r for f in self.faults for r in FORGIVEN_SD_JWT_REASONS.get(f, ())}

    def judge(self, vp_token_text: str) -> Judgement:
        out = Judgement()
        if "verifier.reject-all" in self.faults:
            out.errors.append("this verifier rejects everything")
            return out
        try:
            vp_token = json.loads(vp_token_text)
        except ValueError:
            out.errors.append("vp_token is not JSON")
            return out
        if not isinstance(vp_token, dict) or not all(isinstance(v, list) for v in vp_token.values()):
            out.errors.append("vp_token must be a JSON object of arrays of presentations (§8.1)")
            return out
        formats = {cq["id"]: cq.get("format") for cq in self.dcql_query["credentials"]}
        presented: dict[str, list[dcql.Candidate]] = {}
        for qid, presentations in vp_token.items():
            presented[qid] = []
            for i, presentation in enumerate(presentations):
                candidates, errors = self._verify(formats.get(qid), presentation)
                out.errors += [f"{qid}[{i}]: {e}" for e in errors]
                presented[qid] += candidates
        problems = [p for p in dcql.response_problems(self.dcql_query, presented) if p.code not in self.dcql_forgiven]
        out.errors += [p.message for p in problems]
        if out.verified:
            out.claims = {qid: [_asked_claims(self.dcql_query, qid, c) for c in cands] for qid, cands in presented.items()}
        return out

    # -- one presentation -------------------------------------------------------------------
    def _verify(self, fmt: str | None, presentation: Any) -> tuple[list[dcql.Candidate], list[str]]:
        if fmt == "dc+sd-jwt":
            return self._sd_jwt(presentation)
        if fmt in ("ldp_vc", "jwt_vc_json"):
            return self._w3c(fmt, presentation)
        return [], [f"no credential query asks for this presentation (format {fmt!r})"]

    def _w3c(self, fmt: str, presentation: Any) -> tuple[list[dcql.Candidate], list[str]]:
        try:
            parsed = parse_artifact(presentation)
        except ArtifactError as exc:
            return [], [f"not a {fmt} presentation: {exc}"]
        kind = "jwt_vc_json" if fmt == "jwt_vc_json" else "jsonld"
        if parsed.kind != kind or not parsed.is_presentation:
            return [], [f"a {parsed.kind} artifact where a {fmt} Verifiable Presentation was asked"]
        result = self.toolkit.verify_presentation(parsed, challenge=self.nonce, domain=self.client_id,
                                                  ignore=self.ignore, bind_subjects=True)
        errors = list(result.errors)  # each names the party at fault (issuer or holder)
        items = _credentials_of(parsed.document)
        if "verifier.oid4vp-any-embedded-format" not in self.faults:
            # Appendix B.1: a jwt_vc_json presentation carries jwt_vc_json credentials, an ldp_vc
            # one Data Integrity credentials; anything else is a format the query did not ask for.
            errors += [f"verifiableCredential[{i}]: a {k} credential in a {fmt} presentation"
                       for i, k in enumerate(map(_kind_of, items)) if k != kind]
        return [_w3c_candidate(fmt, item) for item in items], errors

    def _sd_jwt(self, presentation: Any) -> tuple[list[dcql.Candidate], list[str]]:
        if not isinstance(presentation, str):
            return [], ["a dc+sd-jwt presentation is an SD-JWT+KB string"]
        result = self.toolkit.verify_credential(presentation, challenge=self.nonce, domain=self.client_id,
                                                ignore=self.sd_jwt_ignore)
        if not result.verified and self._kb_code(presentation) in self.kb_forgiven:
            # A verifier skipping that KB-JWT step: what remains is the credential's own checks.
            result = self.toolkit.verify_credential(_without_kb(presentation), ignore=self.sd_jwt_ignore)
        if not result.verified and SKIP_ISSUER_SIGNATURE in self.faults:
            result = self._without_issuer_signature(presentation)
        errors = list(result.errors)  # each names the party at fault (issuer or holder)
        try:
            claims = _disclosed_claims(presentation)
        except (JwsError, ValueError) as exc:
            return [], errors or [f"unreadable SD-JWT: {exc}"]
        vct = claims.get("vct") if isinstance(claims.get("vct"), str) else None
        return [dcql.Candidate("dc+sd-jwt", claims, vct=vct)], errors

    def _without_issuer_signature(self, presentation: str) -> VerificationResult:
        """A verifier that never checks the issuer's signature: everything else is still judged,
        the KB-JWT included (RFC 9901 §7.3 step 5), so only that one safeguard is missing."""
        result = self.toolkit.verify_credential(presentation, ignore=self.sd_jwt_ignore | {BAD_SIGNATURE})
        problem = sdjwt.key_binding_problem(presentation, nonce=self.nonce, aud=self.client_id, now=self.toolkit.now)
        if problem is not None and problem.code not in self.kb_forgiven:
            result.checks.append(Check("key-binding", False, problem.message, reason=problem.code, party=HOLDER))
        return result

    def _kb_code(self, presentation: str) -> str | None:
        result = sdjwt.verify_sd_jwt(presentation, issuer_key=self.toolkit.sd_jwt_issuer_keys, nonce=self.nonce,
                                     aud=self.client_id, require_kb=True, now=self.toolkit.now)
        return result.details.get("kb_error")


def _asked_claims(query: dict[str, Any], qid: str, candidate: dcql.Candidate) -> dict[str, Any]:
    """What the backchannel reports: the asked claims only ("a/b/0" -> value), not the credential."""
    cq = next(cq for cq in query["credentials"] if cq["id"] == qid)
    out: dict[str, Any] = {}
    for claim in dcql.chosen_claims(cq, candidate.document) or []:
        selected = dcql.select_path(candidate.document, claim["path"])
        out["/".join("*" if p is None else str(p) for p in claim["path"])] = selected[0] if len(selected) == 1 else selected
    return out


def _kind_of(item: Any) -> str:
    """What an embedded credential is: jsonld (a Data Integrity object), jwt_vc_json, jwt (VC-JOSE), sd-jwt."""
    if isinstance(item, dict) and item.get("type") == "EnvelopedVerifiableCredential":
        return "enveloped"
    try:
        return parse_artifact(item).kind
    except ArtifactError:
        return "unreadable"


def _credentials_of(vp: dict[str, Any]) -> list[Any]:
    items = vp.get("verifiableCredential") or []
    return items if isinstance(items, list) else [items]


def _w3c_candidate(fmt: str, item: Any) -> dcql.Candidate:
    try:
        doc = parse_artifact(item).document
    except ArtifactError:
        doc = item if isinstance(item, dict) else {}
    types = doc.get("type")
    types = {types} if isinstance(types, str) else set(t for t in types or [] if isinstance(t, str))
    # type_values name fully expanded IRIs (Appendix B.1.1); compact names are kept beside them.
    try:
        expanded, _ = jsonld.expand_safely({"@context": doc.get("@context"), "type": doc.get("type")})
        types |= set(expanded[0].get("@type", [])) if expanded else set()
    except Exception:  # an unknown context: the compact names are all there is
        pass
    return dcql.Candidate(fmt, doc, frozenset(types))


def _without_kb(presentation: str) -> str:
    return parse_sd_jwt(presentation).without_kb


def _disclosed_claims(presentation: str) -> dict[str, Any]:
    parts = parse_sd_jwt(presentation)
    payload = parse_compact(parts.issuer_jwt).payload_json()
    claims, _ = reveal(payload, [Disclosure.parse(e) for e in parts.disclosures], sdjwt.NEVER_DISCLOSABLE)
    return claims
