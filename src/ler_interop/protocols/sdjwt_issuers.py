"""Which SD-JWT VC issuer the suite signs as when it hands a verifier under test an SD-JWT VC.

"A recipient MUST determine and validate the public verification key for the Issuer-signed JWT
using a supported Issuer Signature Mechanism that is permitted for the given Issuer according
to policy" (SD-JWT VC draft, Issuer Signature Mechanisms): a verifier may rightly support only
some mechanisms, so the suite signs with one the verifier DECLARES (`sd-jwt-key:*` in its
`supports`), never one it did not. The order of preference (credentials/issuer_keys.MECHANISMS):

1. `did` — a did:key issuer: self-contained, the verifier needs no network path to the suite
   and no trust configuration, so it works for a verifier on any machine;
2. `jwt-vc-issuer` — an issuer URL on the counterparts' host whose JWT VC Issuer Metadata
   (`/.well-known/jwt-vc-issuer/...`) the verifier must be able to fetch;
3. `x5c` — an issuer URL certified by the suite's CA, which the vendor must install as a
   trust anchor (suite_keys.py, `--key-dir`).

A verifier that declares none is `unsupported` for every dc+sd-jwt check: a manifest that
declares `dc+sd-jwt` without a mechanism is not given `did` by default, since the draft leaves
DIDs to profiles (docs/MANIFEST.md, "SD-JWT VC issuer keys").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..credentials.crafting import Signer
from ..credentials.issuer_keys import CAPABILITY, DID, JWT_VC_ISSUER, MECHANISMS, SdJwtSigner, declared_mechanisms
from ..credentials.jwt_vc_issuer import METADATA_KID, metadata_document, metadata_path
from ..credentials.keys import Key
from ..outcomes import unsupported

WALLET_ISSUER_PATH = "/sd-jwt-issuers/wallet"


def chosen_mechanism(supports: Iterable[str]) -> str | None:
    """The first mechanism of the suite's order of preference that the verifier declares."""
    declared = declared_mechanisms(list(supports))
    return declared[0] if declared else None


def require_mechanism(vendor_id: str, supports: Iterable[str]) -> str:
    mechanism = chosen_mechanism(supports)
    if mechanism is None:
        unsupported(f"vendor {vendor_id!r} declares no SD-JWT VC issuer key mechanism the suite can sign with: "
                    f"declare one of {', '.join(CAPABILITY[m] for m in MECHANISMS)}")
    return mechanism


def did_signer(signer: Signer) -> SdJwtSigner:
    """A DID issuer (crafting.Signer): `iss` its DID, `kid` its verification method."""
    return SdJwtSigner(signer.key, signer.vm, signer.did)


def published_issuer(host: Any, issuer_url: str, key: Key, kid: str = METADATA_KID) -> SdJwtSigner:
    """An issuer at `issuer_url` (on the counterparts' `host`) whose JWT VC Issuer Metadata the
    host serves at the draft's well-known location."""
    host.publish(metadata_path(issuer_url), metadata_document(issuer_url, [{**key.public_jwk(), "kid": kid}]))
    return SdJwtSigner(key, kid, issuer_url)


def certified_issuer(ca: Any, issuer_url: str, key: Key) -> SdJwtSigner:
    """An issuer at `issuer_url` whose end-entity certificate (from the suite's CA) is in `x5c`."""
    return SdJwtSigner(key, "", issuer_url, {"x5c": ca.x5c(issuer_url, key)})


def wallet_issuer(mechanism: str, keys: Any, host: Any, did_issuer: Signer) -> SdJwtSigner:
    """The suite's wallet issuer signing by `mechanism` (keys: suite_keys.SuiteKeys)."""
    if mechanism == DID:
        return did_signer(did_issuer)
    url = host.url + WALLET_ISSUER_PATH
    if mechanism == JWT_VC_ISSUER:
        return published_issuer(host, url, keys.key("wallet-issuer"))
    return certified_issuer(keys.ca, url, keys.key("wallet-issuer-p256", "P-256"))
