"""Offline loader, safe mode, RDFC-1.0 canonicalization and the bundled extra contexts."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pyld import jsonld as pyld_jsonld

from ler_interop.credentials import jsonld
from ler_interop.credentials.canon import (
    CanonicalizationError,
    canonicalize_dataset,
    canonize,
    canonize_checked,
    escape_literal,
)

VECTORS = Path(__file__).parents[2] / "shared" / "vectors"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def ob3_credential() -> dict:
    return {
        "@context": [VC_V2, OB_V3],
        "id": "urn:uuid:7d3f1c2e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.edu/issuer", "type": ["Profile"], "name": "Example U"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Teamwork",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "criteria": {"narrative": "Peer nominated."},
                "alignment": [{"type": ["Alignment"], "targetName": "Teamwork",
                               "targetUrl": "https://example.org/teamwork"}],
            },
        },
    }


def v1_credential(**extra) -> dict:
    doc = {
        "@context": [VC_V1],
        "id": "urn:uuid:7d3f1c2e-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    doc.update(extra)
    return doc


def urdna2015(doc: dict) -> str:
    """pyld's own URDNA2015 output, for comparison where the two algorithms must agree."""
    options = jsonld.OfflineLoader().pyld_options()
    options.update(algorithm="URDNA2015", format="application/n-quads")
    return pyld_jsonld.normalize(copy.deepcopy(doc), options)


# -- loader ------------------------------------------------------------------------------
def test_loader_serves_bundled_contexts_as_static():
    loader = jsonld.OfflineLoader()
    for url in (VC_V2, OB_V3, CLR_V2, EXAMPLES_V2, "https://purl.imsglobal.org/spec/clr/v2p0/context.json"):
        remote = loader(url)
        assert remote["tag"] == "static" and remote["documentUrl"] == url
        assert "@context" in remote["document"]


