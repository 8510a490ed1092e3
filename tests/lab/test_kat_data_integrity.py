"""Cross-implementation known-answer tests for Data Integrity: the suite signs and Digital
Bazaar's verifier (peers/db-vcapi) verifies; Digital Bazaar signs and the suite's verifier
verifies; and a change after signing (a flipped @direction among them) is rejected by both.
For each cryptosuite both sides implement: eddsa-rdfc-2022, ecdsa-rdfc-2019 (P-256) and
eddsa-jcs-2022.
"""

from __future__ import annotations

import copy
import httpx
import pytest

from lab_peers import start_peer
from ler_interop.credentials.crafting import Signer
from ler_interop.credentials.keys import Key
from ler_interop.credentials.samples import UNICODE_NAMES, achievement_credential, language_credential
from ler_interop.credentials.verifier import CredentialVerifier
from ler_interop.protocols.suite_tools import suite_verifier
from ler_interop import net

KEY_TYPES = {"eddsa-rdfc-2022": "Ed25519", "ecdsa-rdfc-2019": "P-256", "eddsa-jcs-2022": "Ed25519"}
PEER_ISSUER = {"eddsa-rdfc-2022": "eddsa", "ecdsa-rdfc-2019": "ecdsa", "eddsa-jcs-2022": "eddsa-jcs"}


def _documents(issuer: str) -> dict[str, dict]:
    """Texts that canonicalisation must carry exactly: right-to-left, language maps, scripts."""
    docs = {"rtl-and-language-values": language_credential(issuer),
            "ob3": achievement_credential(issuer)}
    for script in ("cjk", "arabic", "cyrillic", "greek", "decomposed"):
        docs[f"name-{script}"] = achievement_credential(issuer, subject_name=UNICODE_NAMES[script])
    return docs


def _flip_direction(signed: dict) -> dict:
    out = copy.deepcopy(signed)
    out["name"]["@direction"] = "ltr"
    return out


@pytest.fixture(scope="module")
def db_peer():
    with start_peer("db-vcapi") as running:
        yield running


def _peer_verifies(peer, credential: dict) -> tuple[bool, object]:
    response = httpx.post(f"{peer.base}/credentials/verify", json={"verifiableCredential": credential}, timeout=20)
    assert response.status_code in (200, 400), f"{response.status_code}: {response.text[:300]}"
    return response.status_code == 200 and response.json().get("verified") is True, response.json()


def _suite_verifier(peer) -> CredentialVerifier:
    # The peer's did:web is served over http on loopback, read through the guarded client.
    host = peer.base.split("//", 1)[1]
    return suite_verifier(net.Http({host}))


@pytest.mark.parametrize("cryptosuite", sorted(KEY_TYPES))
def test_suite_signs_peer_verifies(db_peer, cryptosuite):
    signer = Signer.did_key(Key.generate(KEY_TYPES[cryptosuite]))
    for name, doc in _documents(signer.did).items():
        signed = signer.issue(doc, cryptosuite=cryptosuite)
        ok, body = _peer_verifies(db_peer, signed)
        assert ok, f"{cryptosuite} {name}: Digital Bazaar rejects the suite's signature: {body}"
    flipped = _flip_direction(signer.issue(language_credential(signer.did), cryptosuite=cryptosuite))
    assert not _peer_verifies(db_peer, flipped)[0], "the peer accepted a flipped @direction"


@pytest.mark.parametrize("cryptosuite", sorted(KEY_TYPES))
def test_peer_signs_suite_verifies(db_peer, cryptosuite):
    issuer = PEER_ISSUER[cryptosuite]
    did = db_peer.vars[f"{issuer}_did"]
    verifier = _suite_verifier(db_peer)
    for name, doc in _documents(did).items():
        response = httpx.post(f"{db_peer.base}/{issuer}/credentials/issue", json={"credential": doc}, timeout=20)
        assert response.status_code == 201, f"{name}: {response.status_code} {response.text[:300]}"
        signed = response.json()["verifiableCredential"]
        result = verifier.verify_credential(signed)
        assert result.verified, f"{cryptosuite} {name}: the suite rejects Digital Bazaar's signature: {[c for c in result.checks if not c.ok]}"
        if name == "rtl-and-language-values":
            flipped = verifier.verify_credential(_flip_direction(signed))
            assert not flipped.verified, "the suite accepted a credential whose @direction was flipped after signing"
