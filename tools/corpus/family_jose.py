"""JOSE-secured credentials signed by the suite: VC-JOSE (`vc+jwt`, VCDM 2.0 §4.13 / VC-JOSE-COSE)
with ES256 and EdDSA, and SD-JWT VC (RFC 9901, SD-JWT VC) with and without key binding and with an
IETF Token Status List. Each bad entry is a good sibling with one rule broken."""

from __future__ import annotations

from datetime import datetime

from ler_interop.credentials import jose, sdjwt, tokenstatus
from ler_interop.credentials.crafting import tamper_stored
from ler_interop.credentials.keys import Key
from ler_interop.credentials.tokenstatus import TokenStatusList

from .common import CREATED, HOST, NOW, Corpus, Signer
from .family_vcdm2 import badge

FAMILY = "jose"
ABOUT = "VC-JOSE vc+jwt (ES256, EdDSA) and SD-JWT VC (did:key issuer, KB-JWT, Token Status List)"

def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


IAT = epoch(CREATED)
EXP = IAT + 4 * 365 * 86400
VCT = "https://corpus.ler-interop.example/vct/achievement"
STATUS_URL = f"{HOST}/jose/status/1"


def build(c: Corpus) -> None:
    for key_type, alg in (("P-256", "ES256"), ("Ed25519", "EdDSA")):
        signer = Signer.did_key(Key.generate(key_type))
        token = jose.sign_vc_jwt(badge(signer), signer.key, signer.vm)
        c.add(f"vc-jose-{alg.lower()}.jwt", token, expect="verified")
        head, payload, sig = token.split(".")
        other = jose.sign_vc_jwt(badge(signer) | {"name": "Another badge"}, signer.key, signer.vm).split(".")[1]
        c.add(f"bad-vc-jose-{alg.lower()}-payload-swapped.jwt", f"{head}.{other}.{sig}", expect="not-verified",
              check="proof", breaks="the payload is not the one signed (RFC 7515 §5.2 signature validation)")

    issuer = Signer.did_key(Key.generate("P-256"))
    holder = Key.generate("P-256")
    lst = TokenStatusList(bits=1, size=1024)
    lst.set(9, tokenstatus.INVALID)
    c.resource(STATUS_URL, "token-status-list.jwt",
               tokenstatus.sign_status_list_token(lst, STATUS_URL, issuer.key, issuer.vm, extra_claims={"iat": IAT}))

    def sd_jwt(index: int = 3, exp: int = EXP) -> str:
        claims = {"name": "Ada Lovelace", "achievement": {"name": "Data Stewardship Fundamentals"},
                  "status": tokenstatus.reference(STATUS_URL, index)}
        return sdjwt.issue_sd_jwt(claims, issuer.key, issuer.vm, vct=VCT, disclosable=["name", ["achievement", "name"]],
                                  holder_jwk=holder.public_jwk(), iat=IAT, exp=exp)

    good = sd_jwt()
    c.add("sd-jwt-vc-es256.sd-jwt", good, expect="verified")
    c.add("bad-sd-jwt-vc-tampered-iat.sd-jwt", tamper_stored("dc+sd-jwt", good), expect="not-verified", check="proof",
          breaks="the issuer-signed JWT changed after signing (RFC 9901 §7.1 step: verify the signature)")
    c.add("bad-sd-jwt-vc-revoked.sd-jwt", sd_jwt(index=9), expect="not-verified", check="status",
          reason="status.revocation", breaks="its Token Status List entry says INVALID (Token Status List §7)")
    c.add("bad-sd-jwt-vc-expired.sd-jwt", sd_jwt(exp=IAT + 86400), expect="not-verified", check="proof",
          breaks="exp is before the time of verification (RFC 7519 §4.1.4)")

    nonce, aud = "corpus-nonce-7", "https://verifier.example"
    presented = sdjwt.present(good, ["name"], holder_key=holder, nonce=nonce, aud=aud, iat=epoch(NOW) - 60)  # a KB-JWT is fresh
    args = ["--challenge", nonce, "--domain", aud]
    c.add("sd-jwt-vc-kb.sd-jwt", presented, expect="verified", args=args)
    c.add("bad-sd-jwt-vc-kb-other-audience.sd-jwt", presented, expect="not-verified", check="proof",
          args=["--challenge", nonce, "--domain", "https://another-verifier.example"],
          breaks="the KB-JWT was made for another verifier (RFC 9901 §7.3: aud MUST match)")
