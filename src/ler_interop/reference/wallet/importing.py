"""POST /import refuses tampered credentials (backchannel contract 1.3): a document holding a
credential whose proof or signature was checked and does not verify is refused whole (422
credential_rejected, nothing imported), so an export is no way around the checks receiving makes.

Only a signature that was checked and failed refuses: an issuer key this wallet cannot reach
(a host outside its network) proves no tampering, and such a credential is kept as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...credentials.findings import BAD_SIGNATURE, MALFORMED_PROOF, NO_PROOF
from ...net import NetError
from .errors import CredentialRejected
from .store import StoredCredential
from .tools import Outbound

if TYPE_CHECKING:
    from . import ReferenceWallet

TAMPERED = frozenset({BAD_SIGNATURE, MALFORMED_PROOF, NO_PROOF})


def refuse_tampered(wallet: "ReferenceWallet", items: list[StoredCredential]) -> None:
    if "wallet.import-accepts-tampered" in wallet.faults:
        return
    with Outbound(wallet.allowed_hosts()) as out:
        for i, item in enumerate(items):
            out.check_time()
            try:
                proof = out.toolkit.verify_credential(item.credential, check_status=False).check("proof")
            except NetError:
                continue
            if proof is not None and not proof.ok and proof.reason in TAMPERED:
                raise CredentialRejected(f"credentials[{i}] ({item.format}): {proof.message}")
