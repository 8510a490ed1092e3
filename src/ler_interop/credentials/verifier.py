"""The suite's own verifier: one artifact in, a list of named checks out.

Verification (the securing mechanism: `proof`) and validation (`issuer-binding`,
`validity`, `status`, `data-model`, `schema`, `jsonld`) are separate named results, so a
credential with a valid signature by a key its issuer does not control is visibly rejected
for *that* reason (VCDM 2.0 §7.1 verification, §4.7 issuer; Data Integrity §4.5 controller).

`ignore` exists for the reference vendors' fault switches: it names checks, failure reasons
or finding rules to treat as passing, so a faulty reference verifier skips exactly one
safeguard. A binding check that cannot be judged carries its proof's reason, so ignoring
that reason forgives both together.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from . import datamodel, datamodel_v1, dataintegrity, jose, jsonld, jwtvc, obv3_jwt, schemas, sdjwt
from .artifacts import Artifact, ArtifactError, parse_artifact
from .findings import HOLDER, HOLDER_BINDING, ISSUER, Check, Finding, ProofResult, VerificationResult
from .verifier_status import StatusChecks

FetchJson = Callable[[str], Any]


NO_PROFILE = "schema.no-profile"  # the `schema` check's reason when no 1EdTech type is claimed


def issuer_id(doc: dict) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def did_of(url: str) -> str:
    return url.split("#", 1)[0]


def _findings_check(name: str, findings: list[Finding], ok_message: str) -> Check:
    if not findings:
        return Check(name, True, ok_message)
    head = "; ".join(str(f) for f in findings[:3])
    more = f" (+{len(findings) - 3} more)" if len(findings) > 3 else ""
    return Check(name, False, head + more, reason=findings[0].rule, findings=list(findings))


@dataclass
class CredentialVerifier(StatusChecks):
    """Verifies VCs and VPs in every securing format the suite meets.

    resolver: a DidResolver (did:key, did:jwk, did:web through the guarded client).
    fetch_json: a host-guarded fetch for status list credentials; without it status is not
    checked (reported as a passing `status` check saying so only when no entry exists).
    """

    resolver: Any
    fetch_json: FetchJson | None = None
    # The suite judging a vendor sets this: a status list it could not fetch (host not declared,
    # timeout, 5xx) leaves the check unable to judge (`error`), not a verdict against the vendor.
    raise_transport_errors: bool = False
    now: datetime | None = None
    loader: Any = None
    extra_contexts: dict[str, dict] = field(default_factory=dict)
    # Fetches a Token Status List token (a JWT, not JSON) for SD-JWT VC status; same guard.
    fetch_text: Callable[[str], str] | None = None
    # X.509 trust anchors (cryptography Certificates) for SD-JWT VCs signed with `x5c`.
    trust_anchors: list[Any] = field(default_factory=list)
    # `verify` accepts a VCDM 1.1 document judged by the 1.1 rules (with a legacy warning). The
    # suite judging a vendor leaves this off: a 1.1 credential is not VCDM 2.0 conformant.
    accept_vcdm1: bool = False
    # Read credential JWTs typed "JWT" (or untyped) as Open Badges 3.0 §8.2 proofs (RS256, a jwk
    # header, an https kid; obv3_jwt.py). `ler-interop verify` sets it; the suite judging a vendor
    # does not, so a vendor declaring vc+jwt is still held to VC-JOSE-COSE.
    open_badges_jwt: bool = False

    def __post_init__(self) -> None:
        if self.loader is None:
            self.loader = jsonld.loader_with(self.extra_contexts)

    @property
    def sd_jwt_issuer_keys(self) -> sdjwt.IssuerKeyResolver:
        """An SD-JWT VC issuer's key by x5c, JWT VC Issuer Metadata or DID (issuer_keys.py)."""
        from .issuer_keys import issuer_keys_for  # on use: X.509 is only for SD-JWT VCs

        return issuer_keys_for(self.resolver, self.trust_anchors)

    @property
    def _now(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    # -- public entry points ----------------------------------------------------------
    def verify(self, artifact: Any, *, challenge: str | None = None, domain: str | None = None,
               ignore: Iterable[str] = (), unsigned: bool = False) -> VerificationResult:
        """Verify whatever `artifact` is: a VC or VP as JSON, a vc+jwt/vp+jwt, a jwt_vc_json JWT, or an SD-JWT."""
        try:
            parsed = parse_artifact(artifact)
        except ArtifactError as exc:
            return VerificationResult([Check("format", False, str(exc), reason="format")])
        if parsed.is_presentation:
            return self.verify_presentation(parsed, challenge=challenge, domain=domain, ignore=ignore, unsigned=unsigned)
        return self.verify_credential(parsed, ignore=ignore, unsigned=unsigned, challenge=challenge, domain=domain)

    def verify_credential(self, artifact: Any, *, ignore: Iterable[str] = (), unsigned: bool = False,
                          check_status: bool = True, challenge: str | None = None,
                          domain: str | None = None) -> VerificationResult:
        """challenge/domain bind an SD-JWT presentation's KB-JWT (nonce/aud); when given, the
        key binding is required, so a KB-JWT made for another verifier is refused."""
        ignore = frozenset(ignore)
        try:
            parsed = artifact if isinstance(artifact, Artifact) else parse_artifact(artifact)
        except ArtifactError as exc:
            return VerificationResult([Check("format", False, str(exc), reason="format")])
        checks = [Check("format", True, parsed.describe())]
        if parsed.kind == "jwt" and self._is_ob_jwt(parsed):
            parsed.document = obv3_jwt.credential_of(parsed.payload or {})  # the credential, not the JWT claims
        doc = parsed.document
        if parsed.kind == "sd-jwt":
            if not unsigned:
                checks += self._secure_sd_jwt(parsed, nonce=challenge, aud=domain)
        else:
            checks.append(self._jsonld_check(doc, jwt_payload=parsed.kind == "jwt"))
            if not unsigned:
                proof = self._proof(parsed, purpose="assertionMethod", waive=ignore)
                checks.append(_proof_check(proof, ISSUER))
                checks.append(self._issuer_binding(doc, proof))
            checks.append(self._data_model_check(doc, parsed, presentation=False))
            checks.append(self._schema_check(doc))
        checks.append(self._validity_check(doc, parsed))
        if not unsigned and check_status:
            checks.append(self._sd_jwt_status(doc) if parsed.kind == "sd-jwt" else self._status_check(doc))
        return VerificationResult(_apply_ignore(checks, ignore))

    def verify_presentation(self, artifact: Any, *, challenge: str | None = None, domain: str | None = None,
                            ignore: Iterable[str] = (), bind_subjects: bool = False,
                            unsigned: bool = False) -> VerificationResult:
        """`unsigned` lints a template: no proof is checked, neither the presentation's nor its
        credentials' (the same data model, JSON-LD and schema checks as an unsigned credential).
        `bind_subjects` adds a `subject-binding` check per embedded credential: its subject
        is the presentation's holder, so a credential issued to someone else cannot be passed
        on (OpenID4VP §14.1 Cryptographic Holder Binding, for formats without `cnf`)."""
        ignore = frozenset(ignore)
        try:
            parsed = artifact if isinstance(artifact, Artifact) else parse_artifact(artifact)
        except ArtifactError as exc:
            return VerificationResult([Check("format", False, str(exc), reason="format")])
        vp = parsed.document
        checks = [Check("format", True, parsed.describe())]
        if parsed.kind != "jwt_vc_json":  # a jwt_vc_json presentation is plain JSON, not JSON-LD
            checks.append(self._jsonld_check(vp))
        if not unsigned:
            proof = self._proof(parsed, purpose="authentication", challenge=challenge, domain=domain, waive=ignore)
            checks.append(_proof_check(proof, HOLDER))
            checks.append(self._holder_binding(vp, proof))
        checks.append(self._data_model_check(vp, parsed, presentation=True))
        for i, item in enumerate(_embedded_credentials(vp)):
            inner = self.verify_credential(item, ignore=ignore, unsigned=unsigned)
            checks += [replace(c, name=f"credential[{i}].{c.name}") for c in inner.checks]
            if bind_subjects:
                checks.append(_subject_binding(f"credential[{i}].subject-binding", item, jose.id_of(vp.get("holder"))))
        return VerificationResult(_apply_ignore(checks, ignore))

    # -- steps -------------------------------------------------------------------------
    def _is_ob_jwt(self, parsed: Artifact) -> bool:
        return (self.open_badges_jwt and parsed.kind in ("jwt", "jwt_vc_json") and not parsed.is_presentation
                and obv3_jwt.accepts(parsed.header or {}))

    def _may_be_v1(self, parsed: Artifact) -> bool:
        """Whether a VCDM 1.1 document is read by the 1.1 rules in this securing format: JSON-LD,
        a jwt_vc_json token (the VCDM 1.1 JWT encoding, VCDM 1.1 §6.3.1) and an Open Badges 3.0
        §8.2 JWT (1.1-era badges carry it in the `vc` claim); a vc+jwt (VC-JOSE-COSE) is 2.0 only."""
        return parsed.kind in ("jsonld", "jwt_vc_json") or self._is_ob_jwt(parsed)

    def _jsonld_check(self, doc: dict, jwt_payload: bool = False) -> Check:
        if jwt_payload:  # JWT registered claims beside a VC-JOSE credential are the token's, not JSON-LD terms
            doc = {k: v for k, v in doc.items() if k not in obv3_jwt.REGISTERED_CLAIMS}
        try:
            findings = jsonld.safe_mode_findings(dataintegrity.without_unchecked_proofs(doc), loader=self.loader)
        except jsonld.ContextError as exc:
            return Check("jsonld", False, str(exc), reason="context")
        check = _findings_check("jsonld", findings, "every term and type is defined by the bundled contexts")
        if not check.ok:
            check.reason = "context"
        return check

    def _proof(self, parsed: Artifact, *, purpose: str, challenge: str | None = None,
               domain: str | None = None, waive: frozenset[str] = frozenset()) -> ProofResult:
        if self._is_ob_jwt(parsed):
            return obv3_jwt.verify(parsed.raw, self.resolver, purpose=purpose)
        if parsed.kind == "jwt_vc_json":
            if parsed.is_presentation:
                return jwtvc.verify_jwt_vp(parsed.raw, self.resolver.resolve_vm, nonce=challenge, aud=domain, now=self._now)
            return jwtvc.verify_jwt_vc(parsed.raw, self.resolver.resolve_vm, purpose=purpose)
        if parsed.kind == "jwt":
            typ = "vp+jwt" if parsed.is_presentation else "vc+jwt"
            return jose.verify_jws(parsed.raw, self.resolver.resolve_vm, expected_typ=typ, purpose=purpose,
                                   nonce=challenge, aud=domain, now=self._now)
        return dataintegrity.verify(parsed.document, self.resolver.resolve_vm, expected_purpose=purpose,
                                    challenge=challenge, domain=domain, now=self._now, loader=self.loader,
                                    waive=waive)

    def _issuer_binding(self, doc: dict, proof: ProofResult) -> Check:
        issuer = issuer_id(doc)
        if issuer is None:
            return Check("issuer-binding", False, "credential has no issuer id to bind the proof to", reason="issuer-binding",
                         party=ISSUER)
        if not proof.ok:
            # Unjudgeable for the proof's reason; carrying that reason lets one fault switch
            # (which ignores it) skip exactly one safeguard.
            return Check("issuer-binding", False, "cannot bind the issuer: the proof did not verify",
                         reason=proof.reason, findings=_proof_findings(proof), party=ISSUER)
        foreign = [c for c in proof.controllers if did_of(c) != issuer]
        if not proof.controllers and proof.details.get("unbound"):
            return Check("issuer-binding", False, proof.details["unbound"], reason="issuer-binding", party=ISSUER)
        if foreign or not proof.controllers:
            return Check("issuer-binding", False,
                         f"proof made by a key controlled by {', '.join(foreign) or 'nobody'}, not by the issuer {issuer}",
                         reason="issuer-binding",
                         party=ISSUER)
        return Check("issuer-binding", True, f"signed by a key the issuer {issuer} controls", party=ISSUER)

    def _holder_binding(self, vp: dict, proof: ProofResult) -> Check:
        holder = vp.get("holder")
        holder = holder.get("id") if isinstance(holder, dict) else holder
        if not holder:
            return Check("holder-binding", True, "presentation names no holder", party=HOLDER)
        if not proof.ok:
            return Check("holder-binding", False, "cannot bind the holder: the proof did not verify",
                         reason=proof.reason, findings=_proof_findings(proof), party=HOLDER)
        if all(did_of(c) == holder for c in proof.controllers):
            return Check("holder-binding", True, f"signed by the holder {holder}", party=HOLDER)
        return Check("holder-binding", False, f"presentation proof not made by the holder {holder}", reason="holder-binding", party=HOLDER)

    def _data_model_check(self, doc: dict, parsed: Artifact, *, presentation: bool) -> Check:
        """VCDM 2.0 structure; a VCDM 1.1 document (JSON-LD, or in a jwt_vc_json / OB 3.0 JWT:
        `_may_be_v1`) is judged by the 1.1 rules when `accept_vcdm1`, and always carries a legacy warning."""
        what = "presentation" if presentation else "credential"
        kind = parsed.kind
        legacy = self._may_be_v1(parsed) and datamodel_v1.is_v1(doc)
        if legacy and self.accept_vcdm1:
            findings = (datamodel_v1.check_presentation if presentation else datamodel_v1.check_credential)(doc)
            check = _findings_check("data-model", findings, f"VCDM 1.1 {what} structure is valid")
        else:
            findings = (datamodel.check_presentation if presentation else datamodel.check_credential)(doc)
            if kind == "jwt_vc_json" and presentation:  # the 1.1 encoding carries credentials as JWT strings
                findings = [f for f in findings if f.rule != "vcdm2.verifiableCredential.object"]
            ok = "presentation structure is valid" if presentation else "VCDM 2.0 structure is valid"
            check = _findings_check("data-model", findings, ok)
        if legacy:
            judged = "judged by the VCDM 1.1 rules" if self.accept_vcdm1 else "not a VCDM 2.0 document"
            check.warnings.append(f"{datamodel_v1.LEGACY}: {datamodel_v1.V1_CONTEXT} is the first @context; {judged}")
        return check

    def _schema_check(self, doc: dict) -> Check:
        profile = schemas.detect_profile(doc)
        if profile is None:
            # Nothing to hold against a plain credential; a check that asked for an Open Badge
            # tells this apart by the reason (suite_tools.assert_open_badge_schema).
            return Check("schema", True, "no Open Badges / CLR profile claimed; VCDM checks only", reason=NO_PROFILE)
        findings = schemas.check_all(doc)
        findings = [f for f in findings if not f.rule.startswith("vcdm2.")]
        if self.accept_vcdm1 and datamodel_v1.is_v1(doc):
            # Open Badges 3.0 as first published (contexts context.json to context-3.0.2) sat on
            # VCDM 1.1: issuanceDate, and the 1.1 context first. The bundled schema is the VCDM 2.0
            # revision, so only its VCDM-version rules are left to datamodel_v1; the rest applies.
            findings = [f for f in findings if not _vcdm2_schema_rule(f)]
            return _findings_check("schema", findings, f"valid against the {profile} schema and rules "
                                   "(its VCDM 2.0 context and validFrom rules left to the VCDM 1.1 rules)")
        return _findings_check("schema", findings, f"valid against the {profile} schema and rules")

    def _validity_check(self, doc: dict, parsed: Artifact) -> Check:
        if parsed.kind == "sd-jwt":
            return Check("validity", True, "exp/nbf checked with the SD-JWT")
        if self._may_be_v1(parsed) and datamodel_v1.is_v1(doc):  # issuanceDate/expirationDate, not validFrom/validUntil
            findings = datamodel_v1.check_validity_period(doc, self._now)
        else:
            findings = datamodel.check_validity_period(doc, self._now)
        if parsed.kind == "jwt_vc_json" or self._is_ob_jwt(parsed):  # exp/nbf: the credential's validity there
            findings += jwtvc.validity_findings(parsed.payload or {}, self._now)
        return _findings_check("validity", findings, "within its validity period")

    def _secure_sd_jwt(self, parsed: Artifact, *, nonce: str | None, aud: str | None) -> list[Check]:
        """The issuer answers for its signature and the key it used; the holder (the wallet that
        presented) for the KB-JWT and for the disclosures it chose to send."""
        presented = nonce is not None or aud is not None
        result = sdjwt.verify_sd_jwt(parsed.raw, issuer_key=self.sd_jwt_issuer_keys, now=self._now, nonce=nonce,
                                     aud=aud, require_kb=presented)
        holder_fault = "kb_error" in result.details or ("sd_error" in result.details and presented)
        issuer_verified = result.ok or bool(result.details.get("issuer_signature"))
        checks = [_proof_check(result, HOLDER if holder_fault else ISSUER)]
        iss = (result.details.get("claims") or {}).get("iss")
        # The KB-JWT and disclosures are checked after the issuer's signature: when they failed,
        # the issuer's part verified and its binding is judged on its own.
        if issuer_verified and iss and all(did_of(c) == iss for c in result.controllers):
            checks.append(Check("issuer-binding", True, f"signed by a key {iss} controls", party=ISSUER))
        elif issuer_verified:
            checks.append(Check("issuer-binding", False, f"issuer {iss!r} does not control the signing key",
                                reason="issuer-binding", party=ISSUER))
        elif not holder_fault:
            checks.append(Check("issuer-binding", False, "cannot bind the issuer: the proof did not verify",
                                reason=result.reason, findings=_proof_findings(result), party=ISSUER))
        if result.ok:
            parsed.document = result.details.get("claims") or {}
        return checks


def _vcdm2_schema_rule(f: Finding) -> bool:
    """A schema finding that only says "this is not VCDM 2.0": validFrom, or the 2.0 context first."""
    return f.rule.endswith(".validFrom.required") or (f.rule.endswith(".context.invalid") and f.path.endswith("[0]"))


def _proof_check(result: ProofResult, party: str | None = None) -> Check:
    if result.ok:
        methods = ", ".join(result.verification_methods)
        return Check("proof", True, result.message or f"signature verified ({methods})", party=party,
                     warnings=list(result.details.get("warnings") or []))
    return Check("proof", False, result.message, reason=result.reason, findings=_proof_findings(result), party=party)


def _proof_findings(result: ProofResult) -> list[Finding]:
    return [f if isinstance(f, Finding) else Finding(**f) for f in result.details.get("findings") or []]


def _subject_binding(name: str, item: Any, holder: str | None) -> Check:
    try:
        doc = parse_artifact(item).document
    except ArtifactError as exc:
        return Check(name, False, f"cannot read the credential: {exc}", reason=HOLDER_BINDING, party=HOLDER)
    subjects = doc.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    ids = [jose.id_of(s) for s in subjects]
    if holder is None:
        return Check(name, False, "the presentation names no holder to bind the credential to", reason=HOLDER_BINDING, party=HOLDER)
    if ids and all(i == holder for i in ids):
        return Check(name, True, f"the credential's subject is the holder {holder}", party=HOLDER)
    return Check(name, False, f"credential subject {', '.join(map(str, ids))} is not the presenting holder {holder}",
                 reason=HOLDER_BINDING, party=HOLDER)


def _embedded_credentials(vp: dict) -> list[Any]:
    items = vp.get("verifiableCredential") or []
    items = items if isinstance(items, list) else [items]
    out: list[Any] = []
    for item in items:
        if isinstance(item, dict) and item.get("type") == "EnvelopedVerifiableCredential":
            out.append(_unenvelope(item))
        else:
            out.append(item)
    return out


def _unenvelope(item: dict) -> str:
    """VCDM 2.0 §4.13: `data:application/vc+jwt,<jwt>` carries the secured credential."""
    ident = item.get("id", "")
    return ident.split(",", 1)[1] if isinstance(ident, str) and ident.startswith("data:") and "," in ident else ident


def _apply_ignore(checks: list[Check], ignore: frozenset[str]) -> list[Check]:
    if not ignore:
        return checks
    out = []
    for c in checks:
        base = c.name.split(".")[-1]
        rules = {f.rule for f in c.findings}
        if not c.ok and (c.name in ignore or base in ignore or (c.reason and c.reason in ignore)
                         or (rules and rules <= ignore)):
            c = Check(c.name, True, f"(ignored) {c.message}", None, [], c.party)
        out.append(c)
    return out
