"""DID resolution for the methods LER issuers use: did:key, did:jwk and did:web.

did:key and did:jwk documents are derived from the identifier itself; did:web documents are
fetched through the guarded `net.Http` client, so a DID can never make the suite talk to a
host the run did not allow. Verification methods are dereferenced the way Data Integrity's
"retrieve verification method" step asks: the method must exist in its controller's
document, the controller document's `id` must be the controller, and the method must be
listed under the proof purpose (https://www.w3.org/TR/vc-data-integrity/#retrieve-verification-method).
Every failure is a `VerificationMethodError` whose `.reason` is one of the stable strings in
`findings` (`key-not-found`, `key-not-authorized`), so proof verifiers can pass it on as is.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ler_interop.credentials.findings import KEY_NOT_AUTHORIZED, KEY_NOT_FOUND, VerificationMethodError
from ler_interop.credentials.keys import Key, KeyFormatError, b64url_decode, b64url_encode
from ler_interop.credentials import webvm
from ler_interop.net import Http, NetError, is_loopback

DID_V1_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1_CONTEXT = "https://w3id.org/security/multikey/v1"
# Controlled Identifiers v1.0 defines `JsonWebKey` (https://www.w3.org/TR/cid-1.0/#jsonwebkey).
CID_V1_CONTEXT = "https://www.w3.org/ns/cid/v1"

# The four relationships a signing key of did:key / did:jwk is listed under
# (https://w3c-ccg.github.io/did-key-spec/#document-creation-algorithm).
SIGNING_RELATIONSHIPS = ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation")
VERIFICATION_RELATIONSHIPS = SIGNING_RELATIONSHIPS + ("keyAgreement",)

MULTIBASE_VM_TYPES = ("Multikey", "Ed25519VerificationKey2020")
JWK_VM_TYPES = ("JsonWebKey", "JsonWebKey2020")

# DID Core §3.1 DID Syntax (https://www.w3.org/TR/did-core/#did-syntax).
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
DID_PATTERN = re.compile(rf"^did:[a-z0-9]+:(?:{_IDCHAR}*:)*{_IDCHAR}+$")
# A DNS host name (RFC 1123 labels) for did:web, optionally with a %3A-encoded port.
_WEB_DOMAIN = re.compile(r"^(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?:%3[Aa](?P<port>[0-9]{1,5}))?$")
_WEB_PATH_SEGMENT = re.compile(rf"^{_IDCHAR}+$")


class DidResolutionError(VerificationMethodError):
    """The DID (or its document) could not be resolved: always `key-not-found`, with why."""

    def __init__(self, message: str):
        super().__init__(KEY_NOT_FOUND, message)


@dataclass(frozen=True)
class VerificationMethod:
    id: str
    type: str
    controller: str
    key: Key


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


# -- identifiers ---------------------------------------------------------------
def did_jwk(key: Key) -> str:
    """did:jwk of a key's public JWK (https://github.com/quartzjer/did-jwk/blob/main/spec.md#create)."""
    # Sorted, compact JSON so the same key always gives the same DID (JCS-like; not required).
    text = json.dumps(key.public_jwk(), sort_keys=True, separators=(",", ":"))
    return "did:jwk:" + b64url_encode(text.encode("utf-8"))


