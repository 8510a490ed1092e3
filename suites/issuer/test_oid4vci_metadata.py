"""OpenID4VCI 1.0 issuers: metadata a wallet can rely on, and credential offers by value and by
reference (https://openid.net/specs/openid-4-verifiable-credential-issuance-1_0.html §4, §12).
The suite acts as the wallet; offers are asked for through the vendor's backchannel (DESIGN §5).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from ler_interop.net import HostNotAllowed, is_loopback
from ler_interop.protocols.oid4vci import (PRE_AUTHORIZED_GRANT, SPEC, MalformedOffer, decode_offer, describe,
                                           split_offer_uri)
from ler_interop.protocols.vcapi import json_body

ENDPOINTS = ("credential_endpoint", "nonce_endpoint", "deferred_credential_endpoint", "notification_endpoint")
# Format-specific members a configuration MUST carry (Appendix A.1.1.2, A.1.2.2, A.2.2, A.3.2).
FORMAT_MEMBERS = {
    "jwt_vc_json": [("credential_definition", "type")],
    "ldp_vc": [("credential_definition", "@context"), ("credential_definition", "type")],
    "jwt_vc_json-ld": [("credential_definition", "@context"), ("credential_definition", "type")],
    "dc+sd-jwt": [("vct",)],
    "mso_mdoc": [("doctype",)],
}


def _usable_url(client, url, what: str) -> None:
    """An absolute https URL (plain http only on loopback), on the vendor's declared hosts."""
    assert isinstance(url, str), f"{what} is not a string: {url!r}"
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.hostname, f"{what} {url!r} is not an absolute URL"
    assert parts.scheme == "https" or is_loopback(parts.hostname), f"{what} {url!r} must use https"
    try:
        client.http.policy.check_url(url)
    except HostNotAllowed:
        raise AssertionError(f"{what} {url!r} is not on the vendor's declared hosts") from None


def _assert_offer(offer, client, configuration_id: str) -> None:
    assert offer.credential_issuer == client.credential_issuer, \
        f"offer names credential_issuer {offer.credential_issuer!r}, the issuer is {client.credential_issuer!r}"
    ids = offer.configuration_ids
    assert all(isinstance(i, str) for i in ids) and len(set(ids)) == len(ids), "credential_configuration_ids are not unique strings"
    assert configuration_id in ids, f"asked to offer {configuration_id!r}, the offer names {ids}"
    unknown = [i for i in ids if i not in client.configurations()]
    assert not unknown, f"offered configurations missing from the metadata: {unknown}"
    assert offer.pre_authorized_code, f"the offer has no {PRE_AUTHORIZED_GRANT} grant with a pre-authorized_code"
    assert not offer.requires_tx_code, "asked for an offer without tx_code, the offer requires one"


