"""Data Integrity (eddsa-rdfc-2022) credentials whose verificationMethod is an https URL (OB 3.0
§8.5: verifiers must support HTTP URL keys): a controlled identifier document (CID 1.0) holding a
Multikey or a JsonWebKey, and a method served as its own document. Documents are served with
--resource; a key on a host the run did not allow leaves the credential unjudged."""

from __future__ import annotations

from ler_interop.credentials import crafting
from ler_interop.credentials.keys import Key

from .common import HOST, Corpus, Signer
from .family_vcdm2 import badge

FAMILY = "https-vm"
ABOUT = "Data Integrity eddsa-rdfc-2022 with an https verificationMethod (Multikey, JsonWebKey, method document)"
BASE = f"{HOST}/https-vm"


def issuer(c: Corpus, name: str, vm_type: str, controller: str | None = None) -> Signer:
    key, url = Key.generate("Ed25519"), f"{BASE}/issuers/{name}"
    c.resource(url, f"issuer-{name}.json", crafting.controller_document(url, key, vm_type, controller))
    return Signer(key, url, f"{url}#key-1")


def build(c: Corpus) -> None:
    multikey = issuer(c, "multikey", "Multikey")
    c.add("di-eddsa-https-multikey.json", multikey.issue(badge(multikey)), expect="verified")
    jwk = issuer(c, "jsonwebkey", "JsonWebKey")
    c.add("di-eddsa-https-jsonwebkey.json", jwk.issue(badge(jwk)), expect="verified")

    # The method as its own document, authorized by its controller's document.
    key, org, vm_url = Key.generate("Ed25519"), f"{BASE}/issuers/org", f"{BASE}/keys/org-1"
    c.resource(vm_url, "key-org-1.json", {"@context": ["https://w3id.org/security/multikey/v1"], "id": vm_url,
                                          "type": "Multikey", "controller": org,
                                          "publicKeyMultibase": key.public_multikey()})
    c.resource(org, "issuer-org.json", {"@context": ["https://www.w3.org/ns/cid/v1"], "id": org,
                                        "assertionMethod": [vm_url]})
    own = Signer(key, org, vm_url)
    c.add("di-eddsa-https-method-document.json", own.issue(badge(own)), expect="verified")

    mismatch = issuer(c, "controller-mismatch", "Multikey", controller=f"{BASE}/issuers/someone-else")
    c.add("bad-di-eddsa-https-controller-mismatch.json", mismatch.issue(badge(mismatch)), expect="not-verified",
          check="proof", reason="key-not-authorized",
          breaks="the method names another controller than the document it is in (CID 1.0 §3.3 step 10)")

    elsewhere = "https://elsewhere.ler-interop.example/issuers/1"
    away = Signer(Key.generate("Ed25519"), elsewhere, f"{elsewhere}#key-1")
    c.add("di-eddsa-https-host-not-allowed.json", away.issue(badge(away)), expect="cannot-judge",
          because="elsewhere.ler-interop.example:443 is not among")
