"""Legacy credentials still held in LER wallets (issue 13, item 7): VCDM 1.1 documents
(`https://www.w3.org/2018/credentials/v1` first, issuanceDate/expirationDate) secured with the
W3C CCG Ed25519Signature2020 proof type or with eddsa-rdfc-2022, and a 1.1 presentation. Each
bad entry is a good sibling with one rule broken."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any

from ler_interop.credentials import ed25519_2020, jwtvc

from .common import CREATED, Corpus, Signer

FAMILY = "legacy"
ABOUT = "VCDM 1.1 credentials and presentations with Ed25519Signature2020 (and eddsa-rdfc-2022, jwt_vc_json), judged by the 1.1 rules"

V1 = "https://www.w3.org/2018/credentials/v1"
EXAMPLES_V1 = "https://www.w3.org/2018/credentials/examples/v1"
LEGACY_WARNING = "VCDM 1.1 (legacy)"
VCDM11 = "VCDM 1.1"
ED2020 = "Ed25519Signature2020 (W3C CCG), VC Data Integrity §4.5"


def degree(issuer: str, **extra: Any) -> dict:
    doc = {
        "@context": [V1, EXAMPLES_V1],
        "id": "urn:uuid:3f1d2c4b-6a5e-4d7c-8b9a-0e1f2a3b4c5d",
        "type": ["VerifiableCredential", "UniversityDegreeCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner-legacy",
                              "degree": {"type": "BachelorDegree", "name": "Bachelor of Science and Arts"}},
    }
    doc.update(extra)
    return doc


def sign_2020(signer: Signer, doc: dict, **kw: Any) -> dict:
    created = datetime.fromisoformat(CREATED.replace("Z", "+00:00")).astimezone(timezone.utc)
    return ed25519_2020.sign(doc, signer.key, verification_method=signer.vm, created=created, **kw)


def build(c: Corpus) -> None:
    ed = Signer.did_key()
    good = sign_2020(ed, degree(ed.did))
    c.add("vcdm11-ed25519signature2020.json", good, expect="verified", warning=LEGACY_WARNING)
    c.add("vcdm11-eddsa-rdfc-2022.json", ed.sign(degree(ed.did)), expect="verified", warning=LEGACY_WARNING)
    # jwt_vc_json: the VCDM 1.1 JWT encoding (the credential in the `vc` claim), read by the 1.1 rules too.
    c.add("vcdm11-jwt-vc-json.jwt", jwtvc.sign_jwt_vc(degree(ed.did), ed.key, kid=ed.vm), expect="verified",
          warning=LEGACY_WARNING)
    c.add("bad-vcdm11-jwt-vc-json-expired.jwt",
          jwtvc.sign_jwt_vc(degree(ed.did, expirationDate="2026-03-01T00:00:00Z"), ed.key, kid=ed.vm),
          expect="not-verified", check="validity", reason="validity.expired",
          breaks=f"the vc claim's expirationDate is before the time of verification, no exp claim ({VCDM11} §4.8, §6.3.1)")

    c.add("bad-vcdm11-expired.json", sign_2020(ed, degree(ed.did, expirationDate="2026-03-01T00:00:00Z")),
          expect="not-verified", check="validity", reason="validity.expired",
          breaks=f"expirationDate is before the time of verification ({VCDM11} §4.8 Expiration)")
    no_date = degree(ed.did)
    del no_date["issuanceDate"]
    c.add("bad-vcdm11-no-issuance-date.json", sign_2020(ed, no_date), expect="not-verified", check="data-model",
          reason="vcdm1.issuanceDate.missing",
          breaks=f"no issuanceDate: 'A credential MUST have an issuanceDate property' ({VCDM11} §4.6 Issuance Date)")
    c.add("bad-vcdm11-issued-in-future.json", sign_2020(ed, degree(ed.did, issuanceDate="2026-09-01T00:00:00Z")),
          expect="not-verified", check="validity", reason="validity.not-yet-valid",
          breaks=f"issuanceDate, when the credential becomes valid, is after the time of verification ({VCDM11} §4.6)")
    tampered = copy.deepcopy(good)
    tampered["credentialSubject"]["degree"]["name"] = "Doctor of Philosophy"
    c.add("bad-ed25519signature2020-tampered-claim.json", tampered, expect="not-verified", check="proof",
          reason="bad-signature", breaks=f"the degree name changed after signing ({ED2020})")
    unsupported = {k: v for k, v in good.items() if k != "proof"}
    unsupported["proof"] = {"type": "RsaSignature2018", "created": CREATED, "verificationMethod": ed.vm,
                            "proofPurpose": "assertionMethod", "jws": "eyJhbGciOiJQUzI1NiJ9..c2lnbmF0dXJl"}
    c.add("bad-unsupported-proof-type-only.json", unsupported, expect="not-verified", check="proof",
          reason="unsupported-proof-type",
          breaks="its only proof is of a type this verifier does not implement (VC Data Integrity §4.5: "
                 "no proof that can be verified)")

    holder = Signer.did_key()
    vp = {"@context": [V1], "type": ["VerifiablePresentation"], "holder": holder.did, "verifiableCredential": [good]}
    c.add("vcdm11-vp-ed25519signature2020.json", sign_2020(holder, vp, proof_purpose="authentication",
                                                           challenge="corpus-legacy-1"),
          expect="verified", warning=LEGACY_WARNING)
    c.add("vcdm11-vp-unsigned.json", vp, expect="verified", warning=LEGACY_WARNING, args=["--unsigned"])

    # Open Badges 3.0 as first published sat on VCDM 1.1 (OB context-3.0.1, issuanceDate).
    ob = ob3_on_vcdm11(ed.did)
    c.add("ob3-vcdm11-ed25519signature2020.json", sign_2020(ed, ob), expect="verified", warning=LEGACY_WARNING)
    no_criteria = copy.deepcopy(ob)
    del no_criteria["credentialSubject"]["achievement"]["criteria"]
    c.add("bad-ob3-vcdm11-no-criteria.json", sign_2020(ed, no_criteria), expect="not-verified", check="schema",
          breaks="the achievement has no criteria, which OB 3.0 requires on VCDM 1.1 as on 2.0 (OB 3.0 §B.1.1 Achievement)")


def ob3_on_vcdm11(issuer: str) -> dict:
    from ler_interop.credentials import samples

    doc = samples.achievement_credential(issuer, subject_id="did:example:learner-legacy")
    doc["@context"] = [V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"]
    doc["id"] = "urn:uuid:6c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
    doc.pop("validFrom")
    doc["issuanceDate"] = "2026-01-01T00:00:00Z"
    return doc
