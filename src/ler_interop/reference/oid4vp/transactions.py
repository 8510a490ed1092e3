"""Presentation transactions of the reference verifier and its backchannel (DESIGN §5):
`POST /presentation-requests {dcql_query}` -> 201 `{id, request}`;
`GET /presentation-requests/{id}` -> `{status: pending|verified|rejected, errors, claims}`.

A transaction has three unguessable values, as OpenID4VP 1.0 §13.3's reference design has:
the backchannel `id` (only the verifier's own side reads results with it), the `state` the
wallet returns, and the `request_id` in the request_uri; plus the nonce.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ...protocols import dcql
from ..problems import BadRequest

MAX_TRANSACTIONS = 10_000


@dataclass
class Transaction:
    dcql_query: dict[str, Any]
    nonce: str
    id: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    request_id: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    created: float = field(default_factory=time.time)
    status: str = "pending"
    errors: list[str] = field(default_factory=list)
    claims: dict[str, Any] = field(default_factory=dict)
    responses: int = 0
    # Every form body posted to the Response URI for this transaction, as received.
    forms: list[dict[str, str]] = field(default_factory=list)
    # Sign this transaction's Request Object with a key the client_id DID does not list.
    foreign_request_key: bool = False

    def backchannel_view(self) -> dict[str, Any]:
        view = {"id": self.id, "status": self.status, "errors": list(self.errors), "claims": self.claims}
        received = [form["vp_token"] for form in self.forms if isinstance(form.get("vp_token"), str)]
        if received:  # contract 1.2: what the wallet sent, so a verdict can be checked by others
            view["vp_token"] = received[0]
        return view


class TransactionStore:
    """Thread-safe, bounded: the oldest transactions go first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, Transaction] = {}

    def add(self, transaction: Transaction) -> Transaction:
        with self._lock:
            if len(self._by_id) >= MAX_TRANSACTIONS:
                del self._by_id[next(iter(self._by_id))]
            self._by_id[transaction.id] = transaction
        return transaction

    def by_id(self, ident: str) -> Transaction | None:
        with self._lock:
            return self._by_id.get(ident)

    def find(self, **match: str) -> Transaction | None:
        """The transaction whose fields equal `match` (e.g. state=..., request_id=...)."""
        with self._lock:
            candidates = list(self._by_id.values())
        for tx in candidates:
            if all(secrets.compare_digest(str(getattr(tx, k)), v) for k, v in match.items()):
                return tx
        return None

    def claim_response(self, transaction: Transaction, allow_replay: bool) -> bool:
        """Count a response; False when one was already taken (a transaction answers once)."""
        with self._lock:
            transaction.responses += 1
            return transaction.responses == 1 or allow_replay


def dcql_query_of(body: dict[str, Any]) -> dict[str, Any]:
    query = body.get("dcql_query")
    problems = dcql.query_problems(query)
    if problems:
        raise BadRequest("invalid-dcql-query", "Invalid DCQL query", "; ".join(problems[:5]))
    return query  # type: ignore[return-value]