def did_web_url(did: str, http_hosts: frozenset[str] | set[str] = frozenset()) -> str:
    """The URL of a did:web document (https://w3c-ccg.github.io/did-method-web/#read-resolve).

    `did:web:example.com` -> https://example.com/.well-known/did.json;
    `did:web:example.com%3A3000:user:alice` -> https://example.com:3000/user/alice/did.json.
    Hosts in `http_hosts` (loopback only) are fetched over plain http, for the suite's own servers.
    """
    if not did.startswith("did:web:") or not DID_PATTERN.match(did):
        raise DidResolutionError(f"{did!r} is not a did:web DID")
    domain, *path = did[len("did:web:"):].split(":")
    match = _WEB_DOMAIN.match(domain)
    if match is None:
        raise DidResolutionError(f"{did!r}: {unquote(domain)!r} is not a host name (a port must be written %3A)")
    host, port = match["host"].lower(), match["port"]
    if port and not 0 < int(port) < 65536:
        raise DidResolutionError(f"{did!r}: port {port} is out of range")
    # The method-specific identifier MUST NOT include IP addresses (#method-specific-identifier);
    # the suite's own loopback servers are the one exception, and only when the run says so.
    if _is_ip_address(host) and host not in http_hosts:
        raise DidResolutionError(f"{did!r}: did:web must name a domain, not an IP address")
    for segment in path:
        # Percent-encoded dots and slashes would let a path climb out of its folder.
        if (not _WEB_PATH_SEGMENT.match(segment) or unquote(segment) in (".", "..")
                or "/" in unquote(segment) or "\\" in unquote(segment)):
            raise DidResolutionError(f"{did!r}: path segment {segment!r} is not allowed")
    scheme = "http" if host in http_hosts else "https"
    authority = f"{host}:{port}" if port else host
    location = "/".join(path) if path else ".well-known"
    return f"{scheme}://{authority}/{location}/did.json"


# -- documents -----------------------------------------------------------------
def _single_key_document(did: str, vm: dict[str, Any], relationships: tuple[str, ...], context: list[str]) -> dict:
    doc: dict[str, Any] = {"@context": context, "id": did, "verificationMethod": [vm]}
    for relationship in relationships:
        doc[relationship] = [vm["id"]]
    return doc


