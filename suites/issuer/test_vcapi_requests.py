"""VC API issuers facing bad or unauthenticated requests: a clear 4xx, never a crash, never
a credential, and nothing in the error that helps an attacker (P2)."""

from __future__ import annotations

import re

import pytest

from ler_interop.outcomes import vendor_error
from ler_interop.protocols.vcapi import NOT_A_VERDICT, assert_bad_input_rejected, json_body

VCAPI_ISSUE = "https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#issue-credential"
LEAK = re.compile(r"Traceback \(most recent call last\)|\bat [\w.$]+\([\w]+\.java:\d+\)|node_modules/|"
                  r"File \"/[^\"]+\.py\", line \d+|\bpanic:|goroutine \d+", re.I)


@pytest.fixture
def options(vendor) -> dict:
    """The vendor's declared issue options: every bad request carries them, so a 400 is about
    what the check broke, not about options the vendor requires."""
    return dict(vendor.protocol("issuer", "vc-api").get("options") or {})


@pytest.fixture
def control(issue, template) -> dict:
    """The positive control: a well-formed request with the same options is issued (else the
    check cannot tell a rejection of bad input from a vendor that rejects everything)."""
    return issue(template())


@pytest.mark.check(id="ISS-VCAPI-020", title="Rejects a body that is not JSON with 400, not 500",
                   principles=["P2", "P1"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api")
def test_rejects_non_json(vendor, issue_url, control):
    response = vendor.http.post(issue_url, content=b'{"credential": {', headers={"content-type": "application/json"})
    assert_bad_input_rejected(response, "truncated JSON body")


@pytest.mark.check(id="ISS-VCAPI-021", title="Rejects a request without `credential` with 400/422",
                   principles=["P2", "P1"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api")
def test_rejects_missing_credential(vendor, issue_url, options, control):
    assert_bad_input_rejected(vendor.http.post(issue_url, json={"options": options}), "request without credential")


@pytest.mark.check(id="ISS-VCAPI-022", title="Rejects a credential without @context with 400/422",
                   principles=["P1"], level="MUST", spec=VCAPI_ISSUE, role="issuer", protocol="vc-api")
def test_rejects_missing_context(vendor, issue_url, template, options, control):
    credential = template()
    del credential["@context"]
    response = vendor.http.post(issue_url, json={"credential": credential, "options": options})
    assert_bad_input_rejected(response, "credential without @context")


@pytest.mark.check(id="ISS-VCAPI-023", title="Rejects a credential whose `credentialSubject` is not an object",
                   principles=["P1"], level="MUST", spec="https://www.w3.org/TR/vc-data-model-2.0/#credential-subject",
                   role="issuer", protocol="vc-api")
def test_rejects_bad_subject(vendor, issue_url, template, options, control):
    credential = template()
    credential["credentialSubject"] = "not an object"
    response = vendor.http.post(issue_url, json={"credential": credential, "options": options})
    assert_bad_input_rejected(response, "credentialSubject as a string")


@pytest.mark.check(id="ISS-VCAPI-024", title="Error answers carry no stack trace or internal path",
                   principles=["P2"], level="SHOULD", spec="https://www.rfc-editor.org/rfc/rfc9457#section-5",
                   role="issuer", protocol="vc-api")
def test_errors_do_not_leak(vendor, issue_url):
    response = vendor.http.post(issue_url, content=b'{"credential": [1, {"@context": ', headers={"content-type": "application/json"})
    if response.status_code in NOT_A_VERDICT or 200 <= response.status_code < 300:
        vendor_error(f"answered {response.status_code}: no error answer about the input to inspect")
    leak = LEAK.search(response.text)
    assert not leak, f"error answer ({response.status_code}) leaks internals: {leak.group(0)!r}"


@pytest.mark.check(id="ISS-VCAPI-025", title="Issuing requires authentication when the vendor declares it",
                   principles=["P2"], level="MUST", spec="https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#authorization",
                   role="issuer", protocol="vc-api", profiles=["ler-issuer"], requires=["auth-required"])
def test_requires_auth(vendor, issue_url, template, options, control):
    anonymous = vendor.http_for("issuer", authorized=False)
    response = anonymous.post(issue_url, json={"credential": template(), "options": options})
    assert response.status_code in (401, 403), \
        f"issue without credentials answered {response.status_code}; expected 401 or 403"
    assert "verifiableCredential" not in (json_body(response) or {}), "a credential was issued without authentication"


@pytest.mark.check(id="ISS-VCAPI-026", title="Rejects an unknown cryptosuite option rather than silently using another",
                   principles=["P1"], level="MUST", spec="https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#options",
                   role="issuer", protocol="vc-api", requires=["issue-option:cryptosuite"])
def test_unknown_cryptosuite_option(vcapi, issue_url, template, options, control):
    response = vcapi.issue(issue_url, template(), {**options, "cryptosuite": "eddsa-rdfc-2099"})
    assert_bad_input_rejected(response, "issue with cryptosuite eddsa-rdfc-2099")
