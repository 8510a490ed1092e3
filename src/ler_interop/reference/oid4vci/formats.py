"""The credentials the reference issuer hands out over OpenID4VCI, one per proven key.

The offer's `claims` mean what the backchannel contract says (protocols/oid4vci_claims.py):
for `ldp_vc` / `jwt_vc_json` the credentialSubject's claims, merged over the issuer's sample
Open Badges 3.0 AchievementCredential (credentials/samples.py; the subject id is the wallet's
DID); for `dc+sd-jwt` the SD-JWT VC's top-level claims, as given (the sample learner when the
offer gives none), with the key as `cnf.jwk`. The Open Badge vct (the suite's profile,
credentials/ob_sdjwt.py) discloses `credentialSubject.name` and `.achievement` selectively;
the other vct (LEARNER_VCT) each claim the offer gave.

Per offer (the suite's counterpart issuer, testing wallets) an Offer may carry `defects`
(DEFECTS) and `extra` top-level members merged into the W3C formats' credential (evidence,
name/description as VCDM 2.0 language value objects, https://www.w3.org/TR/vc-data-model-2.0/#language-and-base-direction).
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from ...credentials import samples
from ...credentials.keys import Key
from ...credentials.sdjwt import issue_sd_jwt
from ...protocols.dcql import claim_present
from ...protocols.oid4vci_claims import disclosable_paths
from ..mutations import ascii_fold
from . import token_status
from .metadata import JWT_VC_JSON, LDP_VC, SD_JWT_CONFIGURATIONS, SD_JWT_VC, configurations
from .proofs import ProvenKey
from .service import Service
from .state import Offer

# bad-signature: the credential's signature does not verify (as fault issuer.oid4vci-bad-credential-signature);
# other-key: the credential is bound to a fresh key, not the one the wallet proved (subject id /
# cnf.jwk of another key), so a wallet's holder-binding check must refuse it;
# unbound: no binding at all (no subject id, no cnf) although the wallet sent a key proof.
DEFECTS = ("bad-signature", "other-key", "unbound")
# Members the W3C credential's own data owns; `extra` must not replace them.
RESERVED_MEMBERS = {"@context", "type", "issuer", "credentialSubject", "credentialStatus", "proof", "id",
                    "validFrom", "validUntil"}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for name, value in extra.items():
        out[name] = _merge(out[name], value) if isinstance(value, dict) and isinstance(out.get(name), dict) else value
    return out


def subject_claims(svc: Service, claims: dict[str, Any]) -> dict[str, Any]:
    """An Open Badge's credentialSubject claims: the offer's over the issuer's own sample learner
    (name, achievement; the issuer's choice: the suite's offers are complete without them)."""
    template = samples.achievement_credential(svc.issuer.identity.did)["credentialSubject"]
    merged = _merge({"name": template["name"], "achievement": template["achievement"]}, copy.deepcopy(claims))
    merged.pop("id", None)  # the subject id is the holder's key, never the offer's say
    if svc.has("issuer.oid4vci-schema-invalid") and isinstance(merged.get("achievement"), dict):
        merged["achievement"].pop("criteria", None)
    return _folded(svc, merged)


def sd_jwt_claims(svc: Service, configuration_id: str, claims: dict[str, Any]) -> dict[str, Any]:
    """The SD-JWT VC's own claims: the offer's, top-level. The Open Badge vct completes its
    credentialSubject like the W3C formats; any other vct carries exactly what it was given
    (a sample name when that is nothing)."""
    if configuration_id != SD_JWT_VC:
        given = _folded(svc, copy.deepcopy(claims) or {"name": samples.UNICODE_NAMES["greek"]})
        return {"credentialSubject": given} if svc.has("issuer.oid4vci-sd-jwt-wrapped-claims") else given
    subject = claims.get("credentialSubject")
    rest = {k: copy.deepcopy(v) for k, v in claims.items() if k != "credentialSubject"}
    return {**_folded(svc, rest), "credentialSubject": subject_claims(svc, subject if isinstance(subject, dict) else {})}


def _folded(svc: Service, claims: dict[str, Any]) -> dict[str, Any]:
    return ascii_fold(claims) if svc.has("issuer.oid4vci-ascii-names") else claims


def _sd_jwt(svc: Service, configuration_id: str, claims: dict[str, Any], holder_jwk: dict[str, Any] | None) -> str:
    issuer = svc.issuer
    config = configurations(frozenset())[configuration_id]
    payload = sd_jwt_claims(svc, configuration_id, claims)
    disclosable = [] if svc.has("issuer.oid4vci-sd-jwt-clear-claims") else \
        sorted(p for p in disclosable_paths(config, payload) if claim_present(payload, {"path": list(p)}))
    jti, status = (None, None) if svc.has("issuer.oid4vci-no-status") else token_status.allocate(svc)
    if jti is not None:
        payload["jti"] = jti
    signer = issuer.sd_jwt_signer()  # did, JWT VC Issuer Metadata or x5c (reference/sdjwt_keys.py)
    return issue_sd_jwt(payload, signer.key, signer.kid, iss=signer.iss, vct=config["vct"], status=status,
                        disclosable=disclosable, holder_jwk=holder_jwk, extra_headers=signer.headers)


def _w3c_credential(svc: Service, claims: dict[str, Any], holder: ProvenKey, offer: Offer | None) -> dict[str, Any]:
    subject_id = f"did:example:{uuid.uuid4().hex}" if svc.has("issuer.oid4vci-unbound-credential") else holder.did
    if offer is not None and "other-key" in offer.defects:
        subject_id = Key.generate("Ed25519").did_key()
    credential = samples.achievement_credential(svc.issuer.identity.did, subject_id=subject_id)
    credential["credentialSubject"] = {**credential["credentialSubject"], **subject_claims(svc, claims)}
    if offer is not None and "unbound" in offer.defects:
        del credential["credentialSubject"]["id"]
    if offer is not None:
        credential.update({k: copy.deepcopy(v) for k, v in offer.extra.items() if k not in RESERVED_MEMBERS})
    return credential


def _corrupt_jws(token: str) -> str:
    """Change one signature character (keeping canonical base64url) of the first JWS."""
    jwt, sep, rest = token.partition("~")
    head, payload, sig = jwt.split(".")
    sig = ("B" if sig[0] != "B" else "C") + sig[1:]
    return f"{head}.{payload}.{sig}{sep}{rest}"


def issue(svc: Service, configuration_id: str, claims: dict[str, Any], holder: ProvenKey,
          offer: Offer | None = None) -> Any:
    """One credential of `configuration_id` for `holder` (runs in a thread: signing is slow)."""
    issuer = svc.issuer
    defects = offer.defects if offer is not None else frozenset()
    bad_signature = svc.has("issuer.oid4vci-bad-credential-signature") or "bad-signature" in defects
    if configuration_id == LDP_VC:
        credential = _w3c_credential(svc, claims, holder, offer)
        if svc.has("issuer.oid4vci-no-status"):
            prepared = issuer.prepare(credential)
            prepared.pop("credentialStatus", None)
            signed = issuer.sign(prepared, "eddsa-rdfc-2022")
        else:
            signed = issuer.issue({"credential": credential, "options": {}})
        if bad_signature:
            proof = signed["proof"]
            value = proof["proofValue"]
            signed = {**signed, "proof": {**proof, "proofValue": value[:-1] + ("2" if value[-1] != "2" else "3")}}
        return signed
    key: Key = issuer.identity.ed25519
    kid = issuer.identity.vm_for("eddsa-rdfc-2022")
    if configuration_id == JWT_VC_JSON:
        from ...credentials.jwtvc import sign_jwt_vc

        prepared = issuer.prepare(_w3c_credential(svc, claims, holder, offer))
        if svc.has("issuer.oid4vci-no-status"):
            prepared.pop("credentialStatus", None)
        token = sign_jwt_vc(prepared, key, kid)
    elif configuration_id in SD_JWT_CONFIGURATIONS:
        unbound = svc.has("issuer.oid4vci-unbound-credential") or "unbound" in defects
        bound_key = Key.generate("Ed25519") if "other-key" in defects else holder.key
        token = _sd_jwt(svc, configuration_id, claims, None if unbound else bound_key.public_jwk())
    else:
        raise ValueError(f"no credential format for {configuration_id!r}")
    return _corrupt_jws(token) if bad_signature else token
