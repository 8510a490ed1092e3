"""The reference issuer, verifier and counterpart host, as real servers on loopback.

Clean behaviour first (issue, status, validation, auth, verify), then one quick test per
fault in reference.faults.CATALOG showing it changes the behaviour it names.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import httpx
import jsonschema
import pytest

from ler_interop.counterparts.host import start_host
from ler_interop.credentials import crafting, samples
from ler_interop.credentials.statuslist import StatusList
from ler_interop.reference.faults_oid4vci import OID4VCI_FAULTS
from ler_interop.reference.faults_oid4vp import OID4VP_FAULTS
from ler_interop.reference.faults_wallet import WALLET_FAULTS
from ler_interop.reference.faults import CATALOG, UnknownFault, catalog_markdown, parse_faults
from ler_interop.reference.servers import REFERENCE_TOKEN_ENV, ReferenceServers, start_reference

TOKEN = "test-token-4f1c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def refs():
    with start_reference(token=TOKEN) as servers:
        yield servers


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=30) as client:
        yield client


def issue(http: httpx.Client, refs: ReferenceServers, credential: dict, *, options: dict | None = None,
          headers: dict | None = AUTH) -> httpx.Response:
    body = {"credential": credential, **({"options": options} if options is not None else {})}
    return http.post(f"{refs.issuer_url}/credentials/issue", json=body, headers=headers)


def issued(http: httpx.Client, refs: ReferenceServers, credential: dict | None = None, **kw: Any) -> dict:
    credential = credential or samples.achievement_credential(refs.issuer_did)
    response = issue(http, refs, credential, **kw)
    assert response.status_code == 201, response.text
    return response.json()["verifiableCredential"]


def verify(http: httpx.Client, refs: ReferenceServers, vc: Any) -> httpx.Response:
    return http.post(f"{refs.verifier_url}/credentials/verify", json={"verifiableCredential": vc, "options": {}})


def set_status(http: httpx.Client, refs: ReferenceServers, vc: dict, purpose: str, value: bool = True) -> httpx.Response:
    body = {"credentialId": vc["id"], "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": purpose},
            "status": value}
    return http.post(f"{refs.issuer_url}/credentials/status", json=body, headers=AUTH)


def entries(vc: dict) -> list[dict]:
    status = vc["credentialStatus"]
    return status if isinstance(status, list) else [status]


def list_bit(http: httpx.Client, url: str, index: int) -> bool:
    doc = http.get(url).json()
    return StatusList.decode(doc["credentialSubject"]["encodedList"]).get(index)


# -- clean reference -----------------------------------------------------------------------
def test_did_document_lists_multikeys_for_assertion(http, refs):
    doc = http.get(f"{refs.issuer_url}/.well-known/did.json").json()
    assert doc["id"] == refs.issuer_did == f"did:web:127.0.0.1%3A{refs.issuer_url.rsplit(':', 1)[1]}"
    assert {m["type"] for m in doc["verificationMethod"]} == {"Multikey"}
    assert sorted(m["publicKeyMultibase"][:4] for m in doc["verificationMethod"]) == ["z6Mk", "zDna"]
    assert set(doc["assertionMethod"]) == {m["id"] for m in doc["verificationMethod"]}


@pytest.mark.parametrize("cryptosuite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_issue_fills_in_and_the_credential_verifies(http, refs, cryptosuite):
    credential = samples.achievement_credential(refs.issuer_did)
    del credential["validFrom"], credential["id"]
    vc = issued(http, refs, credential, options={"cryptosuite": cryptosuite})
    assert vc["issuer"]["id"] == refs.issuer_did and vc["issuer"]["name"] == credential["issuer"]["name"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", vc["validFrom"])
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", vc["id"])
    # OB 3.0 allows one CredentialStatus (an object): revocation
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert isinstance(status["statusListIndex"], str)
    assert vc["proof"]["cryptosuite"] == cryptosuite
    answer = verify(http, refs, vc)
    assert answer.status_code == 200, answer.text
    assert answer.json()["verified"] is True and answer.json()["errors"] == []


def test_issue_without_issuer_sets_its_own_did(http, refs):
    credential = samples.language_credential(refs.issuer_did)
    del credential["issuer"]
    assert issued(http, refs, credential)["issuer"] == refs.issuer_did


def test_status_lists_are_large_signed_and_change(http, refs):
    vc = issued(http, refs, samples.language_credential(refs.issuer_did))
    revocation, suspension = vc["credentialStatus"]
    index = int(revocation["statusListIndex"])
    doc = http.get(revocation["statusListCredential"]).json()
    assert doc["type"] == ["VerifiableCredential", "BitstringStatusListCredential"] and "proof" in doc
    assert StatusList.decode(doc["credentialSubject"]["encodedList"]).length == 131_072
    assert not list_bit(http, revocation["statusListCredential"], index)
    assert set_status(http, refs, vc, "suspension").status_code == 200
    assert list_bit(http, suspension["statusListCredential"], index)
    rejected = verify(http, refs, vc)
    assert rejected.status_code == 400 and rejected.json()["verified"] is False
    # the earlier list shape is accepted too, and suspension is reversible
    legacy = {"credentialId": vc["id"], "credentialStatus": [
        {"type": "BitstringStatusListEntry", "statusPurpose": "suspension", "status": False}]}
    assert http.post(f"{refs.issuer_url}/credentials/status", json=legacy, headers=AUTH).status_code == 200
    assert not list_bit(http, suspension["statusListCredential"], index)
    assert set_status(http, refs, vc, "revocation").status_code == 200
    assert list_bit(http, revocation["statusListCredential"], index)
    # revocation is not reversible (Bitstring Status List §4.1)
    assert set_status(http, refs, vc, "revocation", False).status_code == 400


def test_status_update_errors(http, refs):
    ghost = {"id": f"urn:uuid:{uuid.uuid4()}"}
    assert set_status(http, refs, ghost, "revocation").status_code == 404
    badge = issued(http, refs)  # OB 3.0: a revocation entry only
    assert set_status(http, refs, badge, "suspension").status_code == 400
    body = {"credentialId": "x", "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
            "status": "yes"}
    assert http.post(f"{refs.issuer_url}/credentials/status", json=body, headers=AUTH).status_code == 400
    assert http.post(f"{refs.issuer_url}/credentials/status", json=body).status_code == 401


MALFORMED_ISSUE: dict[str, Callable[[dict], Any]] = {
    "not-json": lambda c: b"{not json",
    "array-body": lambda c: b"[]",
    "missing-credential": lambda c: {"options": {}},
    "credential-not-object": lambda c: {"credential": "a string"},
    "missing-context": lambda c: {"credential": {k: v for k, v in c.items() if k != "@context"}},
    "missing-type": lambda c: {"credential": {k: v for k, v in c.items() if k != "type"}},
    "subject-not-object": lambda c: {"credential": {**c, "credentialSubject": "did:example:x"}},
    "unknown-cryptosuite": lambda c: {"credential": c, "options": {"cryptosuite": "eddsa-rdfc-2099"}},
    "options-not-object": lambda c: {"credential": c, "options": []},
    "foreign-issuer": lambda c: {"credential": {**c, "issuer": "did:example:someone-else"}},
}


@pytest.mark.parametrize("case", sorted(MALFORMED_ISSUE))
def test_malformed_issue_requests_get_400_problem_details(http, refs, case):
    body = MALFORMED_ISSUE[case](samples.achievement_credential(refs.issuer_did))
    kw = {"content": body} if isinstance(body, bytes) else {"json": body}
    response = http.post(f"{refs.issuer_url}/credentials/issue", headers={**AUTH, "Content-Type": "application/json"}, **kw)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert {"type", "title", "detail"} <= response.json().keys()


@pytest.mark.parametrize("headers", [None, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_issue_requires_the_token(http, refs, headers):
    response = issue(http, refs, samples.achievement_credential(refs.issuer_did), headers=headers)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("body", [b"nope", b'{"options": {}}', b'{"verifiableCredential": 7}'])
def test_verifier_refuses_malformed_requests_with_400(http, refs, body):
    response = http.post(f"{refs.verifier_url}/credentials/verify", content=body,
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.headers["content-type"].startswith("application/problem+json")


def test_presentation_verifies_with_matching_challenge_and_domain(http, refs):
    vp = crafting.presentation(crafting.Signer.did_key(), [issued(http, refs)], challenge="c-1", domain="example.org")
    url = f"{refs.verifier_url}/presentations/verify"
    ok = http.post(url, json={"verifiablePresentation": vp, "options": {"challenge": "c-1", "domain": "example.org"}})
    assert ok.status_code == 200, ok.text
    bad = http.post(url, json={"verifiablePresentation": vp, "options": {"challenge": "c-2", "domain": "example.org"}})
    assert bad.status_code == 400 and bad.json()["verified"] is False


def test_health_and_manifest_vendor(http, refs):
    assert http.get(f"{refs.issuer_url}/health").status_code == 200
    assert http.get(f"{refs.verifier_url}/health").status_code == 200
    vendor = refs.manifest_vendor()
    assert vendor["issuer"]["vc-api"]["issue"] == f"{refs.issuer_url}/credentials/issue"
    assert vendor["issuer"]["auth"] == {"type": "bearer", "token_env": REFERENCE_TOKEN_ENV}
    assert "auth-required" in vendor["issuer"]["supports"] and "did:web" in vendor["verifier"]["supports"]
    assert vendor["verifier"]["vc-api"]["presentations_verify"].endswith("/presentations/verify")
    schema = json.loads(resources.files("ler_interop").joinpath("schemas/manifest.schema.json").read_text("utf-8"))
    jsonschema.validate({"manifest_version": 1, "vendors": [vendor]}, schema)


def test_counterpart_host_serves_foreign_did_web_and_status(http, refs):
    with start_host() as host:
        signer = host.signer(name="faraway-college")
        assert signer.did == f"did:web:127.0.0.1%3A{host.url.rsplit(':', 1)[1]}:issuers:faraway-college"
        assert http.get(f"{host.url}/issuers/faraway-college/did.json").json()["id"] == signer.did
        status_url = host.publish_status_list("rev-1", "revocation", StatusList(), signer)
        credential = samples.achievement_credential(signer.did)
        credential["credentialStatus"] = {"id": f"{status_url}#7", "type": "BitstringStatusListEntry",
                                          "statusPurpose": "revocation", "statusListIndex": "7",
                                          "statusListCredential": status_url}
        vc = signer.issue(credential)
        assert verify(http, refs, vc).status_code == 200
        host.set_status("rev-1", 7, True)
        assert list_bit(http, status_url, 7)
        assert verify(http, refs, vc).status_code == 400


def test_unknown_fault_names_are_listed():
    with pytest.raises(UnknownFault, match="verifier.reject-all"):
        parse_faults(["issuer.nonsense"])
    assert parse_faults([" issuer.no-status "]) == {"issuer.no-status"}


def test_faults_doc_is_generated_from_the_catalog():
    assert (ROOT / "docs" / "FAULTS.md").read_text(encoding="utf-8") == catalog_markdown()


# -- faults: each changes the behaviour it names -------------------------------------------
@pytest.fixture
def faulty(request):
    """A reference vendor started with the test's `fault` parameter."""
    with start_reference(faults=[request.param], token=TOKEN) as servers:
        yield servers


