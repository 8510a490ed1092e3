"""VCDM 2.0 Data Integrity credentials signed by the suite: Open Badges 3.0, CLR 2.0 and plain
VCs under eddsa-rdfc-2022, ecdsa-rdfc-2019 and eddsa-jcs-2022; proof sets; `@vocab: null`;
`@direction`; a presentation. Each bad entry is a good sibling with one rule broken."""

from __future__ import annotations

import copy
import json
from typing import Any

from ler_interop.credentials import crafting, samples
from ler_interop.credentials.keys import Key

from .common import ROOT, Corpus, Signer

FAMILY = "vcdm2"
ABOUT = "VCDM 2.0 + Data Integrity (eddsa-rdfc-2022, ecdsa-rdfc-2019 P-256/P-384, eddsa-jcs-2022): OB 3.0, CLR 2.0, proof sets, @vocab null, @direction, a VP"

VALID_FROM, VALID_UNTIL = "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z"
DI = "VC Data Integrity §4.5 (Verify Proof)"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"


def badge(signer: Signer, **kw: Any) -> dict:
    vc = samples.achievement_credential(signer.did, valid_from=VALID_FROM, valid_until=VALID_UNTIL, **kw)
    vc["id"] = "urn:uuid:0a8f6c3e-5b1d-4c2e-9f3a-7d6e5c4b3a21"
    vc["credentialSubject"]["id"] = "did:example:learner-corpus"
    return vc


