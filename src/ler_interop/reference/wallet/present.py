"""Presenting over OpenID4VP 1.0
(https://openid.net/specs/openid-4-verifiable-presentations-1_0.html).

After the request is vetted (request.py): consent; the DCQL query (§6.4) over the credentials
the wallet holds keys for; each selected credential's status (Bitstring Status List for W3C
formats, Token Status List for SD-JWT VC): revoked, suspended or expired ones are left out and
named in `warnings`, and the query is evaluated again without them; then one presentation
per credential, bound to the request's `nonce` and full `client_id` (§14.1.2, Appendix B):
ldp_vc proof challenge/domain, jwt_vc_json VP JWT nonce/aud, SD-JWT KB-JWT nonce/aud with
only the asked claims disclosed (§6.4.1). The answer is POSTed form-encoded (`vp_token` =
JSON keyed by credential query id, `state`) to the response_uri (§8.2), redirects not
followed. Decline or no match: `error=access_denied` + `state` (§8.5).
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from ...credentials import crafting, jwtvc, sdjwt
from ...net import NetError
from ...protocols import dcql
from ...protocols.oid4vp_request import AuthorizationRequest
from .errors import RequestRejected
from .reading import candidate
from .request import fetch_request, response_uri, state_of
from .store import StoredCredential
from .tools import Outbound

if TYPE_CHECKING:
    from . import ReferenceWallet

# Toolkit failure reasons that keep a credential out of a presentation, and the warning reason.
LEFT_OUT = {"status.revocation": "revoked", "status.suspension": "suspended", "validity.expired": "expired",
            "proof-expired": "expired"}


def present(wallet: "ReferenceWallet", url: str, accept: bool) -> dict[str, Any]:
    with Outbound(wallet.allowed_hosts()) as out:
        request = fetch_request(out, url, wallet.faults)
        return Presenter(wallet, out, request).run(accept)


class Presenter:
    def __init__(self, wallet: "ReferenceWallet", out: Outbound, request: AuthorizationRequest):
        self.wallet, self.out, self.request = wallet, out, request
        self.faults = wallet.faults
        self.query: dict[str, Any] = request.get("dcql_query")
        self.warnings: list[dict[str, str]] = []

    def has(self, fault: str) -> bool:
        return fault in self.faults

    def run(self, accept: bool) -> dict[str, Any]:
        if not accept and not self.has("wallet.ignore-decline"):
            return self.refuse("declined")
        selection = self.select()
        if selection is None:
            return self.refuse("no_match")
        vp_token: dict[str, list[Any]] = {}
        presented: list[str] = []
        for qid, candidates in selection.credentials.items():
            fmt = candidates[0].format
            key = fmt if self.has("wallet.vp-token-by-format") else qid
            for c in candidates:
                vp_token.setdefault(key, []).append(self.presentation(c.ref, selection.disclose.get(qid, [])))
                presented.append(c.ref.id)
        form = {"vp_token": json.dumps(vp_token, separators=(",", ":"), ensure_ascii=False)}
        status = self.post(form)
        answer: dict[str, Any] = {"status": "presented", "presented": list(dict.fromkeys(presented)),
                                  "warnings": self.warnings}
        if status is not None:
            answer["verifier_status"] = status
        return answer

    # -- answering ----------------------------------------------------------------------------
    def post(self, form: dict[str, str]) -> int | None:
        state = state_of(self.request)
        if isinstance(state, str) and not self.has("wallet.no-state"):
            form["state"] = state
        try:  # §8.2: form-encoded UTF-8; the Response URI's redirect is not followed
            return self.out.post(response_uri(self.request), data=form).status_code
        except NetError as exc:
            raise RequestRejected(f"the response could not be delivered to the response_uri: {exc}") from None

    def refuse(self, status: str) -> dict[str, Any]:
        answer: dict[str, Any] = {"status": status}
        if self.warnings:
            answer["warnings"] = self.warnings
        if not self.has("wallet.no-decline-error"):  # §8.5 access_denied: no consent, or nothing to share
            answer["verifier_status"] = self.post({"error": "access_denied"})
        return answer

    # -- choosing -------------------------------------------------------------------------------
    def pool(self) -> list[dcql.Candidate]:
        """What can be presented: readable credentials with a holder key (imported ones have none)."""
        out = []
        for item in self.wallet.store.all():
            if item.holder is None:
                continue
            try:
                out.append(candidate(item.credential, item.format, item))
            except Exception:  # a credential stored in a broken form (a fault) is not presentable
                continue
        return out

    def select(self) -> dcql.Selection | None:
        pool = self.pool()
        checked: dict[str, str | None] = {}
        while True:
            selection = self._unasked(pool) if self.has("wallet.present-unasked") else dcql.select(self.query, pool)
            if selection is None or self.has("wallet.present-revoked-silently"):
                return selection
            fresh = [c for cs in selection.credentials.values() for c in cs if c.ref.id not in checked]
            for c in fresh:
                checked[c.ref.id] = self.left_out_reason(c.ref)
            if not any(checked[c.ref.id] for c in fresh):
                return selection
            pool = [c for c in pool if not checked.get(c.ref.id)]

    def _unasked(self, pool: list[dcql.Candidate]) -> dcql.Selection | None:
        """wallet.present-unasked: every credential of each asked format, matching or not."""
        selection = dcql.Selection()
        for cq in self.query["credentials"]:
            found = [c for c in pool if c.format == cq.get("format")]
            if found:
                selection.credentials[cq["id"]] = found
                selection.disclose[cq["id"]] = [tuple(claim["path"]) for claim in cq.get("claims") or []]
        return selection if selection.credentials else None

    def left_out_reason(self, item: StoredCredential) -> str | None:
        """Revoked, suspended or expired (warned about), else None. A status that cannot be
        fetched is no reason to hold the credential back; the verifier judges it."""
        result = self.out.toolkit.verify_credential(item.credential)
        for check in result.checks:
            reason = LEFT_OUT.get(check.reason or "")
            if not check.ok and reason is not None:
                self.warnings.append({"credential": item.id, "reason": reason, "description": check.message[:300]})
                return reason
        return None

    # -- building ---------------------------------------------------------------------------------
    def binding(self) -> tuple[str, str]:
        """(nonce, audience): the request's nonce and its full client_id, prefix included (§14.1.2)."""
        nonce, client_id = str(self.request.get("nonce")), str(self.request.client_id)
        if self.has("wallet.present-wrong-nonce"):
            nonce = secrets.token_urlsafe(32)
        if self.has("wallet.present-wrong-audience"):
            client_id = str(self.request.original_client_id)  # the prefix dropped
        return nonce, client_id

    def presentation(self, item: StoredCredential, disclose: list[tuple[Any, ...]]) -> Any:
        holder = item.holder
        assert holder is not None  # pool() only takes credentials with a key
        nonce, aud = self.binding()
        if item.format == "dc+sd-jwt":
            # Appendix B.3.6: SD-JWT+KB; `()` is an ancestor of every claim (wallet.disclose-all).
            paths = [()] if self.has("wallet.disclose-all") else [] if self.has("wallet.disclose-none") else disclose
            return sdjwt.present(item.credential, paths, holder_key=holder.key, nonce=nonce, aud=aud)
        signer = crafting.Signer(holder.key, holder.did, holder.kid)
        if item.format == "jwt_vc_json":  # Appendix B.1.3.1.5: VP JWT nonce / aud
            return jwtvc.sign_jwt_vp([item.credential], holder.key, holder.kid, holder=holder.did, nonce=nonce, aud=aud)
        # Appendix B.1.3.2.5: Data Integrity proof challenge = nonce, domain = client_id
        return crafting.presentation(signer, [item.credential], challenge=nonce, domain=aud)