def _subject(vc: dict) -> dict:
    subject = vc["credentialSubject"]
    return subject[0] if isinstance(subject, list) else subject


def _bad_issue_500(http, bad, clean):
    response = http.post(f"{bad.issuer_url}/credentials/issue", content=b"{oops", headers=AUTH)
    assert response.status_code == 500 and "Traceback" in response.text


def _issues_without_token(http, bad, clean):
    assert issue(http, bad, samples.achievement_credential(bad.issuer_did), headers=None).status_code == 201


def _status_not_updated(http, bad, clean):
    vc = issued(http, bad)
    entry = entries(vc)[0]
    assert set_status(http, bad, vc, "revocation").status_code == 200
    assert not list_bit(http, entry["statusListCredential"], int(entry["statusListIndex"]))


def _rejected_by_clean_verifier(http, clean, vc):
    answer = verify(http, clean, vc)
    assert answer.status_code == 400 and answer.json()["verified"] is False, answer.text


def _unicode(http, bad, clean):
    name = samples.UNICODE_NAMES["cjk"]
    vc = issued(http, bad, samples.achievement_credential(bad.issuer_did, subject_name=name))
    assert _subject(vc)["name"] == "?" * len(name.replace(" ", "")) or set(_subject(vc)["name"]) <= {"?", " "}


