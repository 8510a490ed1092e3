"""The suite playing the holder's wallet against a vendor's OpenID4VP verifier, so that a check
reads like the rule it tests: ask (the backchannel creates a request), build a presentation
in one format (optionally broken in exactly one way), answer, and read the verdict.

The suite holds its own holder key (a did:key) and signs as its own issuers.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..credentials import crafting
from . import oid4vp_present as present
from .oid4vp import Oid4vpClient, Transaction, Verdict
from .oid4vp_request import AuthorizationRequest


@dataclass
class Asked:
    """One presentation request as the wallet holds it."""

    transaction: Transaction
    request: AuthorizationRequest
    fmt: str

    @property
    def nonce(self) -> str:
        return str(self.request.get("nonce"))

    @property
    def client_id(self) -> str:
        return str(self.request.client_id)


class SuiteWallet:
    def __init__(self, client: Oid4vpClient, holder: crafting.Signer, issuer: crafting.Signer):
        self.client, self.holder, self.issuer = client, holder, issuer

    def ask(self, fmt: str, claims: Sequence[Sequence[Any]] = present.ASKED_CLAIMS) -> Asked:
        transaction, request = self.client.start(present.credential_query(fmt, claims))
        return Asked(transaction, request, fmt)

    def issue(self, fmt: str, credential: Mapping[str, Any], *, issuer: crafting.Signer | None = None,
              subject: crafting.Signer | None = None, exp: int | None = None,
              status: Mapping[str, Any] | None = None) -> Any:
        """The suite's own credential in `fmt`, issued to `subject` (default: this wallet's holder):
        its subject id (W3C formats) or its `cnf` key (SD-JWT VC). `status` (SD-JWT VC only) is
        a Token Status List reference; W3C formats carry theirs in `credentialStatus`."""
        issuer, subject = issuer or self.issuer, subject or self.holder
        doc = copy.deepcopy(dict(credential))
        doc["credentialSubject"]["id"] = subject.did
        if fmt == "ldp_vc":
            return issuer.issue(doc)
        if fmt == "jwt_vc_json":
            return present.jwt_badge(issuer, doc)
        return present.sd_jwt_badge(issuer, subject.key, doc, exp=exp, status=status)

    def presentation(self, asked: Asked, credential: Any, *, nonce: str | None = None, client_id: str | None = None,
                     holder: crafting.Signer | None = None, disclose: Sequence[Sequence[Any]] = present.ASKED_CLAIMS,
                     kb_claims: Mapping[str, Any] | None = None) -> Any:
        """`credential` presented for `asked`, bound to its nonce and client_id unless told otherwise."""
        holder = holder or self.holder
        nonce = asked.nonce if nonce is None else nonce
        client_id = asked.client_id if client_id is None else client_id
        if asked.fmt == "ldp_vc":
            return present.ldp_vp(holder, [credential], nonce=nonce, client_id=client_id)
        if asked.fmt == "jwt_vc_json":
            return present.jwt_vp(holder, [credential], nonce=nonce, client_id=client_id)
        return present.sd_jwt_vp(credential, holder.key, nonce=nonce, client_id=client_id, disclose=disclose,
                                 kb_claims=kb_claims)

    def answer(self, asked: Asked, presentation: Any) -> Verdict:
        return self.client.present(asked.transaction, asked.request, {present.QUERY_ID: [presentation]})

    def present_valid(self, fmt: str, credential: Any) -> Verdict:
        """The positive control: `credential`, properly presented to a fresh request."""
        asked = self.ask(fmt)
        return self.answer(asked, self.presentation(asked, credential))
