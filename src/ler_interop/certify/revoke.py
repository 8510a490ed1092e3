"""`certify --revoke CERT.json`: set the certificate's bit in the certifier's list and re-sign it."""

from __future__ import annotations

import json
from pathlib import Path

from ..credentials.keys import Key
from ..credentials.statuslist import StatusListError, status_entries
from . import publish, status
from .errors import CertifyError
from .issue import signer_for


def default_out(cert: Path) -> Path:
    """The folder `certify` wrote into: CERT's folder's parent when CERT sits in certificates/."""
    return cert.parent.parent if cert.parent.name == publish.CERT_DIR else cert.parent


def revoke(cert_path: Path, key: Key, out: Path | None) -> tuple[str, int]:
    """(status list URL, index) of the revoked certificate."""
    try:
        credential = json.loads(cert_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CertifyError(f"cannot read certificate {cert_path}: {exc.strerror}") from None
    except ValueError:
        raise CertifyError(f"{cert_path} is not JSON (give the certificate's .json file)") from None
    entries = [e for e in status_entries(credential if isinstance(credential, dict) else {})
               if e.get("statusPurpose") == status.PURPOSE]
    if not entries or not str(entries[0].get("statusListIndex", "")).isdigit():
        raise CertifyError(f"{cert_path} has no revocation status entry (not a ler-interop certificate)")
    url, index = str(entries[0].get("statusListCredential")), int(entries[0]["statusListIndex"])
    issuer = credential.get("issuer")
    did = issuer.get("id") if isinstance(issuer, dict) else issuer
    signer = signer_for(key, did if isinstance(did, str) else None)
    proof = credential.get("proof") if isinstance(credential.get("proof"), dict) else {}
    if proof.get("verificationMethod") != signer.vm:
        raise CertifyError(f"{cert_path} was not signed by this key (its proof names {str(proof.get('verificationMethod'))[:120]}, "
                           f"this key is {signer.vm})")
    out = out or default_out(cert_path)
    list_path = out / publish.CERT_DIR / status.STATUS_FILE
    if not list_path.exists():
        raise CertifyError(f"no status list at {list_path}; give --out the folder certify wrote into")
    try:
        with publish.locked(out):
            if index not in publish.taken_indices(publish.read_index(out)):
                raise CertifyError(f"{cert_path}: status-list index {index} is not in {out / publish.CERT_DIR / publish.INDEX_FILE} "
                                   f"(not a certificate issued into {out}); give --out the folder certify wrote into")
            statuslist = status.load_list(list_path, url, signer)
            try:
                statuslist.set(index, True)
            except StatusListError as exc:
                raise CertifyError(f"{cert_path}: {exc.message}") from None
            status.write_list(list_path, url, signer, statuslist)
            publish.mark_revoked(out, index)
    except OSError as exc:
        raise CertifyError(f"cannot write into {out / publish.CERT_DIR}: {exc.strerror or exc}") from None
    publish.rebuild_report(out)
    return url, index