def _no_valid_from(http, bad, clean):
    credential = samples.achievement_credential(bad.issuer_did)
    del credential["validFrom"]
    assert "validFrom" not in issued(http, bad, credential)


def _small_list(http, bad, clean):
    url = entries(issued(http, bad))[0]["statusListCredential"]
    assert StatusList.decode(http.get(url).json()["credentialSubject"]["encodedList"]).length == 16_384


def _language_map(http, bad, clean):
    vc = issued(http, bad, samples.language_credential(bad.issuer_did))
    assert isinstance(vc["name"], str) and all(isinstance(d, str) for d in vc["description"])


def _flip_direction(http, bad, clean):
    vc = issued(http, bad, samples.language_credential(bad.issuer_did))
    assert vc["name"]["@direction"] == "ltr"  # sent rtl; flipped after signing
    _rejected_by_clean_verifier(http, clean, vc)


def _issue_200(http, bad, clean):
    response = issue(http, bad, samples.achievement_credential(bad.issuer_did))
    assert response.status_code == 200 and "verifiableCredential" in response.json()


def _undefined_term(http, bad, clean):
    vc = issued(http, bad)
    assert vc["issuedVia"] == "portal"
    _rejected_by_clean_verifier(http, clean, vc)


def _strip_offset(http, bad, clean):
    tokyo = samples.achievement_credential(bad.issuer_did, valid_from="2026-01-15T09:30:00+09:00")
    assert issued(http, bad, tokyo)["validFrom"] == "2026-01-15T09:30:00"
    utc = samples.achievement_credential(bad.issuer_did, valid_from="2026-01-15T00:30:00Z")
    assert issued(http, bad, utc)["validFrom"] == "2026-01-15T00:30:00Z"


