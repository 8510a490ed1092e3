"""The backchannel contract (docs/backchannels.openapi.yaml) as exercises any implementation
must pass: the reference vendors (tests/test_backchannels_openapi.py) and every peer of the
lab (tests/lab/test_peer_contracts.py) are held to the same status codes, media types and
shapes, so the contract is tested against more than one implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import yaml
from jsonschema import Draft202012Validator

DOC = Path(__file__).resolve().parents[1] / "docs" / "backchannels.openapi.yaml"
TIMEOUT = 30


def load_api() -> dict:
    return yaml.safe_load(DOC.read_text(encoding="utf-8"))


def problems(api: dict, name: str, value: Any) -> list[str]:
    """What is wrong with `value` against components.schemas[name] (its `$ref`s resolved)."""
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": api["components"]})
    return [f"{name}: {'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(value)]


def valid(api: dict, name: str, value: Any) -> None:
    found = problems(api, name, value)
    assert found == [], found


def problem_answer(api: dict, response: httpx.Response, status: int | set[int], what: str) -> None:
    """A refusal: the documented status and an application/problem+json Problem body."""
    wanted = {status} if isinstance(status, int) else status
    assert response.status_code in wanted, f"{what}: {response.status_code} {response.text[:300]}"
    assert response.headers.get("content-type", "").startswith("application/problem+json"), \
        f"{what}: content-type {response.headers.get('content-type')!r}, the contract says application/problem+json"
    valid(api, "Problem", response.json())


def offers_contract(api: dict, oid4vci: dict, claims_for: Any) -> None:
    """POST /offers for every configuration (by value; by reference with a tx_code), and the
    refusals the document lists. `claims_for(configuration_id, metadata)` gives valid claims."""
    metadata = httpx.get(oid4vci["credential_issuer"].rstrip("/") + "/.well-known/openid-credential-issuer",
                         timeout=TIMEOUT).json()
    configurations = metadata["credential_configurations_supported"]
    for configuration in configurations:
        for extra in ({"by_reference": False}, {"by_reference": True, "tx_code": "493536"}):
            body = {"credential_configuration_id": configuration, "claims": claims_for(configuration, configurations), **extra}
            valid(api, "OfferRequest", body)
            answer = httpx.post(oid4vci["offers"], json=body, timeout=TIMEOUT)
            assert answer.status_code == 201, f"{configuration} {extra}: {answer.status_code} {answer.text[:300]}"
            valid(api, "OfferResponse", answer.json())
    unknown = httpx.post(oid4vci["offers"], json={"credential_configuration_id": "no-such", "claims": {}}, timeout=TIMEOUT)
    problem_answer(api, unknown, 400, "an offer for an unknown configuration")


def presentation_requests_contract(api: dict, url: str, formats: list[str]) -> None:
    """POST /presentation-requests for each declared format, its pending verdict, a 404 for an
    unknown id and a 400 for a malformed query."""
    from ler_interop.protocols import oid4vp_present

    for fmt in formats:
        body = {"dcql_query": oid4vp_present.credential_query(fmt)}
        valid(api, "PresentationRequestCreate", body)
        created = httpx.post(url, json=body, timeout=TIMEOUT)
        assert created.status_code == 201, f"{fmt}: {created.status_code} {created.text[:300]}"
        valid(api, "PresentationRequestCreated", created.json())
        verdict = httpx.get(f"{url}/{created.json()['id']}", timeout=TIMEOUT)
        assert verdict.status_code == 200, verdict.text[:300]
        valid(api, "PresentationVerdict", verdict.json())
        assert verdict.json()["status"] == "pending"
    assert httpx.get(f"{url}/no-such-request", timeout=TIMEOUT).status_code == 404
    problem_answer(api, httpx.post(url, json={"dcql_query": {"credentials": "not a list"}}, timeout=TIMEOUT), 400,
                   "a malformed DCQL query")


def wallet_contract(api: dict, base: str, fmt: str, counterparts: Any) -> None:
    """Every wallet path answers as the document says: describe, receive (stored and refused),
    present (presented and declined), list, get, export, import (and a tampered import
    refused), delete, reset."""
    from ler_interop.credentials import crafting
    from ler_interop.protocols.wallet_session import learner, name_query

    valid(api, "WalletDescription", httpx.get(base + "/", timeout=TIMEOUT).json())
    assert httpx.post(base + "/reset", timeout=TIMEOUT).status_code == 204
    who = learner()
    offer = {"offer": counterparts.issuer.offer(fmt, who), "tx_code": None}
    valid(api, "ReceiveRequest", offer)
    received = httpx.post(base + "/receive", json=offer, timeout=TIMEOUT)
    assert received.status_code == 201, received.text[:300]
    valid(api, "Received", received.json())
    stored = received.json()["credentials"][0]
    refused = httpx.post(base + "/receive", json={"offer": counterparts.issuer.offer(fmt, learner(), defect="bad-signature")},
                         timeout=TIMEOUT)
    assert refused.status_code == 422, refused.text[:300]
    valid(api, "WalletError", refused.json())
    name = who["name"]
    for consent, status in (("accept", "presented"), ("decline", "declined")):
        _, url = counterparts.verifier.request(name_query(fmt, name))
        body = {"request": url, "consent": consent}
        valid(api, "PresentRequest", body)
        answer = httpx.post(base + "/present", json=body, timeout=TIMEOUT)
        assert answer.status_code == 200 and answer.json()["status"] == status, answer.text[:300]
        valid(api, "Presented", answer.json())
    valid(api, "CredentialList", httpx.get(base + "/credentials", timeout=TIMEOUT).json())
    valid(api, "StoredCredential", httpx.get(f"{base}/credentials/{stored['id']}", timeout=TIMEOUT).json())
    exported = httpx.get(base + "/export", timeout=TIMEOUT).json()
    valid(api, "WalletExport", exported)
    imported = httpx.post(base + "/import", json=exported, timeout=TIMEOUT)
    assert imported.status_code == 200, imported.text[:300]
    valid(api, "Imported", imported.json())
    tampered = {**exported, "credentials": [{**entry, "credential": crafting.tamper_stored(entry["format"], entry["credential"])}
                                            for entry in exported["credentials"][:1]]}
    rejected = httpx.post(base + "/import", json=tampered, timeout=TIMEOUT)
    assert rejected.status_code == 422, f"a tampered import: {rejected.status_code} {rejected.text[:300]}"
    valid(api, "WalletError", rejected.json())
    assert httpx.delete(f"{base}/credentials/{stored['id']}", timeout=TIMEOUT).status_code == 204
    assert httpx.get(f"{base}/credentials/{stored['id']}", timeout=TIMEOUT).status_code == 404
    assert httpx.post(base + "/reset", timeout=TIMEOUT).status_code == 204
    assert httpx.get(base + "/credentials", timeout=TIMEOUT).json()["credentials"] == []
