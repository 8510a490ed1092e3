"""The SD-JWT data format (RFC 9901 §4) and its processing (§7.1), without JOSE policy.

Disclosures, the `~` serialization, concealing chosen claims as digests (issuer side),
locating disclosures by claim path (holder side) and revealing them again with every
check of §7.1 (verifier side). `sdjwt.py` builds SD-JWT VC issuance, presentation and
verification on top. Claim paths are DCQL-style tuples: a string names an object member,
an int an array index, None any index (OpenID4VP 1.0 §7,
https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#name-claims-path-pointer).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..net import DEFAULT_MAX_DEPTH
from .findings import BAD_SIGNATURE, MALFORMED_PROOF
from .jws import MAX_TOKEN_CHARS, JwsError, b64url_decode_strict, encode_json, loads_strict
from .keys import b64url_encode

SD_ALG = "sha-256"
RESERVED_NAMES = frozenset({"_sd", "..."})
MAX_CLAIM_DEPTH = DEFAULT_MAX_DEPTH

PathElement = str | int | None
ClaimPath = tuple[PathElement, ...]


class DisclosureError(JwsError):
    """A disclosure problem; `code` goes to details["sd_error"]."""

    def __init__(self, code: str, message: str, reason: str = MALFORMED_PROOF):
        super().__init__(reason, message)
        self.code = code


def digest_of(text: str) -> str:
    """base64url(SHA-256(ASCII(text))): disclosure digests (RFC 9901 §4.2.3) and sd_hash (§4.3.1)."""
    return b64url_encode(hashlib.sha256(text.encode("ascii")).digest())


@dataclass(frozen=True)
class Disclosure:
    """[salt, name, value] for an object member, [salt, value] for an array element (RFC 9901 §4.2)."""

    encoded: str
    salt: str
    name: str | None
    value: Any

    @property
    def digest(self) -> str:
        return digest_of(self.encoded)

    @classmethod
    def create(cls, name: str | None, value: Any, salt: str | None = None) -> "Disclosure":
        # 128 bits of salt, the minimum RFC 9901 §9.3 recommends.
        salt = salt or b64url_encode(secrets.token_bytes(16))
        content = [salt, value] if name is None else [salt, name, value]
        return cls(b64url_encode(encode_json(content)), salt, name, value)

    @classmethod
    def parse(cls, encoded: str) -> "Disclosure":
        try:
            raw = b64url_decode_strict(encoded)
        except ValueError:
            raise DisclosureError("bad-disclosure", f"disclosure {encoded[:24]!r} is not base64url") from None
        try:
            content = loads_strict(raw, "disclosure")
        except JwsError as err:
            raise DisclosureError("bad-disclosure", err.message) from None
        if not isinstance(content, list) or len(content) not in (2, 3) or not isinstance(content[0], str):
            raise DisclosureError("bad-disclosure", "a disclosure is a JSON array [salt, (name,) value]")
        if len(content) == 2:
            return cls(encoded, content[0], None, content[1])
        if not isinstance(content[1], str):
            raise DisclosureError("bad-disclosure", "a disclosure's claim name must be a string")
        return cls(encoded, content[0], content[1], content[2])


@dataclass(frozen=True)
class SdJwtParts:
    issuer_jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None

    @property
    def without_kb(self) -> str:
        """The SD-JWT up to and including the last '~': the input of sd_hash (RFC 9901 §4.3.1)."""
        return "~".join((self.issuer_jwt, *self.disclosures)) + "~"

    def serialize(self) -> str:
        return self.without_kb + (self.kb_jwt or "")


def parse_sd_jwt(token: str) -> SdJwtParts:
    """Split the compact serialization (RFC 9901 §4), or raise JwsError(malformed-proof)."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
        raise JwsError(MALFORMED_PROOF, "an SD-JWT must be a string of reasonable size")
    parts = token.split("~")
    if len(parts) < 2 or not parts[0]:
        raise JwsError(MALFORMED_PROOF, "an SD-JWT is <issuer JWT>~[disclosures~][KB-JWT]; no '~' separator found")
    issuer_jwt, *disclosures, last = parts
    if "" in disclosures:
        raise JwsError(MALFORMED_PROOF, "empty disclosure between '~' separators")
    return SdJwtParts(issuer_jwt, tuple(disclosures), last or None)


