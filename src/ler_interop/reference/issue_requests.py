"""Validation of the reference issuer's VC API requests (issue and status update).

Each refusal is a BadRequest naming what is wrong; the issuer turns it into problem details.
"""

from __future__ import annotations

from typing import Any

from .identity import DEFAULT_CRYPTOSUITE
from .problems import BadRequest

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
STATUS_TYPES = ("BitstringStatusList", "BitstringStatusListEntry")


def types_of(doc: dict) -> list:
    return doc["type"] if isinstance(doc.get("type"), list) else [doc.get("type")]


def validate_issue_request(body: dict[str, Any]) -> tuple[dict, dict]:
    """The VC API IssueCredentialRequest: {credential: object, options?: object}."""
    if "credential" not in body:
        raise BadRequest("missing-credential", "Missing credential", "request body has no `credential`")
    credential, options = body["credential"], body.get("options")
    options = {} if options is None else options
    if not isinstance(credential, dict):
        raise BadRequest("malformed-credential", "Malformed credential", "`credential` must be a JSON object")
    if not isinstance(options, dict):
        raise BadRequest("malformed-options", "Malformed options", "`options` must be a JSON object")
    for name in ("@context", "type"):
        if name not in credential:
            raise BadRequest("malformed-credential", "Malformed credential", f"`credential` has no `{name}`")
    contexts = credential["@context"] if isinstance(credential["@context"], list) else [credential["@context"]]
    if not contexts or contexts[0] != VC_V2_CONTEXT:
        # VCDM 2.0 §4.3: the first @context value MUST be the v2 context; v1 is not issued here.
        raise BadRequest("malformed-credential", "Unsupported data model",
                         f"the first `@context` must be {VC_V2_CONTEXT} (VCDM 2.0)")
    if "VerifiableCredential" not in types_of(credential):
        raise BadRequest("malformed-credential", "Malformed credential", "`type` must include VerifiableCredential")
    subjects = credential.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    if not subjects or not all(isinstance(x, dict) for x in subjects):
        # VCDM 2.0 §4.8: credentialSubject is one or more objects.
        raise BadRequest("malformed-credential", "Malformed credential",
                         "`credentialSubject` must be an object or a non-empty list of objects")
    cryptosuite = options.get("cryptosuite", DEFAULT_CRYPTOSUITE)
    if not isinstance(cryptosuite, str):
        raise BadRequest("unknown-cryptosuite", "Unsupported cryptosuite", "`options.cryptosuite` must be a string")
    return credential, options


def validate_status_request(body: dict[str, Any]) -> tuple[str, list[tuple[str, bool]]]:
    """UpdateCredentialStatusRequest (https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/#update-status).

    Current shape: {credentialId, credentialStatus: {type, statusPurpose}, status: bool};
    also accepted, the earlier list shape: credentialStatus: [{type, statusPurpose, status}].
    """
    credential_id = body.get("credentialId")
    if not isinstance(credential_id, str) or not credential_id:
        raise BadRequest("malformed-request", "Malformed request", "`credentialId` must be a non-empty string")
    items = body.get("credentialStatus")
    if isinstance(items, dict):
        items = [{**items, "status": body.get("status")}]
    if not isinstance(items, list) or not items:
        raise BadRequest("malformed-request", "Malformed request", "`credentialStatus` must be an object or a non-empty list")
    changes = []
    for item in items:
        if not isinstance(item, dict):
            raise BadRequest("malformed-request", "Malformed request", "each `credentialStatus` must be an object")
        if item.get("type") not in STATUS_TYPES:
            raise BadRequest("malformed-request", "Unsupported status type",
                             f"`credentialStatus.type` must be one of {', '.join(STATUS_TYPES)}")
        purpose, value = item.get("statusPurpose"), item.get("status")
        if not isinstance(purpose, str):
            raise BadRequest("malformed-request", "Malformed request", "`statusPurpose` must be a string")
        if not isinstance(value, bool):
            raise BadRequest("malformed-request", "Malformed request", "`status` must be true or false")
        changes.append((purpose, value))
    return credential_id, changes