def test_examples_v2_context_is_the_one_term_vocab():
    assert jsonld.bundled_context(EXAMPLES_V2) == {
        "@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}


def test_unknown_context_is_a_context_error_naming_the_url():
    url = "https://contexts.example/never-bundled.json"
    with pytest.raises(jsonld.ContextError) as info:
        jsonld.default_loader()(url)
    assert info.value.url == url
    with pytest.raises(jsonld.ContextError) as info:
        canonize({"@context": [VC_V2, url], "type": "VerifiableCredential"})
    assert info.value.url == url
    [finding] = jsonld.safe_mode_findings({"@context": [VC_V2, url]})
    assert finding.rule == jsonld.RULE_UNKNOWN_CONTEXT and url in finding.message


def test_extra_contexts_are_served_and_stay_in_their_loader():
    url = "https://contexts.example/extra.json"
    extra = {"@context": {"shoeSize": "https://contexts.example/vocab#shoeSize"}}
    doc = {"@context": [VC_V1, url], **{k: v for k, v in v1_credential().items() if k != "@context"}}
    doc["credentialSubject"]["shoeSize"] = "42"
    loader = jsonld.make_loader({url: extra})
    assert "<https://contexts.example/vocab#shoeSize> \"42\"" in canonize(doc, loader)
    assert jsonld.safe_mode_findings(doc, loader) == []
    with pytest.raises(jsonld.ContextError):
        canonize(doc)  # the default loader never saw it


def test_loader_hands_out_copies():
    loader = jsonld.OfflineLoader()
    loader(VC_V2)["document"]["@context"]["poisoned"] = "x"
    assert "poisoned" not in loader(VC_V2)["document"]["@context"]


# -- safe mode ---------------------------------------------------------------------------
def test_clean_credentials_have_no_findings():
    assert jsonld.safe_mode_findings(ob3_credential()) == []
    assert jsonld.safe_mode_findings(v1_credential()) == []


def test_dropped_terms_are_reported_with_their_path():
    doc = v1_credential(favouriteColour="blue")
    doc["credentialSubject"]["nickname"] = "Sam"
    doc["credentialSubject"]["degree"] = {"type": "BachelorDegree", "honours": "first"}
    findings = jsonld.safe_mode_findings(doc)
    dropped = {f.path for f in findings if f.rule == jsonld.RULE_DROPPED_TERM}
    assert dropped == {"$.favouriteColour", "$.credentialSubject.nickname", "$.credentialSubject.degree"}


def test_term_mapped_to_null_is_dropped():
    doc = ob3_credential()
    doc["@context"] = [*doc["@context"], {"secret": None}]
    doc["secret"] = "not signed"
    [finding] = jsonld.safe_mode_findings(doc)
    assert (finding.rule, finding.path) == (jsonld.RULE_DROPPED_TERM, "$.secret")


def test_nested_dropped_term_in_array_item():
    doc = v1_credential()
    doc["credentialSubject"] = [{"id": "did:example:a"}, {"id": "did:example:b", "undefinedThing": 1}]
    [finding] = jsonld.safe_mode_findings(doc)
    assert finding.path == "$.credentialSubject[1].undefinedThing"


def test_relative_type_and_id_are_reported():
    doc = v1_credential(type=["VerifiableCredential", "MadeUpCredential"], id="credentials/42")
    doc["issuer"] = "issuers/7"  # @id-coerced value, relative
    findings = {(f.rule, f.path) for f in jsonld.safe_mode_findings(doc)}
    assert (jsonld.RULE_RELATIVE_TYPE, "$.type") in findings
    assert (jsonld.RULE_RELATIVE_ID, "$.id") in findings
    assert (jsonld.RULE_RELATIVE_ID, "$.issuer") in findings


def test_invalid_json_ld_is_a_finding():
    [finding] = jsonld.safe_mode_findings({"@context": [VC_V2], "@id": 42})
    assert finding.rule == jsonld.RULE_INVALID


# -- canonicalization --------------------------------------------------------------------
def test_base_none_keeps_relative_iris_out_of_the_dataset():
    doc = v1_credential(id="credentials/42")
    nquads, findings = canonize_checked(doc)
    assert "example.org/base" not in nquads and "credentials/42" not in nquads
    assert findings  # and safe mode says why


def test_rdfc_escaping_differs_from_urdna2015_only_where_it_must():
    doc = ob3_credential()
    doc["name"] = 'Tab\there, "quoted", back\\slash, bell\x07, bs\x08, ff\x0c, del\x7f, nl\n'
    ours = canonize(doc)
    line = next(l for l in ours.splitlines() if "schema.org/name" in l and "Tab" in l)
    assert line.endswith('"Tab\\there, \\"quoted\\", back\\\\slash, bell\\u0007, bs\\b, ff\\f, del\\u007F, nl\\n" .')
    theirs = urdna2015(doc)
    assert ours != theirs  # pyld writes \x07, \x08, \x0c, \x7f raw
    assert escape_literal("plain") == "plain"


def test_matches_pyld_urdna2015_where_escaping_does_not_matter():
    doc = ob3_credential()
    assert canonize(doc) == urdna2015(doc)


def test_symmetric_blank_nodes_match_urdna2015():
    # Four anonymous nodes in a ring: first-degree hashes tie, n-degree hashing decides.
    ctx = {"@vocab": "https://example.org/v#"}
    ring = {"@context": ctx, "@id": "_:a", "next": {"@id": "_:b", "next": {"@id": "_:c", "next": {
        "@id": "_:d", "next": {"@id": "_:a"}}}}}
    assert canonize(ring) == urdna2015(ring)
    assert "_:c14n3" in canonize(ring)


def test_poison_dataset_is_bounded():
    ctx = {"@vocab": "https://example.org/v#"}
    ring = {"@context": ctx, "@id": "_:a", "next": {"@id": "_:b", "next": {"@id": "_:c", "next": {"@id": "_:a"}}}}
    expanded, _ = jsonld.expand_safely(ring)
    with pytest.raises(CanonicalizationError):
        canonicalize_dataset(jsonld.to_dataset(expanded), max_ndegree_calls=1)


def test_processed_contexts_are_cached_across_documents():
    loader = jsonld.OfflineLoader()
    canonize(ob3_credential(), loader)
    cached = len(loader.processed_contexts)
    assert cached > 0
    other = ob3_credential()
    other["id"] = "urn:uuid:another"
    other["credentialSubject"]["achievement"]["name"] = "Other"
    canonize(other, loader)
    assert len(loader.processed_contexts) == cached  # nothing re-processed


def test_cache_does_not_change_results():
    first = canonize(ob3_credential(), jsonld.OfflineLoader())
    loader = jsonld.OfflineLoader()
    for _ in range(3):
        assert canonize(ob3_credential(), loader) == first


# -- the CLR 2.0 context -----------------------------------------------------------------
def clr_credential() -> dict:
    return {
        "@context": [VC_V2, CLR_V2, OB_V3],
        "id": "urn:uuid:7d3f1c2e-0000-4000-8000-0000000000c1",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": "https://example.edu/issuer", "type": ["Profile"], "name": "Example U"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Transcript",
        "partial": True,
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["ClrSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": "student-1",
                            "identityType": "studentId", "hashed": False}],
            "achievement": [{"id": "urn:uuid:a1", "type": ["Achievement"], "name": "Algebra",
                             "criteria": {"narrative": "Pass the exam."}}],
            "verifiableCredential": [ob3_credential()],
            "association": [{"type": "Association", "associationType": "isParentOf",
                             "sourceId": "urn:uuid:a1", "targetId": "urn:uuid:a2"}],
        },
    }


