"""What checks need besides a vendor client: the suite's own verifier, wired to a vendor's
declared hosts, and small comparisons that read like the spec sentences they test."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..credentials import tokenstatus
from ..credentials.did import DidResolver
from ..credentials.verifier import CredentialVerifier
from ..net import LOOPBACK_NAMES, Http, NetError



def suite_verifier(http: Http, trust_anchors: Sequence[Any] = ()) -> CredentialVerifier:
    """The suite's independent verifier, fetching only through the given guarded client.
    `trust_anchors`: X.509 certificates an SD-JWT VC's `x5c` chain may end at (the manifest's)."""
    # did:web over plain http only for loopback hosts (the reference vendors and the suite's
    # own counterpart host); everywhere else did:web means https (did:web §3.2.1).
    resolver = DidResolver(http=http, http_hosts=set(LOOPBACK_NAMES))

    def fetch_json(url: str) -> Any:
        response = http.get(url, headers={"accept": "application/json"})
        if response.status_code != 200:
            raise NetError(f"{url} answered HTTP {response.status_code}")
        return response.json()

    def fetch_text(url: str) -> str:
        response = http.get(url, headers={"accept": tokenstatus.MEDIA_TYPE})
        if response.status_code != 200:
            raise NetError(f"{url} answered HTTP {response.status_code}")
        return response.text

    return CredentialVerifier(resolver, fetch_json=fetch_json, fetch_text=fetch_text, raise_transport_errors=True,
                              trust_anchors=list(trust_anchors))


def assert_open_badge_schema(result: Any, what: str) -> None:
    """An Open Badge asked for must be one: a credential claiming no OB 3.0 / CLR 2.0 type has
    nothing the schema could be checked against, and that is a failure, never a pass."""
    from ..credentials.verifier import NO_PROFILE

    check = result.check("schema")
    assert check is not None, f"{what}: not readable as a credential ({'; '.join(result.errors)[:300]})"
    assert check.reason != NO_PROFILE, (f"{what} claims no Open Badges 3.0 type (OpenBadgeCredential or "
                                        "AchievementCredential): nothing to validate against the OB 3.0 schema")
    assert check.ok, f"{what}: {check.message}"


def first_subject(credential: dict) -> dict:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    return subject if isinstance(subject, dict) else {}


def missing_claims(sent: Any, got: Any, path: str = "$") -> list[str]:
    """JSON paths of everything in `sent` that is absent or different in `got`. Issuers may
    add (proof, status, ids) but must not drop or rewrite what they were given. JSON-LD arrays
    are unordered sets (unless @list), so items match in any order, and a one-item array may
    come back as the item itself, or a scalar as a one-item array."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            return [path]
        out: list[str] = []
        for key, value in sent.items():
            out += missing_claims(value, got.get(key), f"{path}.{key}") if key in got else [f"{path}.{key}"]
        return out
    if isinstance(sent, list):
        items = got if isinstance(got, list) else [got]
        unused = list(range(len(items)))
        out = []
        for i, item in enumerate(sent):
            match = next((j for j in unused if not missing_claims(item, items[j])), None)
            if match is not None:
                unused.remove(match)
            else:  # explain against the same position, where there is one
                out += missing_claims(item, items[i], f"{path}[{i}]") if i < len(items) else [f"{path}[{i}]"]
        return out
    if isinstance(got, list) and len(got) == 1:
        got = got[0]
    return [] if sent == got else [f"{path} (sent {sent!r}, got {got!r})"]


def proof_cryptosuites(credential: dict) -> list[str]:
    """The cryptosuites of a credential's proof (or proof set)."""
    proof = credential.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    return [p.get("cryptosuite") for p in proofs if isinstance(p, dict)]


# The VC API's issue options are `credentialId` and `mandatoryPointers` only (its
# IssueCredentialOptions schema has additionalProperties: false); an issuer instance signs with
# the cryptosuite it is configured with. Asking for one by an `options.cryptosuite` is an
# extension the suite uses only with issuers that declare this token.
CRYPTOSUITE_OPTION = "issue-option:cryptosuite"


def cryptosuite_options(vendor: Any, cryptosuite: str) -> dict[str, str]:
    """The issue options that ask `vendor` for `cryptosuite`: none unless it declares the extension."""
    return {"cryptosuite": cryptosuite} if vendor.supports("issuer", CRYPTOSUITE_OPTION) else {}


def require_cryptosuite(vendor: Any, credential: dict, cryptosuite: str) -> None:
    """A credential issued without the extension is judged only if it used `cryptosuite` by
    default; otherwise the suite had no defined way to ask for it: `unsupported`."""
    used = proof_cryptosuites(credential)
    if cryptosuite not in used and not vendor.supports("issuer", CRYPTOSUITE_OPTION):
        from ..outcomes import unsupported

        unsupported(f"{vendor.id}'s issuer signs with {', '.join(map(str, used)) or 'no cryptosuite'} by default, and "
                    f"the VC API defines no issue option to ask for {cryptosuite} (declare {CRYPTOSUITE_OPTION} "
                    "if the issuer takes `options.cryptosuite`)")


def credential_id(credential: dict) -> str:
    """The issued credential's id, which status updates address; without one, nothing can be judged."""
    from ..outcomes import vendor_error

    ident = credential.get("id")
    if not isinstance(ident, str) or not ident:
        vendor_error("the issued credential has no `id`, so its status cannot be updated through the VC API")
    return ident


def achievement_of(credential: dict) -> dict:
    """The subject's `achievement` object; a vendor that returns anything else fails the check
    that reads it (an assertion), rather than crashing it."""
    achievement = first_subject(credential).get("achievement")
    assert isinstance(achievement, dict), f"credentialSubject.achievement is not an object: {str(achievement)[:120]!r}"
    return achievement


# An issuer that declares no `issuer_id` is asked to issue as this placeholder; VC API issuers
# commonly replace it with their own DID, which the checks then read back.
PLACEHOLDER_ISSUER = "did:example:ler-interop-issuer"


def declared_issuer_id(vendor: Any) -> str:
    """The issuer id to put in credentials sent to `vendor`'s VC API issuer."""
    return vendor.protocol("issuer", "vc-api").get("issuer_id") or PLACEHOLDER_ISSUER


def issue_through(vendor: Any, credential: dict, **extra_options: Any) -> dict:
    """Issue through the vendor's VC API issuer with its declared options (plus extra ones) and
    return the issued credential; no credential in the answer is a VendorAnswerError."""
    from .vcapi import VcApiClient

    config = vendor.protocol("issuer", "vc-api")
    client = VcApiClient(vendor.http)
    response = client.issue(config["issue"], credential, {**(config.get("options") or {}), **extra_options})
    return client.issued_credential(response)
