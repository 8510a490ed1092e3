"""Verification methods named by an http(s) URL instead of a DID URL.

Open Badges 3.0 §8.5 (Dereferencing the Public Key) "allows the use of an HTTP URL ... or a DID
URL ..., but only requires HTTP URL support". The URL without its fragment names a controlled
identifier document (CID 1.0 §3.3 Retrieve Verification Method, which VC Data Integrity
§2.1 / §4 follows): its `id` must be that URL (step 6), and a method taken from it by fragment
must name that document as its `controller` (step 10). A URL without a fragment may name the
method itself; then its `controller` document is fetched too and must list the method.
Every fetch goes through the run's guarded, capped `net.Http` client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .findings import KEY_NOT_AUTHORIZED, KEY_NOT_FOUND, VerificationMethodError
from ..net import Http, NetError

MAX_URL_CHARS = 2048


class WebVmError(VerificationMethodError):
    def __init__(self, message: str, reason: str = KEY_NOT_FOUND):
        super().__init__(reason, message)


def is_web_url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def document_url(url: str, http_hosts: frozenset[str]) -> str:
    """`url` without its fragment, if it may be fetched: https, or http to a loopback host the run named."""
    if len(url) > MAX_URL_CHARS:
        raise WebVmError(f"verification method URL longer than {MAX_URL_CHARS} characters")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.username or parts.password or not host:
        raise WebVmError(f"{url!r} is not a plain http(s) URL naming a host")
    if parts.scheme != "https" and not (parts.scheme == "http" and host in http_hosts):
        raise WebVmError(f"{url!r}: verification methods are fetched over https only")
    return url.split("#", 1)[0]


def fetch_document(http: Http | None, url: str, transport_errors: list[NetError]) -> dict:
    """The JSON object at `url`; a transport failure (host refused, timeout, cap) is also recorded,
    so a caller can say the suite could not judge rather than that the key is missing."""
    if http is None:
        raise WebVmError(f"cannot fetch {url}: no HTTP client was given")
    try:
        response = http.get(url, headers={"Accept": "application/json, application/ld+json, application/did+json"})
        if response.status_code != 200:
            raise WebVmError(f"{url} answered HTTP {response.status_code}")
        doc = response.json()
    except NetError as exc:  # includes HostNotAllowed: refused before any request is made
        transport_errors.append(exc)
        raise WebVmError(f"cannot fetch {url}: {exc}") from None
    except ValueError as exc:
        raise WebVmError(f"{url} did not answer JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise WebVmError(f"{url} is not a JSON object")
    # CID 1.0 §3.3 step 6: "If controllerDocument.id does not match the controllerDocumentUrl, an error MUST be raised".
    if doc.get("id") != url:
        raise WebVmError(f"the document at {url} has id {doc.get('id')!r}; it must be its own URL")
    return doc


def check_controller(vm: dict, vm_url: str, doc_url: str) -> str:
    """The method's controller; taken by fragment from a document, it must be that document
    (CID 1.0 §3.3 step 10: "If the absolute URL value of verificationMethod.controller does not
    equal controllerDocumentUrl, an error MUST be raised")."""
    controller = vm.get("controller")
    if not isinstance(controller, str) or not controller:
        raise WebVmError(f"verification method {vm_url} has no controller")
    if "#" in vm_url and controller != doc_url:
        raise WebVmError(f"verification method {vm_url} names controller {controller!r}, not the document {doc_url} "
                         "it was retrieved from", KEY_NOT_AUTHORIZED)
    if "#" not in vm_url and vm.get("id") != vm_url:
        raise WebVmError(f"the document at {vm_url} is not the verification method it names")
    return controller
