"""ecdsa-sd-2023 (issue 13, item 8): an issuer's base proof over an achievement credential and
the derived credentials a holder presents. The derived good one discloses a subset; each bad
one is that derived credential with one rule broken; the base credential is the holder's copy,
which a verifier refuses (vc-di-ecdsa §3.6.5: "The base proof is to be given only to the holder")."""

from __future__ import annotations

import copy

from ler_interop.credentials import ecdsa_sd
from ler_interop.credentials.keys import Key

from .common import Corpus, Signer

FAMILY = "ecdsa-sd"
ABOUT = "ecdsa-sd-2023 selective disclosure: derived credentials (a disclosed subset), the base credential, tampered ones"

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
MANDATORY = ["/issuer", "/validFrom", "/validUntil"]
SELECTIVE = ["/credentialSubject/achievement/name", "/credentialSubject/result/1"]


def achievement(issuer: str) -> dict:
    return {
        "@context": [V2, EXAMPLES_V2],
        "type": ["VerifiableCredential", "ExampleAchievementCredential"],
        "issuer": issuer,
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "name": "Jane Doe",
            "birthDate": "1990-04-01",
            "achievement": {"type": "ExampleAchievement", "name": "Data Engineering Certificate", "level": "4"},
            "result": [{"course": "Databases", "grade": "B"}, {"course": "Pipelines", "grade": "A"}],
        },
    }


def build(c: Corpus) -> None:
    issuer = Signer.did_key(Key.generate("P-256"))
    base = issuer.sign(achievement(issuer.did), cryptosuite="ecdsa-sd-2023", mandatory_pointers=MANDATORY)
    derived = ecdsa_sd.derive(base, SELECTIVE)
    c.add("derived-subset.json", derived, expect="verified")
    c.add("derived-name-only.json", ecdsa_sd.derive(base, ["/credentialSubject/name"]), expect="verified")

    c.add("base-holder-copy.json", base, expect="not-verified", check="proof", reason="sd-base-proof",
          breaks="a base proof is for the holder, not a verifier: a verifier's parseDerivedProofValue requires "
                 "the disclosure header 0xd9 0x5d 0x01 (vc-di-ecdsa §3.5.8, §3.6.5)")

    tampered = copy.deepcopy(derived)
    tampered["credentialSubject"]["achievement"]["name"] = "Doctor of Data Engineering"
    c.add("bad-derived-tampered-claim.json", tampered, expect="not-verified", check="proof", reason="bad-signature",
          breaks="a disclosed claim changed after derivation: its statement signature fails (vc-di-ecdsa §3.6.7)")

    fewer = copy.deepcopy(derived)
    value = ecdsa_sd.parse_derived(fewer["proof"]["proofValue"])
    value.signatures = value.signatures[:-1]
    fewer["proof"]["proofValue"] = ecdsa_sd.serialize_derived(value)
    c.add("bad-derived-signature-removed.json", fewer, expect="not-verified", check="proof",
          reason="sd-signature-count",
          breaks="one statement signature removed: 'If the length of signatures does not match the length of "
                 "nonMandatory, an error MUST be raised' (vc-di-ecdsa §3.6.7)")

    changed = copy.deepcopy(derived)
    changed["validUntil"] = "2031-01-01T00:00:00Z"
    c.add("bad-derived-mandatory-changed.json", changed, expect="not-verified", check="proof", reason="bad-signature",
          breaks="a mandatory claim (validUntil) changed: the base signature over the mandatory hash fails "
                 "(vc-di-ecdsa §3.6.7)")
