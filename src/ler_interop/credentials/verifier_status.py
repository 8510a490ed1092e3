"""The `status` check of the suite's verifier: Bitstring Status List and the 1EdTech Revocation
List for JSON-LD credentials (statuslist.py, revocationlist.py), the IETF Token Status List for
SD-JWT VCs (tokenstatus.py). A list the verifier could not fetch is not a verdict against the
credential when `raise_transport_errors` is set: the fetch error goes up (verify: exit 2; a
vendor run: `error`). A status list is itself a credential, verified without its own status.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from ..net import NetError
from . import statuslist, tokenstatus
from .findings import Check

if TYPE_CHECKING:
    from .findings import VerificationResult


class StatusChecks:
    """Mixed into CredentialVerifier, whose fields and verify_credential these use."""

    fetch_json: Callable[[str], Any] | None
    fetch_text: Callable[[str], str] | None
    raise_transport_errors: bool
    resolver: Any
    _now: datetime
    sd_jwt_issuer_keys: Any
    verify_credential: Callable[..., "VerificationResult"]

    def _status_check(self, doc: dict) -> Check:
        entries = doc.get("credentialStatus")
        if not entries:
            return Check("status", True, "no credentialStatus")
        if self.fetch_json is None:
            return Check("status", False, "status not checked: no status list fetcher configured", reason="status.unchecked")
        transport: list[Exception] = []

        def fetch(url: str) -> Any:
            try:
                return self.fetch_json(url)
            except NetError as exc:
                transport.append(exc)
                raise

        try:
            results = statuslist.check_status(doc, fetch, verify_list=self._verify_list, now=self._now)
        except Exception as exc:  # a hostile status list must not crash the verifier
            if isinstance(exc, NetError) and self.raise_transport_errors:
                raise
            return Check("status", False, f"status could not be checked: {exc}", reason="status.error")
        if transport and self.raise_transport_errors:
            raise transport[0]
        bad = [r for r in results if not r.ok]
        if bad:
            # Distinct reasons: an unreadable list, a list too short for herd privacy, and a
            # status type this suite does not check are different findings for a report.
            return Check("status", False, "; ".join(r.message for r in bad), reason=f"status.{bad[0].reason or 'error'}",
                         findings=[f for r in bad for f in r.findings])
        flagged = [r for r in results if r.is_set and r.purpose in ("revocation", "suspension")]
        if flagged:
            r = flagged[0]
            where = f"(index {r.index})" if r.index is not None else f"({r.message})"
            return Check("status", False, f"credential is {'revoked' if r.purpose == 'revocation' else 'suspended'} "
                         f"{where}", reason=f"status.{r.purpose}")
        return Check("status", True, "; ".join(r.message for r in results) or "status clear",
                     warnings=[w for r in results for w in r.warnings])

    def _sd_jwt_status(self, claims: dict) -> Check:
        """SD-JWT VC status is an IETF Token Status List reference (tokenstatus.py)."""
        if "status" not in claims:
            return Check("status", True, "no status claim")
        if self.fetch_text is None:
            return Check("status", False, "status not checked: no status list fetcher configured", reason="status.unchecked")
        iss = claims.get("iss") if isinstance(claims.get("iss"), str) else None
        try:
            value = tokenstatus.status_of(claims, self.fetch_text, self.resolver.resolve_vm, issuer=iss, now=self._now,
                                          issuer_key=self.sd_jwt_issuer_keys)
        except tokenstatus.TokenStatusError as exc:
            return Check("status", False, f"status could not be checked: {exc}", reason=f"status.{exc.reason}")
        except Exception as exc:  # a hostile status list must not crash the verifier
            if isinstance(exc, NetError) and self.raise_transport_errors:
                raise
            return Check("status", False, f"status could not be checked: {exc}", reason="status.error")
        if value == tokenstatus.VALID:
            return Check("status", True, "token status list: valid")
        reason = {tokenstatus.INVALID: "status.revocation", tokenstatus.SUSPENDED: "status.suspension"}.get(value, "status.flagged")
        return Check("status", False, f"token status list: {tokenstatus.describe(value)}", reason=reason)

    def _verify_list(self, list_credential: dict) -> bool | str:
        """True, or why the list's own proof, issuer binding or validity fails (for the report)."""
        # A status list's own credentialStatus is never followed: a list pointing at itself
        # (or at another list) would otherwise recurse through the vendor's host.
        result = self.verify_credential(list_credential, ignore={"schema"}, check_status=False)
        failed = [c for c in result.checks if c.name in ("proof", "issuer-binding", "validity") and not c.ok]
        return "; ".join(f"{c.name}{f' [{c.reason}]' if c.reason else ''}: {c.message}" for c in failed) or True
