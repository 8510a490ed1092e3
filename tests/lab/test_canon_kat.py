"""Known answers from a third-party canonicaliser: the suite's RDFC-1.0 canonical N-Quads equal,
byte for byte, those of jsonld.js 9 + rdf-canonize 5 called as Digital Bazaar's eddsa-rdfc-2022
and ecdsa-rdfc-2019 cryptosuites call them (peers/kat/canonize.mjs: rdfDirection
'i18n-datatype', safe mode, base null), with contexts from the suite's own bundle only.

Equal bytes mean equal signatures: a document the suite signs verifies elsewhere, and the other
way round, including right-to-left values, language maps and non-Latin names.
"""

from __future__ import annotations

import copy
from importlib import resources

import pytest

from ler_interop.credentials import jsonld
from ler_interop.credentials.canon import canonize_checked
from ler_interop.credentials.dataintegrity import proof_config_for
from ler_interop.credentials.samples import UNICODE_NAMES, VC_V2, achievement_credential, language_credential

CONTEXTS = str(resources.files("ler_interop").joinpath("contexts"))
ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def language_map_credential() -> dict:
    """A language map (`@container: @language`) and a term whose context sets language and
    direction, beside value objects with and without a language."""
    doc = language_credential(ISSUER)
    doc["@context"] = [VC_V2, {
        "headline": {"@id": "https://schema.org/headline", "@container": "@language"},
        "arabicTitle": {"@id": "https://schema.org/alternativeHeadline", "@language": "ar", "@direction": "rtl"},
    }]
    doc["headline"] = {"en": "Data stewardship", "AR": "إدارة البيانات", "el": "Διαχείριση δεδομένων"}
    doc["arabicTitle"] = "شهادة"
    doc["credentialSubject"]["name"] = [{"@value": "Ada", "@direction": "ltr"},
                                        {"@value": "עדה", "@language": "he", "@direction": "rtl"}]
    return doc


def names_credential() -> dict:
    """CJK, Arabic, Cyrillic and Greek names, and every character RDFC-1.0 escapes."""
    doc = achievement_credential(ISSUER, subject_name=" · ".join(
        UNICODE_NAMES[s] for s in ("cjk", "arabic", "cyrillic", "greek", "decomposed")))
    doc["credentialSubject"]["achievement"]["description"] = 'tab\tnl\ncr\rbs\bff\f"q"\\ del\x7f nul\x00'
    return doc


def proof_config() -> dict:
    """A Data Integrity proof configuration, as the rdfc suites hash it (with the document's @context)."""
    doc = achievement_credential(ISSUER)
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-15T09:30:00+09:00",
               "verificationMethod": f"{ISSUER}#{ISSUER.removeprefix('did:key:')}", "proofPurpose": "assertionMethod"}
    return proof_config_for(doc, options)


DOCUMENTS = {
    "rtl-language-value": lambda: language_credential(ISSUER),
    "language-map": language_map_credential,
    "non-latin-names": names_credential,
    "ob3-credential": lambda: achievement_credential(ISSUER),
    "ob3-minimal": lambda: achievement_credential(ISSUER, rich=False, achievement_type="ext:Apprenticeship"),
    "proof-config": proof_config,
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_canonical_nquads_equal_jsonld_js(peer, name):
    doc = DOCUMENTS[name]()
    ours, findings = canonize_checked(copy.deepcopy(doc))
    assert findings == [], [str(f) for f in findings]
    theirs = peer("kat/canonize.mjs", CONTEXTS, stdin=doc)
    assert ours == theirs, _first_difference(ours, theirs)


def test_the_rtl_value_is_signed_data_in_both(peer):
    theirs = peer("kat/canonize.mjs", CONTEXTS, stdin=language_credential(ISSUER))
    assert '^^<https://www.w3.org/ns/i18n#ar_rtl> .' in theirs


def test_a_direction_jsonld_js_drops_silently_is_a_finding_here(peer):
    """jsonld.js safe mode does not flag a direction on a number (RDF has no place for it);
    the suite's bytes agree, and it reports the loss (DI 1.0 "Securing Data Losslessly")."""
    doc = language_credential(ISSUER)
    doc["name"] = {"@value": 42, "@direction": "rtl"}
    ours, findings = canonize_checked(copy.deepcopy(doc))
    assert ours == peer("kat/canonize.mjs", CONTEXTS, stdin=doc)
    assert [f.rule for f in findings] == [jsonld.RULE_DROPPED_DIRECTION]


def _first_difference(ours: str, theirs: str) -> str:
    a, b = ours.splitlines(), theirs.splitlines()
    for index, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {index + 1} differs:\n  suite: {x}\n  peer:  {y}"
    return f"the suite has {len(a)} lines, the peer {len(b)}"