def as_path(path: str | Sequence[PathElement]) -> ClaimPath:
    return (path,) if isinstance(path, str) else tuple(path)


def _element_matches(pattern: PathElement, actual: str | int) -> bool:
    return pattern == actual or (pattern is None and isinstance(actual, int))


def _matches(pattern: ClaimPath, actual: ClaimPath) -> bool:
    return len(pattern) == len(actual) and related(pattern, actual)


def related(pattern: ClaimPath, actual: ClaimPath) -> bool:
    """True when one path is a prefix of the other (an ancestor, the claim itself or a descendant)."""
    return all(_element_matches(p, a) for p, a in zip(pattern, actual))  # type: ignore[arg-type]


def _decoy_digest() -> str:
    # RFC 9901 §4.2.5: a digest over random bytes, indistinguishable from a real one.
    return digest_of(b64url_encode(secrets.token_bytes(16)))


class Concealer:
    """Turns the disclosable claims of a payload into digests, innermost first (§4.2.6)."""

    def __init__(self, targets: list[ClaimPath], decoys: int, never_disclosable: frozenset[str] = frozenset()):
        self.targets = targets
        self.never_disclosable = never_disclosable
        self.used = [False] * len(targets)
        self.decoys = decoys
        self.disclosures: list[Disclosure] = []

    def _selected(self, path: ClaimPath) -> bool:
        hit = False
        for i, target in enumerate(self.targets):
            if _matches(target, path):
                self.used[i] = hit = True
        return hit

    def conceal(self, node: Any, path: ClaimPath) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            digests: list[str] = []
            for name, value in node.items():
                if name in RESERVED_NAMES:
                    raise ValueError(f"claim name {name!r} at {list(path)} is reserved by SD-JWT")
                inner = self.conceal(value, (*path, name))
                if self._selected((*path, name)):
                    if not path and name in self.never_disclosable:
                        raise ValueError(f"{name!r} must not be selectively disclosable here")
                    disclosure = Disclosure.create(name, inner)
                    self.disclosures.append(disclosure)
                    digests.append(disclosure.digest)
                else:
                    out[name] = inner
            if digests:
                digests += [_decoy_digest() for _ in range(self.decoys)]
                out["_sd"] = sorted(digests)  # sorting hides the claims' original order (§4.2.4.1)
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for index, value in enumerate(node):
                inner = self.conceal(value, (*path, index))
                if self._selected((*path, index)):
                    disclosure = Disclosure.create(None, inner)
                    self.disclosures.append(disclosure)
                    items.append({"...": disclosure.digest})
                else:
                    items.append(inner)
            return items
        return node


def locate(node: Any, path: ClaimPath, by_digest: Mapping[str, Disclosure]) -> list[tuple[ClaimPath, Disclosure]]:
    """Every disclosure reachable from `node`, with the claim path it reveals."""
    found: list[tuple[ClaimPath, Disclosure]] = []
    if len(path) > MAX_CLAIM_DEPTH:
        raise ValueError(f"claims nest deeper than {MAX_CLAIM_DEPTH} levels")
    if isinstance(node, dict):
        for digest in node.get("_sd", []) if isinstance(node.get("_sd"), list) else []:
            disclosure = by_digest.get(digest) if isinstance(digest, str) else None
            if disclosure is not None and disclosure.name is not None:
                found.append(((*path, disclosure.name), disclosure))
                found += locate(disclosure.value, (*path, disclosure.name), by_digest)
        for name, value in node.items():
            if name != "_sd":
                found += locate(value, (*path, name), by_digest)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict) and list(item) == ["..."] and item["..."] in by_digest:
                disclosure = by_digest[item["..."]]
                found.append(((*path, index), disclosure))
                found += locate(disclosure.value, (*path, index), by_digest)
            else:
                found += locate(item, (*path, index), by_digest)
    return found