def test_clr_credential_is_clean_under_the_bundled_context():
    assert jsonld.safe_mode_findings(clr_credential()) == []
    nquads = canonize(clr_credential())
    assert "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#association>" in nquads
    assert "<https://purl.imsglobal.org/spec/vc/clr/vocab.html#partial>" in nquads


def test_clr_context_canonicalizes_like_the_published_one():
    reference = VECTORS / "contexts-extra" / "purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
    if not reference.exists():
        pytest.skip("reference CLR 2.0 context not available in ../shared/vectors")
    published = jsonld.OfflineLoader({CLR_V2: json.loads(reference.read_text("utf-8"))})
    assert canonize(clr_credential(), published) == canonize(clr_credential(), jsonld.OfflineLoader())


# -- base direction (issue 10): signed as deployed rdfc cryptosuites sign it ----------------
def rtl_document(**name) -> dict:
    return {"@context": [VC_V2], "id": "urn:uuid:7d3f1c2e-0000-4000-8000-000000000003",
            "type": ["VerifiableCredential"], "issuer": "did:example:issuer",
            "name": name or {"@value": "فاطمة الزهراء", "@language": "AR", "@direction": "rtl"},
            "credentialSubject": {"id": "did:example:learner"}}


def test_direction_reaches_the_canonical_nquads_as_an_i18n_datatype():
    nquads, findings = canonize_checked(rtl_document())
    assert findings == []
    # rdfDirection i18n-datatype (JSON-LD 1.1 §"The i18n Namespace"), language lower-cased.
    assert '"فاطمة الزهراء"^^<https://www.w3.org/ns/i18n#ar_rtl> .' in nquads
    assert "@ar" not in nquads


def test_direction_without_language_and_a_flipped_direction_canonicalise_differently():
    ltr = canonize(rtl_document(**{"@value": "Ada", "@direction": "ltr"}))
    assert '"Ada"^^<https://www.w3.org/ns/i18n#_ltr> .' in ltr
    flipped = rtl_document()
    flipped["name"]["@direction"] = "ltr"
    assert canonize(flipped) != canonize(rtl_document())


def test_a_direction_the_dataset_cannot_carry_is_a_finding():
    # A number carries no direction in RDF: jsonld.js drops it silently even in safe mode.
    _, findings = canonize_checked(rtl_document(**{"@value": 7, "@direction": "rtl"}))
    assert [(f.rule, f.path) for f in findings] == [(jsonld.RULE_DROPPED_DIRECTION, "$.name")]


def test_a_direction_blind_loader_reports_the_drop_instead_of_hiding_it():
    blind = jsonld.OfflineLoader(rdf_direction=None)
    nquads, findings = canonize_checked(rtl_document(), blind)
    assert '"فاطمة الزهراء"@ar .' in nquads
    assert [(f.rule, f.path) for f in findings] == [(jsonld.RULE_DROPPED_DIRECTION, "$.name")]
    assert "rdfDirection" in findings[0].message
