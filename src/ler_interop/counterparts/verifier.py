"""The suite's own OpenID4VP verifier, for testing a vendor's wallet.

The reference verifier's code (reference/verifier.py + reference/oid4vp), without faults and
so strict, mounted at B/verifier. Checks create presentation requests in Python (directly in
the transaction store, no backchannel over HTTP) and read the verdict and the raw form bodies
the wallet posted (to count SD-JWT disclosures, or read `error=access_denied`, §8.5).
Its client identifier is `decentralized_identifier:<did:key>` with a signed Request Object
(OpenID4VP 1.0 §5.9.3), which any wallet can verify offline.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from ..reference.oid4vp.endpoints import REQUEST_PATH, RESPONSE_PATH, Oid4vpService
from ..reference.oid4vp.request_objects import new_nonce, request_url
from ..reference.oid4vp.transactions import Transaction, dcql_query_of
from ..reference.problems import BadRequest
from ..reference.verifier import ReferenceVerifier
from .issuer import CounterpartError


class CounterpartVerifier:
    """The OpenID4VP verifier at `url` (B/verifier)."""

    def __init__(self, origin: str, name: str = "verifier"):
        self.url = f"{origin}/{name}"
        self.reference = ReferenceVerifier()
        self.service = Oid4vpService(self.reference, public_url=self.url)
        self.client_id: str = self.service.identity.client_id
        self.response_uri = self.url + RESPONSE_PATH

    def app(self) -> Starlette:
        return Starlette(routes=self.service.routes())

    def close(self) -> None:
        self.reference.close()

    def request(self, dcql_query: dict[str, Any]) -> tuple[str, str]:
        """(transaction id, `openid4vp://` request URL whose request_uri is under B/verifier)."""
        return self._new(dcql_query, foreign_request_key=False)

    def request_url_with_bad_signature(self, dcql_query: dict[str, Any]) -> tuple[str, str]:
        """Like request(), but the Request Object is signed by a key the client_id DID does not list."""
        return self._new(dcql_query, foreign_request_key=True)

    def _new(self, dcql_query: dict[str, Any], *, foreign_request_key: bool) -> tuple[str, str]:
        try:
            query = dcql_query_of({"dcql_query": dcql_query})
        except BadRequest as exc:
            raise CounterpartError(f"invalid DCQL query: {exc.detail}") from None
        tx = Transaction(query, new_nonce(frozenset()), foreign_request_key=foreign_request_key)
        self.service.store.add(tx)
        request_uri = f"{self.url}{REQUEST_PATH}/{tx.request_id}"
        return tx.id, request_url(self.service.identity, request_uri, frozenset())

    def _tx(self, tx_id: str) -> Transaction:
        tx = self.service.store.by_id(tx_id)
        if tx is None:
            raise CounterpartError(f"no presentation request {tx_id!r}")
        return tx

    def status(self, tx_id: str) -> dict[str, Any]:
        """{"id", "status": pending|verified|rejected, "errors": [...], "claims": {...}}"""
        return self._tx(tx_id).backchannel_view()

    def responses(self, tx_id: str) -> list[dict[str, str]]:
        """Every form body posted to the Response URI for this request, as received."""
        return [dict(form) for form in self._tx(tx_id).forms]

    def nonce(self, tx_id: str) -> str:
        return self._tx(tx_id).nonce

    def state(self, tx_id: str) -> str:
        return self._tx(tx_id).state
