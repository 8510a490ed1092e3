"""The certifier's signing key on disk: a private JWK (RFC 7517, OKP / Ed25519) in a 0600 file.

A JWK rather than a bespoke format so other tools read the same file; Ed25519 because the
certificate is signed with eddsa-rdfc-2022, the suite's default Data Integrity cryptosuite.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from ..credentials.keys import Key, KeyFormatError
from .errors import CertifyError


def new_key(path: str | os.PathLike[str]) -> Key:
    """Write a fresh Ed25519 private JWK to `path`, created 0600; never overwrites a file."""
    key = Key.generate("Ed25519")
    text = json.dumps(key.private_jwk(), indent=2) + "\n"
    try:
        # O_EXCL: an existing key is someone's identity; mode 0600 from creation, never widened.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CertifyError(f"{path} already exists; a key file is never overwritten (pick another name)") from None
    except OSError as exc:
        raise CertifyError(f"cannot create {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return key


def load_key(path: str | os.PathLike[str]) -> Key:
    """The private key in `path` (a private Ed25519 JWK), or CertifyError saying what to fix."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        data = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CertifyError(f"cannot read key file {path}: {exc.strerror} (make one with `ler-interop certify --new-key {path}`)") from None
    except UnicodeDecodeError:
        raise CertifyError(f"key file {path} is not UTF-8 JSON (expected a private Ed25519 JWK)") from None
    try:
        jwk = json.loads(data)
        key = Key.from_jwk(jwk)
    except (ValueError, KeyFormatError) as exc:
        raise CertifyError(f"key file {path} is not a private Ed25519 JWK: {str(exc)[:120]}") from None
    if key.type != "Ed25519" or "d" not in jwk:
        raise CertifyError(f"key file {path} must hold a private Ed25519 JWK (kty OKP, crv Ed25519, with d)")
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        print(f"ler-interop certify: warning: key file {path} is readable by others; chmod 600 {path}", file=sys.stderr)
    return key
