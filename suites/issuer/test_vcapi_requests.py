"""VC API issuers facing bad or unauthenticated requests: a clear 4xx, never a crash, never
a credential, and nothing in the error that helps an attacker (P2)."""

from __future__ import annotations

import re

import pytest

from ler_interop.net import Http, Response
from ler_interop.protocols.vcapi import json_body

VCAPI_ISSUE = "https://w3c-ccg.github.io/vc-api/#issue-credential"
# Answers about plumbing (auth, routing), not about the request body.
NOT_ABOUT_INPUT = {401, 403, 404, 405}
LEAK = re.compile(r"Traceback \(most recent call last\)|\bat [\w.$]+\([\w]+\.java:\d+\)|node_modules/|"
                  r"File \"/[^\"]+\.py\", line \d+|\bpanic:|goroutine \d+", re.I)


def _assert_rejected_as_bad_input(response: Response, what: str) -> None:
    from ler_interop.outcomes import vendor_error

    status = response.status_code
    if status in NOT_ABOUT_INPUT:
        vendor_error(f"{what}: answered {status}, which says nothing about the input (check auth and endpoint)")
    assert not 200 <= status < 300, f"{what}: accepted with {status}"
    assert status < 500, f"{what}: crashed with {status}; a malformed request deserves 400/422"
    assert status in (400, 422), f"{what}: answered {status}, expected 400 or 422"


@pytest.mark.check(id="ISS-VCAPI-020", title="Rejects a body that is not JSON with 400, not 500",
                   principles=["P2", "P1"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api")
def test_rejects_non_json(vendor, issue_url):
    response = vendor.http.post(issue_url, content=b'{"credential": {', headers={"content-type": "application/json"})
    _assert_rejected_as_bad_input(response, "truncated JSON body")


@pytest.mark.check(id="ISS-VCAPI-021", title="Rejects a request without `credential` with 400/422",
                   principles=["P2", "P1"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api")
def test_rejects_missing_credential(vendor, issue_url):
    _assert_rejected_as_bad_input(vendor.http.post(issue_url, json={"options": {}}), "request without credential")


@pytest.mark.check(id="ISS-VCAPI-022", title="Rejects a credential without @context with 400/422",
                   principles=["P1"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api")
def test_rejects_missing_context(vendor, issue_url, template):
    credential = template()
    del credential["@context"]
    response = vendor.http.post(issue_url, json={"credential": credential, "options": {}})
    _assert_rejected_as_bad_input(response, "credential without @context")


@pytest.mark.check(id="ISS-VCAPI-023", title="Rejects a credential whose `credentialSubject` is not an object",
                   principles=["P1"], level="MUST", spec="https://www.w3.org/TR/vc-data-model-2.0/#credential-subject",
                   role="issuer", protocol="vc-api")
def test_rejects_bad_subject(vendor, issue_url, template):
    credential = template()
    credential["credentialSubject"] = "not an object"
    response = vendor.http.post(issue_url, json={"credential": credential, "options": {}})
    _assert_rejected_as_bad_input(response, "credentialSubject as a string")


@pytest.mark.check(id="ISS-VCAPI-024", title="Error answers carry no stack trace or internal path",
                   principles=["P2"], level="SHOULD", spec="https://www.rfc-editor.org/rfc/rfc9457#section-5",
                   role="issuer", protocol="vc-api")
def test_errors_do_not_leak(vendor, issue_url):
    response = vendor.http.post(issue_url, content=b'{"credential": [1, {"@context": ', headers={"content-type": "application/json"})
    leak = LEAK.search(response.text)
    assert not leak, f"error answer ({response.status_code}) leaks internals: {leak.group(0)!r}"


@pytest.mark.check(id="ISS-VCAPI-025", title="Issuing requires authentication when the vendor declares it",
                   principles=["P2"], level="MUST", spec="https://w3c-ccg.github.io/vc-api/#authorization",
                   role="issuer", protocol="vc-api", requires=["auth-required"])
def test_requires_auth(vendor, issue_url, template):
    with Http(vendor.http.policy.allowed_hosts, recorder=vendor.http.recorder) as anonymous:
        response = anonymous.post(issue_url, json={"credential": template(), "options": {}})
    assert response.status_code in (401, 403), \
        f"issue without credentials answered {response.status_code}; expected 401 or 403"
    assert "verifiableCredential" not in (json_body(response) or {}), "a credential was issued without authentication"


@pytest.mark.check(id="ISS-VCAPI-026", title="Rejects an unknown cryptosuite option rather than silently using another",
                   principles=["P1"], level="MUST", spec="https://w3c-ccg.github.io/vc-api/#handling-unknown-options-and-data",
                   role="issuer", protocol="vc-api")
def test_unknown_cryptosuite_option(vcapi, issue_url, template):
    response = vcapi.issue(issue_url, template(), {"cryptosuite": "eddsa-rdfc-2099"})
    _assert_rejected_as_bad_input(response, "issue with cryptosuite eddsa-rdfc-2099")