@pytest.mark.check(id="ISS-OID4VCI-001", title="Serves its Credential Issuer metadata at the well-known URL, naming itself exactly",
                   principles=["P1", "P6"], level="MUST", spec=SPEC + "#section-12.2.4", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_metadata_names_the_issuer(oid4vci):
    response = oid4vci.metadata_response()
    assert response.status_code == 200, f"metadata: {describe(response)}; §12.2.2 requires 200"
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    # The suite asked for application/json; signed metadata (application/jwt) is only for an Accept asking it (§12.2.2).
    assert media_type == "application/json", f"metadata served as {media_type!r}, not application/json"
    body = json_body(response)
    assert isinstance(body, dict), "metadata is not a JSON object"
    # §12.2.4: identical to the identifier the well-known URL was built from, no normalization.
    assert body.get("credential_issuer") == oid4vci.credential_issuer, \
        f"credential_issuer is {body.get('credential_issuer')!r}, fetched for {oid4vci.credential_issuer!r}"


@pytest.mark.check(id="ISS-OID4VCI-002", title="Metadata endpoints are absolute https (or loopback) URLs on the issuer's hosts",
                   principles=["P1", "P2"], level="MUST", spec=SPEC + "#section-12.2.4", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_metadata_endpoints_usable(oid4vci):
    metadata = oid4vci.metadata()
    assert "credential_endpoint" in metadata, "metadata has no credential_endpoint (REQUIRED)"
    for name in ENDPOINTS:
        if name in metadata:
            _usable_url(oid4vci, metadata[name], name)


@pytest.mark.check(id="ISS-OID4VCI-003", title="Every credential configuration has a format, its format's members and usable proof types",
                   principles=["P1", "P5"], level="MUST", spec=SPEC + "#section-12.2.4", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_configurations_well_formed(oid4vci):
    configs = oid4vci.metadata().get("credential_configurations_supported")
    assert isinstance(configs, dict) and configs, "credential_configurations_supported is not a non-empty object"
    problems = []
    for config_id, config in configs.items():
        if not isinstance(config, dict) or not isinstance(config.get("format"), str):
            problems.append(f"{config_id}: no format")
            continue
        for path in FORMAT_MEMBERS.get(config["format"], []):
            node = config
            for name in path:
                node = node.get(name) if isinstance(node, dict) else None
            if node is None:
                problems.append(f"{config_id}: {config['format']} needs {'.'.join(path)}")
        if "cryptographic_binding_methods_supported" in config:
            proof_types = config.get("proof_types_supported")
            if not isinstance(proof_types, dict) or not proof_types:
                problems.append(f"{config_id}: binds to a key but has no proof_types_supported")
                continue
            for proof_type, spec in proof_types.items():
                algs = spec.get("proof_signing_alg_values_supported") if isinstance(spec, dict) else None
                if not isinstance(algs, list) or not algs:
                    problems.append(f"{config_id}: {proof_type} has no proof_signing_alg_values_supported")
    batch = oid4vci.metadata().get("batch_credential_issuance")
    if batch is not None:
        size = batch.get("batch_size") if isinstance(batch, dict) else None
        if isinstance(size, bool) or not isinstance(size, int) or size < 2:
            problems.append(f"batch_credential_issuance.batch_size is {size!r}, must be an integer >= 2")
    assert not problems, "; ".join(problems[:5])


@pytest.mark.check(id="ISS-OID4VCI-004", title="Its Authorization Server metadata gives the token endpoint for the pre-authorized code grant",
                   principles=["P1"], level="MUST", spec=SPEC + "#section-12.3", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_authorization_server_metadata(oid4vci):
    response = oid4vci.as_metadata_response()
    assert response.status_code == 200, f"OAuth AS metadata: {describe(response)} (RFC 8414 §3.2 requires 200)"
    body = json_body(response)
    assert isinstance(body, dict), "AS metadata is not a JSON object"
    assert body.get("issuer") == oid4vci.authorization_server(), \
        f"AS metadata issuer is {body.get('issuer')!r}, expected {oid4vci.authorization_server()!r} (RFC 8414 §3.3)"
    assert "token_endpoint" in body, "AS metadata has no token_endpoint"
    _usable_url(oid4vci, body["token_endpoint"], "token_endpoint")
    grants = body.get("grant_types_supported")
    assert grants is None or PRE_AUTHORIZED_GRANT in grants, f"grant_types_supported {grants} lacks the pre-authorized code grant"


@pytest.mark.check(id="ISS-OID4VCI-035", title="Its Authorization Server metadata lists response_types_supported",
                   principles=["P1"], level="MUST", spec="https://www.rfc-editor.org/rfc/rfc8414#section-2",
                   role="issuer", protocol="oid4vci", requires=["oid4vci"])
def test_authorization_server_metadata_response_types(oid4vci):
    """RFC 8414 §2: response_types_supported is REQUIRED, whatever grants the server offers (one
    serving only the pre-authorized code grant lists none: an empty array). The metadata is the
    one ISS-OID4VCI-004 fetches: of the `authorization_servers` named, else of the issuer itself."""
    body = oid4vci.as_metadata()
    types = body.get("response_types_supported")
    assert types is not None, "AS metadata has no response_types_supported (RFC 8414 §2: REQUIRED)"
    assert isinstance(types, list) and all(isinstance(t, str) for t in types), \
        f"response_types_supported is not a JSON array of strings: {types!r}"


@pytest.mark.check(id="ISS-OID4VCI-005", title="A credential offer by value names the issuer, the configuration and a pre-authorized code",
                   principles=["P1", "P4"], level="MUST", spec=SPEC + "#section-4.1.1", role="issuer", protocol="oid4vci",
                   requires=["oid4vci"])
def test_offer_by_value(oid4vci, wallet, learner):
    config_id = wallet.any_configuration()
    uri = oid4vci.create_offer(config_id, wallet.offer_claims(config_id, learner))
    try:
        how, value = split_offer_uri(uri)
        assert how == "value", "asked for an offer by value, got credential_offer_uri"
        offer = decode_offer(value, by_reference=False)
    except MalformedOffer as exc:
        raise AssertionError(f"malformed credential offer: {exc}") from None
    _assert_offer(offer, oid4vci, config_id)


@pytest.mark.check(id="ISS-OID4VCI-006", title="A credential offer by reference is served from its credential_offer_uri as application/json",
                   principles=["P1", "P4"], level="MUST", spec=SPEC + "#section-4.1.3", role="issuer", protocol="oid4vci",
                   requires=["oid4vci", "by-reference"])
def test_offer_by_reference(oid4vci, wallet, learner):
    config_id = wallet.any_configuration()
    uri = oid4vci.create_offer(config_id, wallet.offer_claims(config_id, learner), by_reference=True)
    try:
        how, url = split_offer_uri(uri)
    except MalformedOffer as exc:
        raise AssertionError(f"malformed credential offer: {exc}") from None
    assert how == "reference", "asked for an offer by reference, got it by value"
    _usable_url(oid4vci, url, "credential_offer_uri")
    response = oid4vci.fetch_offer(url)
    assert response.status_code == 200, f"credential_offer_uri: {describe(response)}"
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    assert media_type == "application/json", f"the offer is served as {media_type!r}; §4.1.3 requires application/json"
    try:
        offer = decode_offer(json_body(response), by_reference=True)
    except MalformedOffer as exc:
        raise AssertionError(f"malformed credential offer: {exc}") from None
    _assert_offer(offer, oid4vci, config_id)
