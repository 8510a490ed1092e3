"""DCQL (OpenID4VP 1.0 §6, §7): claims path pointers, query validation, wallet-side selection
and verifier-side response checks, on the spec's own examples where it has them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ler_interop.protocols import dcql
from ler_interop.protocols.dcql import Candidate, PathError, query_problems, response_problems, select, select_path

EXAMPLES = Path("/work/specs/vp-examples/query_lang")

# §7.3's example credential.
ARTHUR = {
    "name": "Arthur Dent",
    "address": {"street_address": "42 Market Street", "locality": "Milliways", "postal_code": "12345"},
    "degrees": [{"type": "Bachelor of Science", "university": "University of Betelgeuse"},
                {"type": "Master of Science", "university": "University of Betelgeuse"}],
    "nationalities": ["British", "Betelgeusian"],
}


@pytest.mark.parametrize("path, expected", [
    (["name"], ["Arthur Dent"]),
    (["address", "street_address"], ["42 Market Street"]),
    (["degrees", None, "type"], ["Bachelor of Science", "Master of Science"]),
    (["nationalities", 1], ["Betelgeusian"]),
])
def test_claims_path_pointer_examples(path, expected):
    assert select_path(ARTHUR, path) == expected


@pytest.mark.parametrize("path", [
    ["missing"], ["nationalities", 5], ["name", "first"], ["address", 0], ["name", None], [], [True], [-1], [1.5],
])
def test_claims_path_pointer_errors(path):
    with pytest.raises(PathError):
        select_path(ARTHUR, path)


def test_a_wildcard_keeps_the_elements_that_have_the_key():
    doc = {"a": [{"b": 1}, {"c": 2}, {"b": 3}]}
    assert select_path(doc, ["a", None, "b"]) == [1, 3]


def _sd(vct: str, claims: dict) -> Candidate:
    return Candidate("dc+sd-jwt", claims, vct=vct)


PID = "https://credentials.example.com/identity_credential"


def test_the_spec_examples_are_valid_queries():
    if not EXAMPLES.is_dir():
        pytest.skip("the spec's examples are not on this machine")
    for name in ("simple.json", "claims_alternatives.json", "credentials_alternatives.json", "value_matching_simple.json",
                 "multi_credentials.json"):
        assert query_problems(json.loads((EXAMPLES / name).read_text())) == [], name


@pytest.mark.parametrize("query, fragment", [
    ({}, "non-empty"),
    ({"credentials": [{"id": "a b", "format": "ldp_vc", "meta": {}}]}, "id"),
    ({"credentials": [{"id": "a", "format": "ldp_vc"}]}, "meta"),
    ({"credentials": [{"id": "a", "format": "x", "meta": {}}, {"id": "a", "format": "x", "meta": {}}]}, "unique"),
    ({"credentials": [{"id": "a", "format": "x", "meta": {}, "claims": [{"path": []}]}]}, "path"),
    ({"credentials": [{"id": "a", "format": "x", "meta": {}, "claim_sets": [["x"]]}]}, "without claims"),
    ({"credentials": [{"id": "a", "format": "x", "meta": {}}], "credential_sets": [{"options": [["b"]]}]}, "options"),
])
def test_invalid_queries(query, fragment):
    assert any(fragment in p for p in query_problems(query)), query_problems(query)


def test_claim_sets_pick_the_first_satisfiable_option():
    query = {"credentials": [{"id": "pid", "format": "dc+sd-jwt", "meta": {"vct_values": [PID]},
                              "claims": [{"id": "a", "path": ["family_name"]}, {"id": "b", "path": ["postal_code"]},
                                         {"id": "c", "path": ["locality"]}],
                              "claim_sets": [["a", "c"], ["a", "b"]]}]}
    only_b = _sd(PID, {"family_name": "Doe", "postal_code": "1"})
    selection = select(query, [only_b])
    assert selection is not None and selection.disclose["pid"] == [("family_name",), ("postal_code",)]
    assert select(query, [_sd(PID, {"family_name": "Doe"})]) is None


def test_credential_sets_required_and_optional():
    cq = lambda i, vct: {"id": i, "format": "dc+sd-jwt", "meta": {"vct_values": [vct]}}  # noqa: E731
    query = {"credentials": [cq("pid", PID), cq("other", "urn:other"), cq("nice", "urn:nice")],
             "credential_sets": [{"options": [["pid"], ["other"]]}, {"required": False, "options": [["nice"]]}]}
    selection = select(query, [_sd("urn:other", {}), _sd("urn:nice", {})])
    assert selection is not None and set(selection.credentials) == {"other", "nice"}
    assert select(query, [_sd("urn:nice", {})]) is None


def test_value_matching_is_exact_in_type_and_value():
    claim = {"path": ["n"], "values": [1]}
    assert dcql.claim_present({"n": 1}, claim)
    assert not dcql.claim_present({"n": True}, claim) and not dcql.claim_present({"n": "1"}, claim)


OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
LDP_QUERY = {"credentials": [{"id": "badge", "format": "ldp_vc", "meta": {"type_values": [[OB]]},
                              "claims": [{"path": ["credentialSubject", "name"]}]}]}


def _badge(types=(OB,), **subject) -> Candidate:
    return Candidate("ldp_vc", {"credentialSubject": subject}, frozenset(types))


def _codes(presented) -> list[str]:
    return sorted(p.code for p in response_problems(LDP_QUERY, presented))


def test_a_matching_response_has_no_problems():
    assert _codes({"badge": [_badge(name="Ada")]}) == []


@pytest.mark.parametrize("presented, codes", [
    ({"badge": [_badge()]}, ["missing-claim"]),
    ({"badge": [_badge(types=("VerifiableCredential",), name="Ada")]}, ["type"]),
    ({"badge": [Candidate("jwt_vc_json", {"credentialSubject": {"name": "A"}}, frozenset({OB}))]}, ["format"]),
    ({"badge": [_badge(name="A"), _badge(name="B")]}, ["cardinality"]),
    ({"badge": [_badge(name="A")], "extra": [_badge(name="B")]}, ["unrequested"]),
    ({}, ["credential-sets"]),
])
def test_response_problems(presented, codes):
    assert _codes(presented) == codes


def test_defaults_written_out_ask_nothing_more():
    given = {"credentials": [{"id": "badge", "format": "ldp_vc", "meta": {}}],
             "credential_sets": [{"options": [["badge"]]}]}
    explicit = {"credentials": [{"id": "badge", "format": "ldp_vc", "meta": {}, "multiple": False,
                                 "require_cryptographic_holder_binding": True}],
                "credential_sets": [{"options": [["badge"]], "required": True}]}
    assert dcql.with_defaults(given) == dcql.with_defaults(explicit)
    more = {"credentials": [{**given["credentials"][0], "multiple": True}]}
    assert dcql.with_defaults(more) != dcql.with_defaults(given)
