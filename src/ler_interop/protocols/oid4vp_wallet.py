"""The suite playing the holder's wallet against a vendor's OpenID4VP verifier, so that a check
reads like the rule it tests: ask (the backchannel creates a request), build a presentation
in one format (optionally broken in exactly one way), answer, and read the verdict.

The suite holds its own holder key (a did:key) and signs as its own issuers; its SD-JWT VCs
name their issuer key by a mechanism the verifier declares (protocols/sdjwt_issuers.py).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Callable

from ..credentials import crafting
from ..credentials.issuer_keys import SdJwtSigner
from . import oid4vp_present as present
from .sdjwt_issuers import did_signer
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
    def __init__(self, client: Oid4vpClient, holder: crafting.Signer, issuer: crafting.Signer,
                 sd_jwt_issuer: Callable[[], SdJwtSigner] | None = None):
        """`sd_jwt_issuer`: the SD-JWT VC issuer for this verifier, made on first use (it may be
        `unsupported` or skipped); None signs SD-JWT VCs as `issuer`'s DID."""
        self.client, self.holder, self.issuer = client, holder, issuer
        self._sd_jwt_issuer = sd_jwt_issuer
        self._sd_jwt_signer: SdJwtSigner | None = None

    def sd_jwt_signer(self) -> SdJwtSigner:
        """Who signs this wallet's SD-JWT VCs (and their Token Status List tokens)."""
        if self._sd_jwt_signer is None:
            self._sd_jwt_signer = self._sd_jwt_issuer() if self._sd_jwt_issuer else did_signer(self.issuer)
        return self._sd_jwt_signer

    def ask(self, fmt: str, claims: Sequence[Sequence[Any]] = present.ASKED_CLAIMS) -> Asked:
        transaction, request = self.client.start(present.credential_query(fmt, claims))
        return Asked(transaction, request, fmt)

    def issue(self, fmt: str, credential: Mapping[str, Any], *, issuer: crafting.Signer | None = None,
              subject: crafting.Signer | None = None, exp: int | None = None,
              status: Mapping[str, Any] | None = None, vct: str = present.OB_VCT) -> Any:
        """The suite's own credential in `fmt`, issued to `subject` (default: this wallet's holder):
        its subject id (W3C formats) or its `cnf` key (SD-JWT VC). `status` (SD-JWT VC only) is
        a Token Status List reference; W3C formats carry theirs in `credentialStatus`. An SD-JWT
        VC is signed by sd_jwt_signer() unless `issuer` names another (DID) issuer."""
        issuer, subject = issuer or self.issuer, subject or self.holder
        doc = copy.deepcopy(dict(credential))
        doc["credentialSubject"]["id"] = subject.did
        if fmt == "ldp_vc":
            return issuer.issue(doc)
        if fmt == "jwt_vc_json":
            return present.jwt_badge(issuer, doc)
        signer = self.sd_jwt_signer() if issuer is self.issuer else did_signer(issuer)
        return present.sd_jwt_badge(signer, subject.key, doc, exp=exp, status=status, vct=vct)

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
