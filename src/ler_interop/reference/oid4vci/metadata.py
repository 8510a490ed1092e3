"""Credential Issuer metadata (OpenID4VCI 1.0 §12.2) and OAuth AS metadata (§12.3, RFC 8414)
of the reference issuer, which is its own Authorization Server (no `authorization_servers`).

Three configurations of one Open Badges 3.0 achievement: Data Integrity (`ldp_vc`,
Appendix A.1.2), a VCDM 1.1-style JWT (`jwt_vc_json`, A.1.1) and an SD-JWT VC (`dc+sd-jwt`, A.3)
in the suite's Open Badge layout; and a fourth, an SD-JWT VC of a type that is no Open Badge
(LEARNER_VCT): whatever claims the offer gives, top-level, each selectively disclosable.
"""

from __future__ import annotations

from typing import Any

from ...credentials import ob_sdjwt
from ...credentials.samples import OB_V3, VC_V2

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
PROOF_SIGNING_ALGS = ["EdDSA", "ES256"]
BATCH_SIZE = 4
LDP_VC, JWT_VC_JSON, SD_JWT_VC = "OpenBadgeCredential_ldp_vc", "OpenBadgeCredential_jwt_vc_json", "OpenBadgeAchievement_dc_sd_jwt"
LEARNER_SD_JWT_VC = "LearnerRecord_dc_sd_jwt"
OB3_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
SD_JWT_VCT = ob_sdjwt.VCT
LEARNER_VCT = "urn:ler-interop:vct:learner-record"  # a URN: no Type Metadata URL for anyone to fetch
SD_JWT_CONFIGURATIONS = {SD_JWT_VC: SD_JWT_VCT, LEARNER_SD_JWT_VC: LEARNER_VCT}

_DISPLAY = [{"name": "Open Badge", "locale": "en", "background_color": "#12107c", "text_color": "#FFFFFF"}]


def _claims(prefix: list[str]) -> list[dict[str, Any]]:
    return [
        {"path": [*prefix, "name"], "display": [{"name": "Learner", "locale": "en"}]},
        {"path": [*prefix, "achievement", "name"], "display": [{"name": "Achievement", "locale": "en"}]},
        {"path": [*prefix, "achievement", "description"]},
        {"path": [*prefix, "achievement", "criteria", "narrative"]},
    ]


def _binding(methods: list[str], signing_algs: list[str]) -> dict[str, Any]:
    return {
        "cryptographic_binding_methods_supported": methods,
        "credential_signing_alg_values_supported": signing_algs,
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(PROOF_SIGNING_ALGS)}},
    }


def configurations(faults: frozenset[str]) -> dict[str, dict[str, Any]]:
    ldp: dict[str, Any] = {
        "format": "ldp_vc",
        "credential_definition": {"@context": [VC_V2, OB_V3], "type": list(OB3_TYPES)},
        **_binding(["did:key", "did:jwk"], ["eddsa-rdfc-2022"]),
        "credential_metadata": {"display": _DISPLAY, "claims": _claims(["credentialSubject"])},
    }
    if "issuer.oid4vci-config-without-format" in faults:
        del ldp["format"]
    return {
        LDP_VC: ldp,
        JWT_VC_JSON: {
            "format": "jwt_vc_json",
            "credential_definition": {"type": list(OB3_TYPES)},
            **_binding(["did:key", "did:jwk"], ["EdDSA"]),
            "credential_metadata": {"display": _DISPLAY, "claims": _claims(["credentialSubject"])},
        },
        SD_JWT_VC: {
            "format": "dc+sd-jwt",
            "vct": SD_JWT_VCT,
            **_binding(["jwk"], ["EdDSA"]),
            "credential_metadata": {"display": _DISPLAY, "claims": _claims(["credentialSubject"])},
        },
        LEARNER_SD_JWT_VC: {
            "format": "dc+sd-jwt",
            "vct": LEARNER_VCT,
            **_binding(["jwk"], ["EdDSA"]),
            "credential_metadata": {"display": [{"name": "Learner record", "locale": "en"}], "claims": _claims([])},
        },
    }


def issuer_metadata(url: str, faults: frozenset[str]) -> dict[str, Any]:
    notification = "/notification" if "issuer.oid4vci-relative-endpoint" in faults else f"{url}/notification"
    return {
        "credential_issuer": url + "/" if "issuer.oid4vci-metadata-wrong-issuer" in faults else url,
        "credential_endpoint": f"{url}/credential",
        "nonce_endpoint": f"{url}/nonce",
        "notification_endpoint": notification,
        "batch_credential_issuance": {"batch_size": BATCH_SIZE},
        "display": [{"name": "ler-interop reference issuer", "locale": "en"}],
        "credential_configurations_supported": configurations(faults),
    }


def authorization_server_metadata(url: str, faults: frozenset[str]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "issuer": url,
        "token_endpoint": f"{url}/token",
        # REQUIRED by RFC 8414 §2. Only the pre-authorized code grant is served: no
        # authorization endpoint, hence no response_type to list.
        "response_types_supported": [],
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        # §12.3: Token Requests with a pre-authorized code need no client_id here.
        "pre-authorized_grant_anonymous_access_supported": True,
    }
    if "issuer.oid4vci-as-metadata-no-token-endpoint" in faults:
        del doc["token_endpoint"]
    if "issuer.as-metadata-no-response-types" in faults:
        del doc["response_types_supported"]
    return doc
