"""Named fault switches for the reference vendors.

Every check in suites/ must be shown to fail against at least one deliberately broken
reference vendor (DESIGN §3 "Fault switches"), so each fault breaks exactly one thing,
named after the rule it breaks. Issuer faults start with ``issuer.``, verifier faults with
``verifier.``, wallet faults with ``wallet.``. docs/FAULTS.md is generated from CATALOG (`python -m ler_interop.reference.faults`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .faults_oid4vci import OID4VCI_FAULTS
from .faults_oid4vp import OID4VP_FAULTS
from .faults_wallet import WALLET_FAULTS

CATALOG: dict[str, str] = {
    # -- issuer -----------------------------------------------------------------------------
    "issuer.drop-unicode": "replaces every non-ASCII character in `name` values with '?'",
    "issuer.no-valid-from": "does not add `validFrom` when the request has none",
    "issuer.bad-signature": "signs different bytes than it returns (the proof does not verify)",
    "issuer.500-on-malformed": "answers malformed issue requests with 500 and a stack trace instead of 400",
    "issuer.ignore-auth": "issues without checking the bearer token",
    "issuer.small-status-list": "status lists have 16,384 entries instead of 131,072 (weak herd privacy)",
    "issuer.status-not-updated": "the status endpoint answers 200 but the status list never changes",
    "issuer.drop-evidence": "removes every `evidence` property from issued credentials",
    "issuer.drop-alignment": "removes every `alignment` property from issued credentials",
    "issuer.drop-language-map": "collapses `{@value, @language}` objects to their plain string",
    "issuer.schema-invalid": "removes `achievement.criteria` (OB 3.0 schema-invalid)",
    "issuer.malformed-status-entry": "writes `statusListIndex` as a JSON number instead of a string",
    "issuer.foreign-key": "signs with a did:key that the issuer DID does not list",
    "issuer.no-status": "issues credentials without `credentialStatus`",
    "issuer.issue-200": "answers a successful issue with 200 instead of 201 Created",
    "issuer.undefined-term": "adds `issuedVia`, a property no @context defines, and signs anyway",
    "issuer.strip-offset": "rewrites a `validFrom` with a non-UTC offset to a local time without any offset",
    "issuer.drop-ext-types": "replaces an `ext:` extension `achievementType` by \"Achievement\"",
    "issuer.drop-results": "removes `result` from the subject and `resultDescription` from the achievement",
    "issuer.ignore-cryptosuite": "ignores `options.cryptosuite` and always signs with eddsa-rdfc-2022, unknown names too",
    "issuer.status-list-bad-proof": "serves status list credentials whose proof does not verify (encodedList re-encoded after signing)",
    "issuer.inverted-status-bits": "publishes status lists with the bits inverted (a clear credential's bit is 1)",
    "issuer.private-status-list": "serves status lists without an Access-Control-Allow-Origin header",
    "issuer.flip-direction": "flips every `@direction` (rtl <-> ltr) after signing",
    # -- verifier ---------------------------------------------------------------------------
    "verifier.accept-tampered": "accepts credentials whose signature does not verify",
    "verifier.accept-wrong-key": "accepts proofs by keys the issuer does not control or that cannot be found",
    "verifier.accept-unknown-cryptosuite": "accepts proofs with a cryptosuite it does not know",
    "verifier.ignore-expiry": "accepts credentials past their `validUntil`",
    "verifier.ignore-valid-from": "accepts credentials before their `validFrom`",
    "verifier.ignore-revocation": "accepts revoked credentials",
    "verifier.ignore-suspension": "accepts suspended credentials",
    "verifier.ignore-challenge": "accepts presentations whose proof challenge differs from the one asked",
    "verifier.ignore-domain": "accepts presentations whose proof domain differs from the one asked",
    "verifier.accept-undefined-terms": "accepts credentials with properties no @context defines",
    "verifier.accept-relative-type": "accepts credentials whose `type` values expand to relative IRIs",
    "verifier.500-on-reject": "answers 500 instead of 400 when it rejects",
    "verifier.reject-did-web": "cannot resolve did:web, so rejects every did:web issuer",
    "verifier.reject-language-maps": "rejects credentials holding `{@value, @language}` objects",
    "verifier.reject-all": "rejects every credential and presentation, valid ones too",
    "verifier.latin1-body": "decodes request bodies as Latin-1 instead of UTF-8 (non-ASCII names are mangled)",
    "verifier.normalise-unicode": "NFC-normalises every string of the artifact before verifying it",
    "verifier.ignore-direction": (
        "ignores each `@direction` it is sent and re-derives it from the text's first strong character "
        "before verifying (a direction changed after signing goes unnoticed)"),
    "verifier.no-rdf-direction": (
        "canonicalises without `rdfDirection` (direction-blind, pyld's default) and lets the dropped "
        "`@direction` pass, so it rejects correctly signed right-to-left values"),
    "verifier.ignore-proof-purpose": (
        "accepts proofs whose proofPurpose is not the expected one (assertionMethod for credentials), "
        "without checking their signature"),
    "verifier.ignore-proof-expiry": "accepts proofs past their `expires`, without checking their signature",
    "verifier.500-on-malformed": "answers a verify request that is not JSON with 500 and a stack trace",
    "verifier.require-account": "answers 401 to every verify request without a valid bearer token",
    # -- OpenID4VCI issuer and OpenID4VP verifier (their own modules) ------------------------
    **OID4VCI_FAULTS,
    **OID4VP_FAULTS,
    # -- the reference wallet (its own module) ------------------------------------------------
    **WALLET_FAULTS,
}

# Verifier faults that are just "treat these checks / failure reasons as passing" in the
# toolkit's CredentialVerifier (its `ignore` set): check names or failure reasons.
VERIFIER_IGNORES: dict[str, frozenset[str]] = {
    "verifier.accept-tampered": frozenset({"bad-signature"}),
    "verifier.accept-wrong-key": frozenset({"key-not-found", "key-not-authorized", "issuer-binding"}),
    "verifier.accept-unknown-cryptosuite": frozenset({"unknown-cryptosuite"}),
    "verifier.ignore-expiry": frozenset({"validity.expired"}),
    "verifier.ignore-valid-from": frozenset({"validity.not-yet-valid"}),
    "verifier.ignore-revocation": frozenset({"status.revocation"}),
    "verifier.ignore-suspension": frozenset({"status.suspension"}),
    "verifier.ignore-challenge": frozenset({"challenge-mismatch"}),
    "verifier.ignore-domain": frozenset({"domain-mismatch"}),
    # Finding rules: a check is forgiven when every one of its findings breaks only these.
    "verifier.accept-undefined-terms": frozenset({"jsonld.safe-mode.dropped-term"}),
    "verifier.accept-relative-type": frozenset({"jsonld.safe-mode.relative-type"}),
    "verifier.no-rdf-direction": frozenset({"jsonld.safe-mode.dropped-direction"}),
    # Data Integrity rejects these before checking the signature, so the fault skips it too.
    "verifier.ignore-proof-purpose": frozenset({"wrong-proof-purpose"}),
    "verifier.ignore-proof-expiry": frozenset({"proof-expired"}),
}


class UnknownFault(ValueError):
    """A fault name that is not in CATALOG."""


def parse_faults(names: Iterable[str] | None) -> frozenset[str]:
    """Validate fault names; raise UnknownFault listing the known ones."""
    chosen = frozenset(n.strip() for n in (names or ()) if n and n.strip())
    unknown = sorted(chosen - CATALOG.keys())
    if unknown:
        known = "\n  ".join(sorted(CATALOG))
        raise UnknownFault(f"unknown fault(s): {', '.join(unknown)}; known faults:\n  {known}")
    return chosen


def verifier_ignores(faults: frozenset[str]) -> frozenset[str]:
    """The CredentialVerifier `ignore` set the active verifier faults amount to."""
    out: set[str] = set()
    for name in faults:
        out |= VERIFIER_IGNORES.get(name, frozenset())
    return frozenset(out)


def catalog_markdown() -> str:
    lines = [
        "# Fault switches of the reference vendors",
        "",
        "Generated from `ler_interop.reference.faults.CATALOG` "
        "(`python -m ler_interop.reference.faults > docs/FAULTS.md`).",
        "Start a broken reference with `ler-interop serve --fault NAME ...`; tests/test_reference.py",
        "shows each fault changes the behaviour it names.",
        "",
        "| fault | effect |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {text} |" for name, text in CATALOG.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalog_markdown(), end="")
