"""1EdTech Revocation List Status Method (vcrl v1.0), the status type Open Badges 3.0 names.

A credential's `credentialStatus` is `{"id": <list URL>, "type": "1EdTechRevocationList"}`;
the list at that URL is a plain JSON document whose `revokedCredentials` is an array of
`{"id": <credential id>, "revoked"?: boolean, "revocationReason"?: string}`. OB 3.0
(Verification and Validation, credential status step): fetch the list from the URL; "If the
credential's id is in the list of revokedCredentials and the value of revoked is true or
omitted, the issuer has revoked the credential"; "If the request is unsuccessful, report a
warning, not an error". So an unreadable or malformed list is a warning with a named reason,
never a verdict. The list carries no proof (it is not a credential): there is nothing of its
own to verify; it is trusted as far as the guarded HTTPS fetch from the issuer's host.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

SPEC = "https://www.imsglobal.org/spec/vcrl/v1p0/"
TYPE = "1EdTechRevocationList"
MAX_ENTRIES = 100_000  # entries scanned; a longer list is reported, not walked

# Reasons (warnings unless REVOKED).
MALFORMED_ENTRY = "revocation-list-entry"  # credentialStatus without a URL id
NO_CREDENTIAL_ID = "revocation-list-no-credential-id"  # nothing to look up in the list
UNREADABLE = "revocation-list-unreadable"  # the request was unsuccessful
MALFORMED_LIST = "revocation-list-malformed"  # fetched, but not a RevocationList
TOO_LARGE = "revocation-list-too-large"


@dataclass
class RevocationAnswer:
    """revoked: the credential is listed as revoked; warning: why the status is undetermined."""

    list_url: str | None
    revoked: bool = False
    warning: str | None = None
    reason: str | None = None
    message: str = ""


def check_entry(entry: dict, credential_id: Any, fetch: Callable[[str], Any]) -> RevocationAnswer:
    url = entry.get("id")
    if not isinstance(url, str) or ":" not in url:
        return _undetermined(None, MALFORMED_ENTRY, "a 1EdTechRevocationList credentialStatus needs the list URL as its id")
    if not isinstance(credential_id, str) or not credential_id:
        return _undetermined(url, NO_CREDENTIAL_ID, "the credential has no id to look up in the revocation list")
    try:
        document = fetch(url)
    except Exception as exc:  # the caller's guarded fetch: any failure is an unsuccessful request
        return _undetermined(url, UNREADABLE, f"cannot fetch the revocation list {url}: {type(exc).__name__}: {exc}")
    revoked = document.get("revokedCredentials") if isinstance(document, dict) else None
    if not isinstance(revoked, list):
        return _undetermined(url, MALFORMED_LIST, f"{url} is not a revocation list (no revokedCredentials array)")
    if len(revoked) > MAX_ENTRIES:
        return _undetermined(url, TOO_LARGE, f"the revocation list at {url} has more than {MAX_ENTRIES} entries")
    for item in revoked:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) \
                or not isinstance(item.get("revoked", True), bool):
            return _undetermined(url, MALFORMED_LIST, f"the revocation list at {url} holds an entry that is not "
                                 "{id: string, revoked?: boolean}")
        if item["id"] == credential_id and item.get("revoked", True):
            why = item.get("revocationReason")
            detail = f": {why}" if isinstance(why, str) and why else ""
            return RevocationAnswer(url, True, message=f"listed as revoked in {url}{detail}")
    return RevocationAnswer(url, message=f"not revoked in {url}")


def _undetermined(url: str | None, reason: str, message: str) -> RevocationAnswer:
    return RevocationAnswer(url, warning=f"{reason}: {message} (status not determined)", reason=reason, message=message)


def revocation_list(list_url: str, issuer: str, revoked: list[str] | None = None) -> dict:
    """A RevocationList document (for the corpus and tests)."""
    return {"id": list_url, "issuer": issuer,
            "revokedCredentials": [{"id": cid, "revoked": True} for cid in revoked or []]}


def status_entry(list_url: str) -> dict:
    return {"id": list_url, "type": TYPE}