def _drop_ext_types(http, bad, clean):
    def back(achievement_type: str) -> str:
        vc = issued(http, bad, samples.achievement_credential(bad.issuer_did, achievement_type=achievement_type))
        return _subject(vc)["achievement"]["achievementType"]

    assert back("ext:ApprenticeshipMilestone") == "Achievement" and back("Degree") == "Degree"


def _drop_results(http, bad, clean):
    subject = _subject(issued(http, bad))
    assert "result" not in subject and "resultDescription" not in subject["achievement"]
    assert "alignment" in subject["achievement"]


def _ignore_cryptosuite(http, bad, clean):
    assert issued(http, bad, options={"cryptosuite": "ecdsa-rdfc-2019"})["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    unknown = issue(http, bad, samples.achievement_credential(bad.issuer_did), options={"cryptosuite": "eddsa-rdfc-2099"})
    assert unknown.status_code == 201 and unknown.json()["verifiableCredential"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def _status_list_bad_proof(http, bad, clean):
    entry = entries(issued(http, bad))[0]
    list_vc = http.get(entry["statusListCredential"]).json()
    # still a readable list with the credential clear, but its proof no longer verifies
    assert not StatusList.decode(list_vc["credentialSubject"]["encodedList"]).get(int(entry["statusListIndex"]))
    _rejected_by_clean_verifier(http, clean, list_vc)


def _inverted_bits(http, bad, clean):
    entry = entries(issued(http, bad))[0]
    assert list_bit(http, entry["statusListCredential"], int(entry["statusListIndex"]))


def _private_status_list(http, bad, clean):
    def cors(servers: ReferenceServers) -> str | None:
        url = entries(issued(http, servers))[0]["statusListCredential"]
        response = http.get(url, headers={"Origin": "https://verifier.example"})
        assert response.status_code == 200
        return response.headers.get("access-control-allow-origin")

    assert cors(bad) is None and cors(clean) == "*"


ISSUER_FAULTS: dict[str, Callable[[httpx.Client, ReferenceServers, ReferenceServers], None]] = {
    "issuer.drop-unicode": _unicode,
    "issuer.no-valid-from": _no_valid_from,
    "issuer.bad-signature": lambda http, bad, clean: _rejected_by_clean_verifier(http, clean, issued(http, bad)),
    "issuer.500-on-malformed": _bad_issue_500,
    "issuer.ignore-auth": _issues_without_token,
    "issuer.small-status-list": _small_list,
    "issuer.status-not-updated": _status_not_updated,
    "issuer.drop-evidence": lambda http, bad, clean: "evidence" not in issued(http, bad) or pytest.fail("evidence kept"),
    "issuer.drop-alignment": lambda http, bad, clean: (
        "alignment" not in _subject(issued(http, bad))["achievement"] or pytest.fail("alignment kept")),
    "issuer.drop-language-map": _language_map,
    "issuer.schema-invalid": lambda http, bad, clean: (
        "criteria" not in _subject(issued(http, bad))["achievement"] or pytest.fail("criteria kept")),
    "issuer.malformed-status-entry": lambda http, bad, clean: (
        isinstance(entries(issued(http, bad))[0]["statusListIndex"], int) or pytest.fail("index is a string")),
    "issuer.foreign-key": lambda http, bad, clean: _rejected_by_clean_verifier(http, clean, issued(http, bad)),
    "issuer.no-status": lambda http, bad, clean: "credentialStatus" not in issued(http, bad) or pytest.fail("status kept"),
    "issuer.issue-200": _issue_200,
    "issuer.undefined-term": _undefined_term,
    "issuer.strip-offset": _strip_offset,
    "issuer.drop-ext-types": _drop_ext_types,
    "issuer.drop-results": _drop_results,
    "issuer.ignore-cryptosuite": _ignore_cryptosuite,
    "issuer.status-list-bad-proof": _status_list_bad_proof,
    "issuer.inverted-status-bits": _inverted_bits,
    "issuer.private-status-list": _private_status_list,
    "issuer.flip-direction": _flip_direction,
}


@pytest.mark.parametrize("faulty", sorted(ISSUER_FAULTS), indirect=True)
def test_issuer_fault_changes_its_behaviour(http, refs, faulty):
    (fault,) = faulty.faults
    ISSUER_FAULTS[fault](http, faulty, refs)


# Verifier faults: (artifact maker, endpoint, options); the clean verifier must answer
# `clean_status` and the faulty one the other way round.
def _revoked(purpose: str) -> Callable[[httpx.Client, ReferenceServers], dict]:
    def make(http, refs):
        vc = issued(http, refs, samples.language_credential(refs.issuer_did))
        assert set_status(http, refs, vc, purpose).status_code == 200
        return vc

    return make


def _vp(challenge: str, domain: str) -> Callable[[httpx.Client, ReferenceServers], dict]:
    return lambda http, refs: crafting.presentation(crafting.Signer.did_key(), [issued(http, refs)],
                                                    challenge=challenge, domain=domain)


def _self_issued(mutate: Callable[[dict], dict]) -> Callable[[httpx.Client, ReferenceServers], dict]:
    # Signed by the suite (a did:key issuer), unsafe on purpose; plain VCDM (the v2 context has @vocab).
    def make(http, refs):
        signer = crafting.Signer.did_key()
        return signer.issue(mutate(samples.language_credential(signer.did)), allow_unsafe=True)

    return make


def _by_reference(mutate: Callable[[dict], dict] = lambda c: c, credential: Callable[[str], dict] | None = None):
    def make(http, refs):
        base = (credential or samples.achievement_credential)(refs.issuer_did)
        return issued(http, refs, mutate(base))

    return make


def _relative_type(credential: dict) -> dict:
    # `@vocab: ""` makes undefined types document-relative; with no base they stay relative.
    # (crafting.with_relative_type's `@vocab: null` trips a KeyError inside pyld 3.3.)
    return {**credential, "@context": [*credential["@context"], {"@vocab": ""}],
            "type": [*credential["type"], "LocalOnlyType"]}


def _suite_signed(**sign_options: Any) -> Callable[[httpx.Client, ReferenceServers], dict]:
    # A valid credential by the suite's did:key issuer, with proof options that make it invalid.
    def make(http, refs):
        signer = crafting.Signer.did_key()
        return signer.issue(samples.achievement_credential(signer.did), **sign_options)

    return make


def _yesterday() -> str:
    return (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


VP_OPTIONS = {"challenge": "expected-challenge", "domain": "verifier.example"}
VERIFIER_FAULTS: dict[str, tuple[Callable, str, int, int]] = {
    # fault: (artifact, endpoint, clean status, faulty status)
    "verifier.accept-tampered": (lambda http, refs: crafting.tamper_claim(issued(http, refs)), "credentials", 400, 200),
    "verifier.accept-wrong-key": (lambda http, refs: crafting.signed_by_non_controller(
        samples.achievement_credential(refs.issuer_did), refs.issuer_did), "credentials", 400, 200),
    "verifier.accept-unknown-cryptosuite": (lambda http, refs: crafting.with_cryptosuite(issued(http, refs)),
                                            "credentials", 400, 200),
    "verifier.ignore-expiry": (_by_reference(crafting.expired), "credentials", 400, 200),
    "verifier.ignore-valid-from": (_by_reference(crafting.not_yet_valid), "credentials", 400, 200),
    "verifier.ignore-revocation": (_revoked("revocation"), "credentials", 400, 200),
    "verifier.ignore-suspension": (_revoked("suspension"), "credentials", 400, 200),
    "verifier.ignore-challenge": (_vp("another-challenge", VP_OPTIONS["domain"]), "presentations", 400, 200),
    "verifier.ignore-domain": (_vp(VP_OPTIONS["challenge"], "elsewhere.example"), "presentations", 400, 200),
    "verifier.accept-undefined-terms": (_self_issued(crafting.with_dropped_term), "credentials", 400, 200),
    "verifier.accept-relative-type": (_self_issued(_relative_type), "credentials", 400, 200),
    "verifier.500-on-reject": (lambda http, refs: crafting.tamper_claim(issued(http, refs)), "credentials", 400, 500),
    "verifier.reject-did-web": (_by_reference(), "credentials", 200, 400),
    "verifier.reject-language-maps": (_by_reference(credential=samples.language_credential), "credentials", 200, 400),
    "verifier.reject-all": (_by_reference(), "credentials", 200, 400),
    # httpx sends JSON as raw UTF-8, which the fault reads as Latin-1.
    "verifier.latin1-body": (_by_reference(credential=lambda did: samples.achievement_credential(
        did, subject_name=samples.UNICODE_NAMES["cjk"])), "credentials", 200, 400),
    "verifier.normalise-unicode": (lambda http, refs: crafting.tamper_unicode_normalisation(issued(
        http, refs, samples.achievement_credential(refs.issuer_did, subject_name=samples.UNICODE_NAMES["latin-diacritics"]))),
        "credentials", 400, 200),
    "verifier.ignore-proof-purpose": (_suite_signed(proof_purpose="authentication", challenge="x", domain="example.org"),
                                      "credentials", 400, 200),
    "verifier.ignore-proof-expiry": (lambda http, refs: _suite_signed(expires=_yesterday())(http, refs), "credentials", 400, 200),
    "verifier.ignore-direction": (lambda http, refs: crafting.flip_direction(issued(
        http, refs, samples.language_credential(refs.issuer_did))), "credentials", 400, 200),
    # Direction-blind canonicalisation: the reference issuer's correct RTL credential fails.
    "verifier.no-rdf-direction": (_by_reference(credential=samples.language_credential), "credentials", 200, 400),
}


def _post_verify(http, servers: ReferenceServers, endpoint: str, artifact: dict) -> httpx.Response:
    if endpoint == "presentations":
        body = {"verifiablePresentation": artifact, "options": VP_OPTIONS}
    else:
        body = {"verifiableCredential": artifact, "options": {}}
    return http.post(f"{servers.verifier_url}/{endpoint}/verify", json=body)


@pytest.mark.parametrize("faulty", sorted(VERIFIER_FAULTS), indirect=True)
def test_verifier_fault_changes_its_behaviour(http, refs, faulty):
    (fault,) = faulty.faults
    make, endpoint, clean_status, faulty_status = VERIFIER_FAULTS[fault]
    artifact = make(http, refs)
    clean = _post_verify(http, refs, endpoint, artifact)
    assert clean.status_code == clean_status, clean.text
    bad = _post_verify(http, faulty, endpoint, artifact)
    assert bad.status_code == faulty_status, bad.text
    if faulty_status != 500:
        assert bad.json()["verified"] is (faulty_status == 200)


def _verifier_500_on_malformed(http, bad, clean):
    def post(servers: ReferenceServers) -> httpx.Response:
        return http.post(f"{servers.verifier_url}/credentials/verify", content=b'{"verifiableCredential": ',
                         headers={"Content-Type": "application/json"})

    assert post(clean).status_code == 400
    crashed = post(bad)
    assert crashed.status_code == 500 and "Traceback" in crashed.text
    # a well-formed request that fails verification is still a 400
    assert _post_verify(http, bad, "credentials", crafting.tamper_claim(issued(http, clean))).status_code == 400


def _verifier_requires_account(http, bad, clean):
    vc = issued(http, clean)
    url = f"{bad.verifier_url}/credentials/verify"
    body = {"verifiableCredential": vc, "options": {}}
    assert _post_verify(http, clean, "credentials", vc).status_code == 200
    for headers in (None, {"Authorization": "Bearer wrong"}):
        refused = http.post(url, json=body, headers=headers)
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert http.post(url, json=body, headers=AUTH).status_code == 200
    # the manifest gives the suite the token, so only an anonymous caller meets the 401
    assert bad.manifest_vendor()["verifier"]["auth"] == {"type": "bearer", "token_env": REFERENCE_TOKEN_ENV}
    assert "auth" not in clean.manifest_vendor()["verifier"]


# Verifier faults about the request itself rather than the artifact's verdict.
VERIFIER_REQUEST_FAULTS: dict[str, Callable[[httpx.Client, ReferenceServers, ReferenceServers], None]] = {
    "verifier.500-on-malformed": _verifier_500_on_malformed,
    "verifier.require-account": _verifier_requires_account,
}


@pytest.mark.parametrize("faulty", sorted(VERIFIER_REQUEST_FAULTS), indirect=True)
def test_verifier_request_fault_changes_its_behaviour(http, refs, faulty):
    (fault,) = faulty.faults
    VERIFIER_REQUEST_FAULTS[fault](http, faulty, refs)


def test_every_fault_has_a_test():
    # The OpenID and wallet faults are proven by their own tests (test_oid4vci_*,
    # test_oid4vp_reference, test_wallet_reference) and by test_fault_coverage, which runs their
    # checks against them.
    openid = set(OID4VCI_FAULTS) | set(OID4VP_FAULTS) | set(WALLET_FAULTS)
    assert set(ISSUER_FAULTS) | set(VERIFIER_FAULTS) | set(VERIFIER_REQUEST_FAULTS) == set(CATALOG) - openid