def did_document_for_key(key: Key, did: str | None = None) -> dict:
    """The DID document a key stands for: did:key (default), did:jwk, or a did:web with `#key-1`."""
    did = did or key.did_key()
    if did.startswith("did:key:"):
        if did != key.did_key():
            raise ValueError(f"{did} is not the did:key of this key ({key.did_key()})")
        multikey = key.public_multikey()
        vm = {"id": f"{did}#{multikey}", "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        return _single_key_document(did, vm, SIGNING_RELATIONSHIPS, [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT])
    if did.startswith("did:jwk:"):
        if did != did_jwk(key):
            raise ValueError(f"{did} is not the did:jwk of this key")
        return _did_jwk_document(did)
    if did.startswith("did:web:") and DID_PATTERN.match(did):
        vm = {"id": f"{did}#key-1", "type": "Multikey", "controller": did, "publicKeyMultibase": key.public_multikey()}
        return _single_key_document(did, vm, SIGNING_RELATIONSHIPS, [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT])
    raise ValueError(f"cannot build a DID document for {did!r}: only did:key, did:jwk and did:web are supported")


def _did_key_document(did: str) -> dict:
    # https://w3c-ccg.github.io/did-key-spec/#document-creation-algorithm; only the default
    # version (three components) and the key types the suite signs with.
    value = did[len("did:key:"):]
    if ":" in value:
        raise DidResolutionError(f"{did!r}: did:key versions other than the default are not supported")
    try:
        key = Key.from_multikey(value)
    except KeyFormatError as exc:
        raise DidResolutionError(f"{did!r} does not carry a usable public key: {exc}") from None
    if key.private is not None:
        raise DidResolutionError(f"{did!r} carries a private key, not a public one")
    return did_document_for_key(key, did)


def _did_jwk_document(did: str) -> dict:
    # https://github.com/quartzjer/did-jwk/blob/main/spec.md#read
    try:
        jwk = json.loads(b64url_decode(did[len("did:jwk:"):]).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DidResolutionError(f"{did!r}: the identifier is not base64url JSON: {exc}") from None
    if not isinstance(jwk, dict):
        raise DidResolutionError(f"{did!r}: the identifier does not encode a JWK object")
    if "d" in jwk:
        raise DidResolutionError(f"{did!r}: the JWK carries private key material ('d')")
    try:
        Key.from_jwk(jwk)
    except KeyFormatError as exc:
        raise DidResolutionError(f"{did!r}: {exc}") from None
    vm = {"id": f"{did}#0", "type": "JsonWebKey", "controller": did, "publicKeyJwk": jwk}
    # `use: sig` drops keyAgreement, `use: enc` keeps only keyAgreement (spec, "To create the DID Document").
    use = jwk.get("use")
    relationships = (
        ("keyAgreement",) if use == "enc" else SIGNING_RELATIONSHIPS if use == "sig" else VERIFICATION_RELATIONSHIPS
    )
    return _single_key_document(did, vm, relationships, [DID_V1_CONTEXT, CID_V1_CONTEXT])


# -- verification methods --------------------------------------------------------
def _absolute(ref: Any, base_did: str) -> Any:
    """A relative DID URL (`#key-1`) made absolute against the document's DID (DID Core §3.2.2)."""
    return base_did + ref if isinstance(ref, str) and ref.startswith("#") else ref


def _key_of(vm: dict[str, Any], vm_id: str) -> Key:
    """The public key of a verification method of a supported type."""
    vm_type = vm.get("type")
    try:
        if vm_type in MULTIBASE_VM_TYPES:
            value = vm.get("publicKeyMultibase")
            if not isinstance(value, str):
                raise KeyFormatError("publicKeyMultibase is missing")
            key = Key.from_multikey(value)
            # Ed25519VerificationKey2020 carries Ed25519 keys only (https://w3c.github.io/vc-di-eddsa/#ed25519verificationkey2020).
            if vm_type == "Ed25519VerificationKey2020" and key.type != "Ed25519":
                raise KeyFormatError("Ed25519VerificationKey2020 must carry an Ed25519 key")
        elif vm_type in JWK_VM_TYPES:
            jwk = vm.get("publicKeyJwk")
            if not isinstance(jwk, dict):
                raise KeyFormatError("publicKeyJwk is missing")
            if "d" in jwk:
                raise KeyFormatError("publicKeyJwk carries private key material ('d')")
            key = Key.from_jwk(jwk)
        else:
            raise DidResolutionError(f"verification method {vm_id} has unsupported type {vm_type!r}")
    except KeyFormatError as exc:
        raise DidResolutionError(f"verification method {vm_id}: {exc}") from None
    if key.private is not None:
        raise DidResolutionError(f"verification method {vm_id} publishes a private key")
    return key


def _find_vm(doc: dict, vm_id: str) -> dict | None:
    """The method with this id, from `verificationMethod` or embedded in a relationship."""
    did = doc["id"]
    candidates = list(doc.get("verificationMethod") or [])
    for relationship in VERIFICATION_RELATIONSHIPS:
        candidates.extend(item for item in (doc.get(relationship) or []) if isinstance(item, dict))
    for vm in candidates:
        if isinstance(vm, dict) and _absolute(vm.get("id"), did) == vm_id:
            return vm
    return None


def _listed_under(doc: dict, vm_id: str, purpose: str) -> bool:
    entries = doc.get(purpose)
    if not isinstance(entries, list):
        return False
    did = doc["id"]
    for entry in entries:
        ref = entry.get("id") if isinstance(entry, dict) else entry
        if _absolute(ref, did) == vm_id:
            return True
    return False


class DidResolver:
    """Resolves DIDs to documents (cached per resolver) and DID URLs to keys."""

    def __init__(
        self,
        http: Http | None = None,
        http_hosts: set[str] | frozenset[str] = frozenset(),
        documents: dict[str, dict] | None = None,
    ):
        not_loopback = sorted(h for h in http_hosts if not is_loopback(h))
        if not_loopback:
            # Plain http is for the suite's own loopback servers; everything else needs TLS.
            raise ValueError(f"plain-http did:web hosts must be loopback, got {', '.join(not_loopback)}")
        self.http = http
        self.http_hosts = frozenset(h.lower() for h in http_hosts)
        self._documents: dict[str, dict] = dict(documents or {})
        # Transport failures met while resolving (a refused host, a timeout): `verify` reports the
        # file as one the suite could not judge instead of a missing key.
        self.transport_errors: list[NetError] = []

    def resolve(self, did: str) -> dict:
        """The DID document of `did`; its `id` must be `did` (DID Core §5.1.1)."""
        if not isinstance(did, str) or not DID_PATTERN.match(did):
            raise DidResolutionError(f"{did!r} is not a DID")
        doc = self._documents.get(did)
        if doc is None:
            doc = self._resolve_method(did)
            self._documents[did] = doc
        if not isinstance(doc, dict):
            raise DidResolutionError(f"the DID document of {did} is not a JSON object")
        if doc.get("id") != did:
            raise DidResolutionError(f"the DID document of {did} has id {doc.get('id')!r}; it must be the DID itself")
        return doc

    def _resolve_method(self, did: str) -> dict:
        if did.startswith("did:key:"):
            return _did_key_document(did)
        if did.startswith("did:jwk:"):
            return _did_jwk_document(did)
        if did.startswith("did:web:"):
            return self._fetch_did_web(did)
        method = did.split(":")[1]
        raise DidResolutionError(f"{did}: DID method {method!r} is not supported (did:key, did:jwk, did:web)")

    def _fetch_did_web(self, did: str) -> dict:
        url = did_web_url(did, self.http_hosts)
        if self.http is None:
            raise DidResolutionError(f"cannot resolve {did}: no HTTP client was given for did:web")
        try:
            response = self.http.get(url, headers={"Accept": "application/did+json, application/json"})
        except NetError as exc:  # includes HostNotAllowed: refused before any request is made
            self.transport_errors.append(exc)
            raise DidResolutionError(f"cannot resolve {did} from {url}: {exc}") from None
        if response.status_code != 200:
            raise DidResolutionError(f"cannot resolve {did}: {url} answered HTTP {response.status_code}")
        try:
            return response.json()
        except (ValueError, NetError) as exc:
            raise DidResolutionError(f"cannot resolve {did}: {url} did not answer JSON: {exc}") from None

    def web_document(self, url: str) -> dict:
        """The controlled identifier document at an http(s) URL (cached per resolver), its id checked."""
        doc_url = webvm.document_url(url, self.http_hosts)
        doc = self._documents.get(doc_url)
        if doc is None:
            doc = webvm.fetch_document(self.http, doc_url, self.transport_errors)
            self._documents[doc_url] = doc
        return doc

    def controller_document(self, controller: str) -> dict:
        return self.web_document(controller) if webvm.is_web_url(controller) else self.resolve(controller)

    def _web_verification_method(self, vm_url: str) -> VerificationMethod:
        doc_url = webvm.document_url(vm_url, self.http_hosts)
        doc = self.web_document(doc_url)
        vm = _find_vm(doc, vm_url) if "#" in vm_url else doc
        if vm is None:
            raise DidResolutionError(f"{vm_url} is not a verification method of the document at {doc_url}")
        controller = webvm.check_controller(vm, vm_url, doc_url)
        return VerificationMethod(vm_url, str(vm.get("type")), controller, _key_of(vm, vm_url))

    def verification_method(self, vm_url: str) -> VerificationMethod:
        """Dereference a DID URL `did#fragment`, or an http(s) URL (webvm.py), to a verification
        method with its public key."""
        if webvm.is_web_url(vm_url):
            return self._web_verification_method(vm_url)
        if not isinstance(vm_url, str) or "#" not in vm_url:
            raise DidResolutionError(f"{vm_url!r} is not a DID URL with a fragment naming a verification method")
        did, fragment = vm_url.split("#", 1)
        if not fragment or "?" in did or "/" in did:
            raise DidResolutionError(f"{vm_url!r}: only plain DID#fragment URLs are supported")
        doc = self.resolve(did)
        vm = _find_vm(doc, vm_url)
        if vm is None:
            raise DidResolutionError(f"{vm_url} is not a verification method of {did}")
        controller = vm.get("controller")
        if not isinstance(controller, str) or not DID_PATTERN.match(controller):
            raise DidResolutionError(f"verification method {vm_url} has no valid controller")
        return VerificationMethod(vm_url, str(vm.get("type")), controller, _key_of(vm, vm_url))

    def resolve_vm(self, vm_url: str, purpose: str) -> tuple[Key, str]:
        """(key, controller) of a verification method authorized for `purpose` by its controller."""
        vm = self.verification_method(vm_url)
        # The controller's own document (its id checked by resolve) must list the method under
        # the purpose; a document cannot authorize keys for someone else.
        controller_doc = self.controller_document(vm.controller)
        if not _listed_under(controller_doc, vm_url, purpose):
            raise VerificationMethodError(
                KEY_NOT_AUTHORIZED, f"{vm_url} is not listed under {purpose!r} in the document of {vm.controller}"
            )
        return vm.key, vm.controller