def reveal(
    payload: Mapping[str, Any], disclosures: Sequence[Disclosure], never_disclosable: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """RFC 9901 §7.1 steps 3-5: replace digests by disclosed values; every digest once, every disclosure used.

    Returns the processed payload and, per disclosed claim, {"path", "value"}.
    `never_disclosable` lists top-level claims a profile forbids in disclosures.
    """
    by_digest: dict[str, Disclosure] = {}
    for disclosure in disclosures:
        if disclosure.digest in by_digest:
            raise DisclosureError("duplicate-disclosure", f"disclosure {disclosure.encoded[:24]}... presented twice")
        by_digest[disclosure.digest] = disclosure
    seen: set[str] = set()
    disclosed: list[dict[str, Any]] = []

    def note(digest: Any, path: ClaimPath) -> Disclosure | None:
        if not isinstance(digest, str):
            raise DisclosureError("bad-digest", f"digest at {list(path)} is not a string")
        if digest in seen:
            raise DisclosureError("duplicate-digest", f"digest {digest} appears more than once (§7.1 step 4)")
        seen.add(digest)
        return by_digest.get(digest)  # None: a decoy or a claim the holder withheld

    def walk(node: Any, path: ClaimPath) -> Any:
        if len(path) > MAX_CLAIM_DEPTH:  # recursive disclosures can nest past any JSON depth cap
            raise DisclosureError("too-deep", f"claims nest deeper than {MAX_CLAIM_DEPTH} levels")
        if isinstance(node, dict):
            sd = node.get("_sd", [])
            if not isinstance(sd, list):
                raise DisclosureError("bad-digest", f"_sd at {list(path)} is not an array")
            out = {k: walk(v, (*path, k)) for k, v in node.items() if k != "_sd" and (path or k != "_sd_alg")}
            for digest in sd:
                disclosure = note(digest, path)
                if disclosure is None:
                    continue
                name = disclosure.name
                if name is None:
                    raise DisclosureError("bad-disclosure", f"array-element disclosure referenced from _sd at {list(path)}")
                if name in RESERVED_NAMES or (not path and name in never_disclosable):
                    raise DisclosureError("reserved-claim-name", f"claim {name!r} must not come from a disclosure")
                if name in out:
                    raise DisclosureError("claim-exists", f"disclosed claim {name!r} already exists at {list(path)}")
                out[name] = walk(disclosure.value, (*path, name))
                disclosed.append({"path": [*path, name], "value": out[name]})
            return out
        if isinstance(node, list):
            items: list[Any] = []
            for index, item in enumerate(node):
                if isinstance(item, dict) and list(item) == ["..."]:
                    disclosure = note(item["..."], (*path, index))
                    if disclosure is None:
                        continue  # undisclosed array elements are removed (§7.1 step 3.4)
                    if disclosure.name is not None:
                        raise DisclosureError("bad-disclosure", f"object-member disclosure used as array element at {list(path)}")
                    items.append(walk(disclosure.value, (*path, index)))
                    disclosed.append({"path": [*path, index], "value": items[-1]})
                else:
                    items.append(walk(item, (*path, index)))
            return items
        return node

    claims = walk(dict(payload), ())
    stray = [d for d in disclosures if d.digest not in seen]
    if stray:
        # A disclosure the issuer's signature does not cover: tampered, or from another credential.
        raise DisclosureError(
            "unreferenced-disclosure",
            f"{len(stray)} disclosure(s) not referenced by any digest in the issuer-signed JWT (§7.1 step 5)",
            reason=BAD_SIGNATURE,
        )
    return claims, disclosed