def build(c: Corpus) -> None:
    ed = Signer.did_key()
    p256 = Signer.did_key(Key.generate("P-256"))

    good = ed.issue(badge(ed))
    c.add("ob3-eddsa-rdfc-2022.json", good, expect="verified")
    c.add("ob3-ecdsa-rdfc-2019.json", p256.issue(badge(p256)), expect="verified")
    p384 = Signer.did_key(Key.generate("P-384"))  # vc-di-ecdsa: P-256 and P-384; SHA-384 hashData for P-384
    c.add("ob3-ecdsa-rdfc-2019-p384.json", p384.issue(badge(p384)), expect="verified")
    c.add("ob3-eddsa-jcs-2022.json", ed.issue(badge(ed), cryptosuite="eddsa-jcs-2022"), expect="verified")

    clr = json.loads((ROOT / "fixtures/credentials/good/clr2-bundle.json").read_text(encoding="utf-8"))
    clr.pop("proof", None)
    for inner in clr["credentialSubject"].get("verifiableCredential", []):
        inner.pop("proof", None)
    # The nested badge's credentialSchema (type 1EdTechJsonSchemaValidator2019) is defined by
    # the OB 3.0 extensions context its @context lists, as the OB 3.0 examples do.
    c.add("clr2-eddsa-rdfc-2022.json", ed.issue(clr), expect="verified")
    schema_no_ext = copy.deepcopy(clr)
    schema_no_ext["credentialSubject"]["verifiableCredential"][0]["@context"].remove(OB_EXTENSIONS)
    c.add("bad-clr2-schema-type-undefined.json", ed.issue(schema_no_ext, allow_unsafe=True), expect="not-verified",
          check="jsonld", breaks="credentialSchema type 1EdTechJsonSchemaValidator2019 without the OB 3.0 extensions "
          "context that defines it: a relative @type IRI (DI §4.4 safe mode)")

    plain = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:5e0c1b7a-2f4d-4a8b-8c3e-1d9f7a6b5c40",
        "type": ["VerifiableCredential", "EmploymentCredential"],
        "validFrom": VALID_FROM,
        "credentialSubject": {"id": "did:example:worker", "jobTitle": "Data steward", "employer": "Example Co"},
    }
    c.add("vcdm2-plain-eddsa-rdfc-2022.json", ed.issue(plain), expect="verified")

    # One rule broken per sibling.
    c.add("bad-ob3-tampered-claim.json", crafting.tamper_claim(good), expect="not-verified", check="proof",
          breaks=f"the learner's name changed after signing; the proof no longer covers the data ({DI})")
    c.add("bad-ob3-proof-value-flipped.json", crafting.tamper_proof_value(good), expect="not-verified", check="proof",
          breaks=f"one character of proofValue changed ({DI})")
    c.add("bad-ob3-expired.json", ed.issue(badge(ed) | {"validUntil": "2026-03-01T00:00:00Z"}), expect="not-verified",
          check="validity", breaks="validUntil is before the time of verification (VCDM 2.0 §4.9)")
    c.add("bad-ob3-not-yet-valid.json", ed.issue(badge(ed) | {"validFrom": "2026-09-01T00:00:00Z"}),
          expect="not-verified", check="validity", breaks="validFrom is after the time of verification (VCDM 2.0 §4.9)")
    c.add("bad-ob3-signed-by-non-controller.json", Signer.did_key().sign(badge(ed)),
          expect="not-verified", check="issuer-binding",
          breaks="signed by a key the issuer does not control (VCDM 2.0 §4.7 issuer, DI §4.5 controller)")
    c.add("bad-ob3-unknown-cryptosuite.json", crafting.with_cryptosuite(good), expect="not-verified", check="proof",
          breaks="a cryptosuite no specification defines (DI §4.5: unsupported cryptosuite is an error)")
    c.add("bad-ob3-dropped-term.json", ed.issue(crafting.with_dropped_term(badge(ed)), allow_unsafe=True),
          expect="not-verified", check="jsonld",
          breaks="a property no context defines is dropped from the signed data (DI §4.4 safe mode)")
    c.add("bad-ob3-no-issuer-id.json", _without_issuer_id(good), expect="not-verified", check="issuer-binding",
          breaks="the issuer has no id to bind the proof to (VCDM 2.0 §4.7: issuer MUST be a URL or have an id)")

    # @vocab null: undefined terms no longer fall back to the issuer-dependent vocabulary.
    vocab_null = badge(ed)
    vocab_null["@context"] = vocab_null["@context"] + [{"@vocab": None}]
    c.add("ob3-vocab-null.json", ed.issue(vocab_null), expect="verified")
    dropped = crafting.with_dropped_term(vocab_null)
    c.add("bad-ob3-vocab-null-undefined-term.json", ed.issue(dropped, allow_unsafe=True), expect="not-verified",
          check="jsonld", breaks="with @vocab null an undefined term is dropped from the signed data (DI §4.4 safe mode)")

    # @direction: right-to-left text is signed with its direction (rdfDirection i18n-datatype).
    rtl = badge(ed)
    rtl["credentialSubject"]["name"] = {"@value": "ليلى الأحمد", "@language": "ar", "@direction": "rtl"}
    rtl_signed = ed.issue(rtl)
    c.add("ob3-direction-rtl.json", rtl_signed, expect="verified")
    c.add("bad-ob3-direction-flipped.json", crafting.flip_direction(rtl_signed), expect="not-verified", check="proof",
          breaks=f"@direction changed after signing: the same text shown the other way round ({DI})")

    # Proof sets (DI §2.1.2): every proof the verifier implements must verify; others are reported.
    c.add("ob3-proof-set-foreign-proof.json", _with_foreign_proof(good), expect="verified",
          warning="not checked")
    c.add("bad-ob3-proof-set-one-fails.json", _second_proof_broken(ed, good), expect="not-verified", check="proof",
          breaks=f"one proof of a proof set fails; any failing proof rejects the set ({DI})")

    # Proof chains (DI §4.3, §4.5): the second proof signs the document with the first one
    # (both the issuer's: every proof of a credential is bound to its issuer here).
    chained = ed.sign(ed.issue(badge(ed), proof_id="urn:uuid:corpus-proof-1"), proof_id="urn:uuid:corpus-proof-2",
                      previous_proof="urn:uuid:corpus-proof-1", cryptosuite="eddsa-jcs-2022")
    c.add("ob3-proof-chain.json", chained, expect="verified")
    other_first = ed.sign({k: v for k, v in chained.items() if k != "proof"}, created="2026-02-01T00:00:00Z",
                          proof_id="urn:uuid:corpus-proof-1")["proof"]
    c.add("bad-ob3-proof-chain-first-swapped.json", {**chained, "proof": [other_first, chained["proof"][1]]},
          expect="not-verified", check="proof", reason="bad-signature",
          breaks="the first proof of a chain was replaced by another valid one; the second proof signed the original "
                 "(DI §4.5 Verify Proof Sets and Chains)")

    # A presentation bound to a verifier's challenge and domain.
    holder = Signer.did_key()
    vp = holder.sign({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                      "holder": holder.did, "verifiableCredential": [good]},
                     proof_purpose="authentication", challenge="corpus-challenge-1", domain="https://verifier.example")
    args = ["--challenge", "corpus-challenge-1", "--domain", "https://verifier.example"]
    c.add("vp-eddsa-rdfc-2022.json", vp, expect="verified", args=args)
    c.add("bad-vp-wrong-challenge.json", vp, expect="not-verified", check="proof",
          args=["--challenge", "another-challenge", "--domain", "https://verifier.example"],
          breaks="the presentation proof's challenge is not the verifier's (DI §4.5 step: challenge MUST match)")


def _without_issuer_id(signed: dict) -> dict:
    out = copy.deepcopy(signed)
    out["issuer"].pop("id")
    return out


def _with_foreign_proof(signed: dict) -> dict:
    """A second proof of a type this suite does not implement, beside a good one."""
    out = copy.deepcopy(signed)
    foreign = {"type": "ExampleSignature2099", "created": "2026-01-01T00:00:00Z",
               "verificationMethod": out["proof"]["verificationMethod"], "proofPurpose": "assertionMethod",
               "proofValue": "zExampleOnly"}
    out["proof"] = [out["proof"], foreign]
    return out


def _second_proof_broken(signer: Signer, signed: dict) -> dict:
    both = signer.sign(signed)
    return crafting.tamper_proof_value({**both, "proof": list(reversed(both["proof"]))})
