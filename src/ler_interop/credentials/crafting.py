"""Deliberately broken artifacts for negative checks: each function takes a good signed
credential (or the pieces to make one) and breaks exactly one thing, so a verifier that
accepts the result has skipped exactly that safeguard.

The suite signs as its own issuers (`Signer`): a did:key issuer and did:web issuers hosted on
the suite's counterpart server, which is also where revoked/suspended status lists live.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from . import dataintegrity
from .jws import b64url_decode_strict, encode_json
from .keys import Key, b64url_encode
from .samples import xsd_datetime

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"  # base58btc


@dataclass
class Signer:
    """An identity the suite signs as: a key, its DID and verification method id."""

    key: Key
    did: str
    vm: str

    @classmethod
    def did_key(cls, key: Key | None = None) -> "Signer":
        key = key or Key.generate("Ed25519")
        mk = key.public_multikey()
        return cls(key, f"did:key:{mk}", f"did:key:{mk}#{mk}")

    @property
    def cryptosuite(self) -> str:
        return "eddsa-rdfc-2022" if self.key.type == "Ed25519" else "ecdsa-rdfc-2019"

    def sign(self, doc: dict, *, cryptosuite: str | None = None, **kw: Any) -> dict:
        return dataintegrity.sign(doc, self.key, cryptosuite=cryptosuite or self.cryptosuite,
                                  verification_method=self.vm, **kw)

    def issue(self, credential: dict, **kw: Any) -> dict:
        """Set this signer as issuer (keeping an issuer profile object's other fields) and sign."""
        doc = copy.deepcopy(credential)
        if isinstance(doc.get("issuer"), dict):
            doc["issuer"]["id"] = self.did
        else:
            doc["issuer"] = self.did
        return self.sign(doc, **kw)


def controller_document(url: str, key: Key, vm_type: str = "Multikey", controller: str | None = None) -> dict:
    """A controlled identifier document (CID 1.0 §2) at `url` listing one key, `Multikey` or
    `JsonWebKey`, under assertionMethod; `controller` other than `url` makes it a mismatch."""
    vm = {"id": f"{url}#key-1", "type": vm_type, "controller": controller or url}
    if vm_type == "Multikey":
        vm["publicKeyMultibase"] = key.public_multikey()
    else:
        vm["publicKeyJwk"] = key.public_jwk()
    return {"@context": ["https://www.w3.org/ns/cid/v1"], "id": url, "verificationMethod": [vm],
            "assertionMethod": [vm["id"]]}


def _proofs(doc: dict) -> list[dict]:
    proof = doc.get("proof")
    return proof if isinstance(proof, list) else [proof]


def tamper_claim(signed: dict) -> dict:
    """Change the learner's name after signing (VC Data Integrity §4.5: hash covers the data)."""
    out = copy.deepcopy(signed)
    subject = out["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    subject["name"] = str(subject.get("name", "")) + " (edited)"
    return out


def tamper_unicode_normalisation(signed: dict) -> dict:
    """Re-encode the learner's name in NFD: same glyphs, other bytes. A verifier that
    normalises Unicode before hashing would wrongly accept it."""
    import unicodedata

    out = copy.deepcopy(signed)
    subject = out["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    nfd = unicodedata.normalize("NFD", subject["name"])
    if nfd == subject["name"]:
        raise ValueError("name has no decomposable characters; use a name with diacritics")
    subject["name"] = nfd
    return out


def tamper_proof_value(signed: dict) -> dict:
    """Flip one base58 character in the middle of proofValue (still well-formed multibase)."""
    out = copy.deepcopy(signed)
    proof = _proofs(out)[0]
    value = proof["proofValue"]
    i = len(value) // 2
    repl = B58_ALPHABET[(B58_ALPHABET.index(value[i]) + 1) % len(B58_ALPHABET)]
    proof["proofValue"] = value[:i] + repl + value[i + 1:]
    return out


def flip_direction(signed: Any) -> Any:
    """Swap every `@direction` (rtl <-> ltr) after signing: the same letters, shown the other
    way round. Data Integrity signs the direction (rdfDirection i18n-datatype), so a verifier
    that accepts the result did not bind it."""
    if isinstance(signed, list):
        return [flip_direction(v) for v in signed]
    if not isinstance(signed, dict):
        return signed
    out = {k: flip_direction(v) for k, v in signed.items()}
    if out.get("@direction") in ("ltr", "rtl"):
        out["@direction"] = "ltr" if out["@direction"] == "rtl" else "rtl"
    return out


def with_cryptosuite(signed: dict, name: str = "eddsa-rdfc-2099") -> dict:
    """Same signature, a cryptosuite name no verifier knows."""
    out = copy.deepcopy(signed)
    _proofs(out)[0]["cryptosuite"] = name
    return out


def signed_by_other_key(credential: dict, issuer: Signer) -> dict:
    """The proof names the issuer's verification method but was made with another key."""
    impostor = Signer(Key.generate(issuer.key.type), issuer.did, issuer.vm)
    return impostor.issue(credential)


def signed_by_non_controller(credential: dict, issuer_did: str) -> dict:
    """A valid proof by a did:key that the named issuer does not control (issuer binding)."""
    stranger = Signer.did_key()
    doc = copy.deepcopy(credential)
    if isinstance(doc.get("issuer"), dict):
        doc["issuer"]["id"] = issuer_did
    else:
        doc["issuer"] = issuer_did
    return stranger.sign(doc)


def validity_window(credential: dict, *, valid_from: datetime | None = None,
                    valid_until: datetime | None = None) -> dict:
    out = copy.deepcopy(credential)
    if valid_from is not None:
        out["validFrom"] = xsd_datetime(valid_from)
    if valid_until is not None:
        out["validUntil"] = xsd_datetime(valid_until)
    return out


def expired(credential: dict) -> dict:
    now = datetime.now(timezone.utc)
    return validity_window(credential, valid_from=now - timedelta(days=30), valid_until=now - timedelta(days=1))


def not_yet_valid(credential: dict) -> dict:
    now = datetime.now(timezone.utc)
    return validity_window(credential, valid_from=now + timedelta(days=30))


def with_dropped_term(credential: dict) -> dict:
    """Add a property no context defines. The VCDM 2.0 context has no @vocab, so JSON-LD drops
    it: the proof never covers it and anyone could change it (VC Data Integrity §4.4 safe mode)."""
    out = copy.deepcopy(credential)
    out["unsignedBonus"] = "top grade"
    return out


def with_relative_type(credential: dict) -> dict:
    """Add a type no context defines: without @vocab it expands to a relative IRI (DI §4.4)."""
    out = copy.deepcopy(credential)
    out["type"] = list(out["type"]) + ["LocalOnlyType"]
    return out


def presentation(holder: Signer, credentials: list[dict], *, challenge: str, domain: str) -> dict:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder.did,
        "verifiableCredential": credentials,
    }
    return holder.sign(vp, proof_purpose="authentication", challenge=challenge, domain=domain)


def tamper_stored(fmt: str, credential: Any) -> Any:
    """The credential changed after signing, its signature kept: the learner's name (W3C
    formats), or the issuer-signed JWT's `iat` a day later (SD-JWT VC, whose claims are digests)."""
    if fmt == "ldp_vc":
        return tamper_claim(credential)
    jwt, sep, rest = credential.partition("~")
    head, payload, signature = jwt.split(".")
    claims = json.loads(b64url_decode_strict(payload))
    if fmt == "jwt_vc_json":
        claims["vc"]["credentialSubject"]["name"] += " (edited)"
    else:
        claims["iat"] = int(claims.get("iat") or 0) + 86400
    return f"{head}.{b64url_encode(encode_json(claims))}.{signature}{sep}{rest}"
