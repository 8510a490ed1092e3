"""W3C VC API (VCALM) client: issue, verify, update status — and how to read the answers.

Spec: https://www.w3.org/community/reports/credentials/CG-FINAL-vcalm-20260320/ — issue: POST /credentials/issue {credential, options}
-> 201 {verifiableCredential}; verify: POST /credentials/verify {verifiableCredential, options}
-> 200 {verified: true} / 400 with errors; POST /presentations/verify {verifiablePresentation,
options: {challenge, domain}}; POST /credentials/status.

The classification below is the heart of every negative check: only a 4xx that *says* it
rejected (`verified: false` or a problem-details body) is a rejection. A 401/403 (auth), 404/405
(wrong endpoint), 5xx (crash) or a timeout is the vendor failing to answer, never a pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import redact
from ..net import Http, JsonTooDeep, NetError, Response

# 4xx answers that are about the request's plumbing, not about the credential or its input.
NOT_A_VERDICT = {401, 403, 404, 405, 406, 408, 413, 415, 429}
# The answers that say "this input is wrong / this credential does not verify".
REJECTION_STATUSES = {400, 422}


class VendorAnswerError(NetError):
    """The vendor answered, but not in a way a check can judge (outcome `error`)."""


@dataclass
class Verdict:
    accepted: bool
    status: int
    body: Any
    message: str


_quote = redact.quote


def json_body(response: Response) -> Any:
    """The parsed body, or None when it is not JSON. JSON nested past the cap raises
    JsonTooDeep (a NetError): the check could not judge, so its outcome is `error`."""
    try:
        return response.json()
    except JsonTooDeep:
        raise
    except ValueError:
        return None


def _is_problem_details(body: Any) -> bool:
    """RFC 9457 problem details (`type` and `title`) or a VC API `errors` list with content."""
    if not isinstance(body, dict):
        return False
    return (isinstance(body.get("type"), str) and isinstance(body.get("title"), str)) or bool(body.get("errors"))


def classify_verify(response: Response) -> Verdict:
    """Turn a /credentials/verify or /presentations/verify answer into a verdict, or raise
    VendorAnswerError when the answer is no verdict at all.

    Accepted: 200 with `verified: true` (the boolean) and no errors. Rejected: 400 or 422 with
    `verified: false` or problem details; 200 with `verified: false` is a rejection in the wrong
    class (negative checks fail on it). Anything else — 401/403/404, other 4xx, 5xx, a 4xx
    claiming `verified: true`, a non-boolean `verified` — is no verdict, so the check errors.
    """
    body = json_body(response)
    status = response.status_code
    verified = body.get("verified") if isinstance(body, dict) else None
    if status == 200:
        if verified is True and not body.get("errors"):
            return Verdict(True, status, body, "200 verified: true")
        if verified is False:
            return Verdict(False, status, body, "200 with verified: false (VC API answers 400 for a failed verification)")
        raise VendorAnswerError(f"200 without a boolean `verified` (or with errors): {_quote(body)}")
    if status in REJECTION_STATUSES and verified is not True and (verified is False or _is_problem_details(body)):
        return Verdict(False, status, body, f"{status} rejection ({_summary(body)})")
    raise VendorAnswerError(f"HTTP {status} is not a verification verdict: {_quote(body)}")


def is_proper_rejection(verdict: Verdict) -> bool:
    """A rejection in the class the VC API requires: 400/422, not 200 + verified:false."""
    return not verdict.accepted and verdict.status in REJECTION_STATUSES


def assert_bad_input_rejected(response: Response, what: str) -> None:
    """A malformed request must get 400 or 422: a 2xx accepted garbage and a 5xx crashed
    (both fail); 401/403/404/405 and other plumbing answers say nothing about the input."""
    from ..outcomes import vendor_error

    status = response.status_code
    if status in NOT_A_VERDICT:
        vendor_error(f"{what}: answered {status}, which says nothing about the input (check auth and endpoint)")
    assert not 200 <= status < 300, f"{what}: accepted with {status}"
    assert status < 500, f"{what}: crashed with {status}; a malformed request deserves 400 or 422"
    assert status in REJECTION_STATUSES, f"{what}: answered {status}, expected 400 or 422"


def _summary(body: dict) -> str:
    for key in ("detail", "title", "message"):
        if isinstance(body.get(key), str):
            return _quote(body[key], 160)
    errors = body.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        return _quote(first.get("message") or first.get("title") or first if isinstance(first, dict) else first, 160)
    return "verified: false"


class VcApiClient:
    """Thin client over a vendor's endpoints; every call goes through the vendor's guarded Http."""

    def __init__(self, http: Http):
        self.http = http

    def issue(self, url: str, credential: Any, options: dict | None = None) -> Response:
        body = {"credential": credential, "options": options or {}}
        return self.http.post(url, json=body)

    def issued_credential(self, response: Response) -> dict:
        """The credential in a 201 answer, or VendorAnswerError when the answer has none."""
        body = json_body(response)
        if response.status_code not in (200, 201):
            raise VendorAnswerError(f"issue answered HTTP {response.status_code}: {_quote(body)}")
        vc = body.get("verifiableCredential") if isinstance(body, dict) else None
        if not isinstance(vc, dict):
            raise VendorAnswerError("issue answer has no `verifiableCredential` object")
        return vc

    def verify_credential(self, url: str, vc: Any, options: dict | None = None) -> Response:
        return self.http.post(url, json={"verifiableCredential": vc, "options": options or {}})

    def verify_presentation(self, url: str, vp: Any, options: dict | None = None) -> Response:
        return self.http.post(url, json={"verifiablePresentation": vp, "options": options or {}})

    def update_status(self, url: str, credential_id: str, purpose: str, value: bool) -> Response:
        body = {
            "credentialId": credential_id,
            "credentialStatus": [{"type": "BitstringStatusListEntry", "status": value, "statusPurpose": purpose}],
        }
        return self.http.post(url, json=body)


def assert_accepted(verdict: Verdict, what: str) -> None:
    assert verdict.accepted, f"rejected {what}: {verdict.message}"


def assert_rejected(verdict: Verdict, what: str) -> None:
    """Only a proper rejection passes: 4xx with verified:false or problem details."""
    assert not verdict.accepted, f"accepted {what} ({verdict.message})"
    assert is_proper_rejection(verdict), f"rejected {what} but not as the VC API requires: {verdict.message}"


def _warnings(body: Any) -> list:
    if not isinstance(body, dict):
        return []
    return [w for key in ("warnings", "problemDetails") for w in (body.get(key) or []) if w]


def require_control(control: Verdict, artifact: str = "credential") -> None:
    """The positive control of a negative check: a verifier that refuses the suite's valid
    `artifact` cannot show it refuses a bad one, so the check is not judged (ControlRefused)."""
    from ..outcomes import control_refused

    if not control.accepted:
        control_refused(f"your verifier rejects the suite's valid {artifact}", control.message)


def assert_rejected_against_control(control: Verdict, verdict: Verdict, what: str, *,
                                    warning_suffices: bool = False, artifact: str = "credential") -> None:
    """A negative check with a positive control: the untouched twin of the broken artifact must
    be accepted first, or the check never exercised the safeguard (a verifier rejecting
    everything would otherwise "pass" every negative check) and cannot judge.

    warning_suffices: the VC API lets a verifier report validity-period and status problems as
    warnings beside `verified: true`; a warning the control did not get counts as flagging it.
    """
    require_control(control, artifact)
    if warning_suffices and verdict.accepted and len(_warnings(verdict.body)) > len(_warnings(control.body)):
        return
    assert_rejected(verdict, what)
