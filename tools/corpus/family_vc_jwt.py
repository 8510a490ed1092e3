"""Open Badges 3.0 VC-JWTs (OB 3.0 §8.2 "JSON Web Token Proof Format") signed by the suite: RS256
(the required minimum), ES256 and EdDSA; `kid` as a DID URL and as an https URL (a controller
document served with --resource), a `jwk` header, typ "JWT"; the payload is the credential with
iss/jti/sub/nbf/exp, and one entry in the VCDM 1.1 `vc` claim form. Each bad entry is a good
sibling with one rule broken."""

from __future__ import annotations

import base64
import json

from cryptography.hazmat.primitives.asymmetric import rsa

from ler_interop.credentials.did import did_jwk
from ler_interop.credentials.jws import sign_compact
from ler_interop.credentials import crafting
from ler_interop.credentials.keys import Key
from ler_interop.credentials.obv3_jwt import sign_ob_jwt

from .common import HOST, Corpus, Signer
from .family_vcdm2 import badge

FAMILY = "vc-jwt"
ABOUT = "Open Badges 3.0 VC-JWT (§8.2): RS256/ES256/EdDSA, kid as DID URL or https URL, jwk header, typ JWT"
BASE = f"{HOST}/vc-jwt"


def did_jwk_signer(key: Key) -> Signer:
    did = did_jwk(key)
    return Signer(key, did, f"{did}#0")


def https_signer(c: Corpus, name: str, key: Key, controller: str | None = None) -> Signer:
    url = f"{BASE}/issuers/{name}"
    c.resource(url, f"issuer-{name}.json", crafting.controller_document(url, key, "JsonWebKey", controller))
    return Signer(key, url, f"{url}#key-1")


def b64(obj: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def build(c: Corpus) -> None:
    for key_type, alg in (("RSA", "rs256"), ("P-256", "es256"), ("Ed25519", "eddsa")):
        s = did_jwk_signer(Key.generate(key_type))
        c.add(f"ob3-jwt-{alg}-kid-did.jwt", sign_ob_jwt(badge(s), s.key, {"kid": s.vm}), expect="verified")

    rsa_https = https_signer(c, "rsa", Key.generate("RSA"))
    good = sign_ob_jwt(badge(rsa_https), rsa_https.key, {"kid": rsa_https.vm})
    c.add("ob3-jwt-rs256-kid-https.jwt", good, expect="verified")
    forger = Key.generate("RSA")
    c.add("bad-ob3-jwt-rs256-wrong-signature.jwt", sign_ob_jwt(badge(rsa_https), forger, {"kid": rsa_https.vm}),
          expect="not-verified", check="proof", reason="bad-signature",
          breaks="signed by a key other than the one kid names (OB 3.0 §8.2.6 step 4, RFC 7515 §5.2)")
    head, body, _ = good.split(".")
    none = b64({"alg": "none", "typ": "JWT", "kid": rsa_https.vm})
    c.add("bad-ob3-jwt-alg-none.jwt", f"{none}.{body}.", expect="not-verified", check="proof",
          reason="unknown-cryptosuite", breaks="alg none: an unsecured JWT is no proof (RFC 8725 §3.1)")
    c.add("bad-ob3-jwt-rs256-jti-mismatch.jwt", _jti_mismatch(rsa_https), expect="not-verified", check="proof",
          reason="malformed-proof",
          breaks="jti is not the credential's id (OB 3.0 §8.2.6.1: 'the value MUST match the id')")

    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    weak = Key("RSA", small.public_key(), small)  # Key.generate refuses this size; the corpus needs one
    weak_signer = https_signer(c, "rsa-1024", weak)
    c.add("bad-ob3-jwt-rs256-1024-bit-key.jwt", sign_ob_jwt(badge(weak_signer), weak, {"kid": weak_signer.vm}),
          expect="not-verified", check="proof", reason="key-not-found",
          breaks="an RSA key under 2048 bits (RFC 7518 §3.3, which OB 3.0 §8.2.3 names for RS256)")

    other = f"{BASE}/issuers/someone-else"
    mismatch = https_signer(c, "controller-mismatch", Key.generate("RSA"), controller=other)
    c.add("bad-ob3-jwt-kid-https-controller-mismatch.jwt",
          sign_ob_jwt(badge(mismatch), mismatch.key, {"kid": mismatch.vm}), expect="not-verified", check="proof",
          reason="key-not-authorized",
          breaks="the method names another controller than the document it is in (CID 1.0 §3.3 step 10)")

    ed = did_jwk_signer(Key.generate("Ed25519"))
    c.add("ob3-jwt-eddsa-jwk-header.jwt", sign_ob_jwt(badge(ed), ed.key, {"jwk": ed.key.public_jwk()}),
          expect="verified")
    stranger = Key.generate("Ed25519")
    c.add("bad-ob3-jwt-jwk-header-not-the-issuers.jwt", sign_ob_jwt(badge(ed), stranger, {"jwk": stranger.public_jwk()}),
          expect="not-verified", check="issuer-binding",
          breaks="the jwk header key is not a key of the issuer (VCDM 2.0 §7.1: the issuer must be the signer)")

    rs = did_jwk_signer(Key.generate("RSA"))
    c.add("ob3-jwt-rs256-vc-claim.jwt", sign_ob_jwt(badge(rs), rs.key, {"kid": rs.vm}, vc_claim=True),
          expect="verified")


def _jti_mismatch(s: Signer) -> str:
    """The good https RS256 badge with a jti that is not the credential's id, signed as such."""
    token = sign_ob_jwt(badge(s), s.key, {"kid": s.vm})
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    payload["jti"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    return sign_compact({"alg": "RS256", "typ": "JWT", "kid": s.vm}, payload, s.key)
