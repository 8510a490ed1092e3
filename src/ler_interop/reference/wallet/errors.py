"""The wallet's refusals, each answered 422 with `{"error", "error_description"}` (wallet
backchannel v1): nothing was stored (receive) or sent (present)."""

from __future__ import annotations

from ... import redact

MAX_DESCRIPTION = 500


class WalletRefusal(Exception):
    error = "refused"

    def __init__(self, description: str):
        super().__init__(description)
        # Descriptions quote what a vendor sent; scrub registered secrets and cap the length.
        self.description = redact.quote(description, MAX_DESCRIPTION)


class IssuanceFailed(WalletRefusal):
    """The OpenID4VCI flow failed before a credential was received."""

    error = "issuance_failed"


class CredentialRejected(WalletRefusal):
    """A credential was received and refused (proof, issuer, holder binding, validity)."""

    error = "credential_rejected"


class RequestRejected(WalletRefusal):
    """An OpenID4VP request the wallet refused to answer."""

    error = "request_rejected"
