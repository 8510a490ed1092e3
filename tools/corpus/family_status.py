"""Credential status, suite-signed OB 3.0 badges: Bitstring Status List (revocation and
suspension lists served as resources, a forged list, a list too short for herd privacy) and
the 1EdTech Revocation List OB 3.0 names (clear, revoked, unreadable, not a list). Each bad
entry is a good sibling whose list (or index) breaks one rule."""

from __future__ import annotations

import copy

from ler_interop.credentials import revocationlist, samples
from ler_interop.credentials.statuslist import StatusList, status_entry, status_list_credential

from .common import HOST, Corpus, Signer

FAMILY = "status"
ABOUT = "credentialStatus: Bitstring Status List v1.0 and the 1EdTech Revocation List (OB 3.0), lists as resources"

VALID_FROM, VALID_UNTIL = "2026-01-01T00:00:00Z", "2030-01-01T00:00:00Z"
BSL = "Bitstring Status List v1.0 §3.2 (validate algorithm)"
VCRL = "OB 3.0 Verification and Validation, 1EdTech Revocation List Status Method"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"  # defines 1EdTechRevocationList
REVOKED_INDEX, CLEAR_INDEX = 94_567, 1_234


def badge(signer: Signer, number: int, status: dict) -> dict:
    vc = samples.achievement_credential(signer.did, valid_from=VALID_FROM, valid_until=VALID_UNTIL)
    vc["@context"].append(EXTENSIONS)
    vc["id"] = f"urn:uuid:7c1d2e3f-4a5b-4c6d-8e7f-{number:012d}"
    vc["credentialSubject"]["id"] = "did:example:learner-status"
    vc["credentialStatus"] = status
    return vc


def build(c: Corpus) -> None:
    ed = Signer.did_key()
    _bitstring(c, ed)
    _revocation_list(c, ed)


def _bsl_list(signer: Signer, url: str, purpose: str, length: int = 131_072) -> dict:
    bits = StatusList(length)
    bits.set(REVOKED_INDEX % length)
    return signer.issue(status_list_credential(url, signer.did, purpose, bits, valid_from=VALID_FROM))


def _bitstring(c: Corpus, ed: Signer) -> None:
    rev, sus = f"{HOST}/status/bsl/revocation", f"{HOST}/status/bsl/suspension"
    forged, short = f"{HOST}/status/bsl/forged", f"{HOST}/status/bsl/short"
    c.resource(rev, "list-bsl-revocation.json", _bsl_list(ed, rev, "revocation"))
    c.resource(sus, "list-bsl-suspension.json", _bsl_list(ed, sus, "suspension"))
    c.resource(forged, "list-bsl-forged.json", _flip_list(_bsl_list(ed, forged, "revocation")))
    c.resource(short, "list-bsl-short.json", _bsl_list(ed, short, "revocation", length=8 * 1024))

    c.add("ob3-bsl-clear.json", ed.issue(badge(ed, 1, status_entry(rev, CLEAR_INDEX, "revocation"))),
          expect="verified")
    c.add("ob3-bsl-suspension-clear.json", ed.issue(badge(ed, 2, status_entry(sus, CLEAR_INDEX, "suspension"))),
          expect="verified")
    c.add("bad-ob3-bsl-revoked.json", ed.issue(badge(ed, 3, status_entry(rev, REVOKED_INDEX, "revocation"))),
          expect="not-verified", check="status", reason="status.revocation",
          breaks=f"the credential's revocation bit is set in its list ({BSL}: status 1 is revoked)")
    c.add("bad-ob3-bsl-suspended.json", ed.issue(badge(ed, 4, status_entry(sus, REVOKED_INDEX, "suspension"))),
          expect="not-verified", check="status", reason="status.suspension",
          breaks=f"the credential's suspension bit is set in its list ({BSL}: status 1 is suspended)")
    c.add("bad-ob3-bsl-list-forged.json", ed.issue(badge(ed, 5, status_entry(forged, CLEAR_INDEX, "revocation"))),
          expect="not-verified", check="status", reason="status.list-proof-invalid",
          breaks=f"the status list credential was changed after signing; its proof fails ({BSL} step: "
                 "verify the status list credential, STATUS_VERIFICATION_ERROR)")
    c.add("bad-ob3-bsl-list-too-short.json", ed.issue(badge(ed, 6, status_entry(short, CLEAR_INDEX, "revocation"))),
          expect="not-verified", check="status", reason="status.too-short",
          breaks=f"the list has 8,192 entries, fewer than the 131,072 herd privacy requires ({BSL}, "
                 "STATUS_LIST_LENGTH_ERROR)")


def _flip_list(signed: dict) -> dict:
    """The signed list with another bit set after signing: the list's own proof must fail."""
    out = copy.deepcopy(signed)
    bits = StatusList.decode(out["credentialSubject"]["encodedList"])
    bits.set(CLEAR_INDEX)
    out["credentialSubject"]["encodedList"] = bits.encode()
    return out


def _revocation_list(c: Corpus, ed: Signer) -> None:
    url, missing, not_list = (f"{HOST}/status/1edtech/revocations", f"{HOST}/status/1edtech/unserved",
                              f"{HOST}/status/1edtech/not-a-list")
    clear, revoked = badge(ed, 11, revocationlist.status_entry(url)), badge(ed, 12, revocationlist.status_entry(url))
    listed = revocationlist.revocation_list(url, ed.did, ["urn:uuid:00000000-0000-4000-8000-000000000000", revoked["id"]])
    listed["revokedCredentials"][1]["revocationReason"] = "awarded in error"
    c.resource(url, "list-1edtech-revocations.json", listed)
    c.resource(not_list, "list-1edtech-not-a-list.json", {"id": not_list, "revoked": [revoked["id"]]})

    c.add("ob3-1edtech-clear.json", ed.issue(clear), expect="verified")
    c.add("bad-ob3-1edtech-revoked.json", ed.issue(revoked), expect="not-verified", check="status",
          reason="status.revocation",
          breaks=f"the credential's id is in the list's revokedCredentials with revoked omitted ({VCRL})")
    # OB 3.0: "If the request is unsuccessful, report a warning, not an error": never a verdict
    # against the credential. verify makes a fetch it could not complete (here: a host it was
    # not allowed) "cannot judge" (exit 2, the refusal named); a list it read but that is not a
    # RevocationList is a warning on a verified credential.
    c.add("ob3-1edtech-list-unreadable.json", ed.issue(badge(ed, 13, revocationlist.status_entry(missing))),
          expect="cannot-judge", because="status/1edtech/unserved")
    c.add("ob3-1edtech-list-malformed.json", ed.issue(badge(ed, 14, revocationlist.status_entry(not_list))),
          expect="verified", warning=revocationlist.MALFORMED_LIST)
