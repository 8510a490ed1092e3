"""OpenID4VP verifiers: the Authorization Request a wallet receives. Each check asks the
verifier's backchannel for a request with a known DCQL query and reads what a wallet would
read: the `openid4vp://` URL, and the Request Object behind its request_uri."""

from __future__ import annotations

import pytest

from ler_interop import net
from ler_interop.outcomes import unsupported
from ler_interop.protocols import dcql
from ler_interop.protocols import oid4vp_present as present
from ler_interop.protocols.oid4vp_request import (
    REQUEST_OBJECT_TYP,
    URL_SAFE,
    entropy_bits,
    VerdictResolver,
    judgeable_prefix,
    signature_problem,
)

VP = "https://openid.net/specs/openid-4-verifiable-presentations-1_0.html"


def check(id, title, principles, spec, level="MUST"):
    return pytest.mark.check(id=id, title=title, principles=principles, level=level, spec=spec, role="verifier",
                             protocol="oid4vp", requires=["oid4vp"])


@pytest.fixture
def asked(oid4vp_client, oid4vp_any_format):
    """A request for an Open Badge in the first format the verifier declares."""
    query = present.credential_query(oid4vp_any_format)
    transaction, request = oid4vp_client.start(query)
    return transaction, request, query


@check("VER-OID4VP-001", "The request_uri serves a Request Object typed oauth-authz-req+jwt", ["P1"], VP + "#section-5")
def test_request_object_typ(asked):
    _, request, _ = asked
    assert request.header.get("typ") == REQUEST_OBJECT_TYP, (
        f"Request Object header typ is {request.header.get('typ')!r}; Verifiers MUST set {REQUEST_OBJECT_TYP!r}")


@check("VER-OID4VP-002", "Asks for a vp_token with response_mode direct_post and a response_uri on its own host",
       ["P1"], VP + "#section-8.2")
def test_response_type_and_mode(asked, vendor):
    _, request, _ = asked
    assert request.get("response_type") == "vp_token", f"response_type is {request.get('response_type')!r}"
    if request.get("response_mode") == "direct_post.jwt":  # §8.3.1: encrypted responses, which the suite does not make
        unsupported("response_mode direct_post.jwt (encrypted responses) is not exercised by this suite")
    assert request.get("response_mode") == "direct_post", f"response_mode is {request.get('response_mode')!r}"
    uri = request.get("response_uri")
    is_url = isinstance(uri, str) and uri.startswith(("https://", "http://"))
    assert is_url, f"response_uri is {uri!r}"
    vendor.http.policy.check_url(uri)  # a response_uri outside the declared hosts is refused: error
    assert "redirect_uri" not in request.claims, "redirect_uri must not be present beside response_uri (§8.2)"


@check("VER-OID4VP-003", "The request URL's client_id is the Request Object's, prefix included", ["P1", "P2"],
       VP + "#section-5.10.1")
def test_client_id_matches(asked):
    _, request, _ = asked
    in_url, in_object = request.url_params.get("client_id"), request.client_id
    assert in_object, "the Request Object has no client_id"
    assert in_url == in_object, f"client_id {in_url!r} in the URL, {in_object!r} in the Request Object"


@check("VER-OID4VP-004", "The Request Object is signed as its Client Identifier Prefix requires", ["P2"],
       VP + "#section-5.9.3")
def test_request_signature(asked, vendor):
    _, request, _ = asked
    if not judgeable_prefix(request.prefix):
        unsupported(f"the suite cannot establish trust for Client Identifier Prefix {request.prefix!r}")
    resolver = VerdictResolver(http=vendor.http, http_hosts=net.LOOPBACK_NAMES)
    problem = signature_problem(request, resolver.resolve_vm)
    assert problem is None, problem


@check("VER-OID4VP-005", "The nonce carries at least 128 bits of entropy", ["P2"], VP + "#section-5.2", level="SHOULD")
def test_nonce_entropy(asked):
    _, request, _ = asked
    nonce = request.get("nonce")
    assert isinstance(nonce, str) and nonce, "the request has no nonce"
    bits = entropy_bits(nonce)
    assert bits >= 128, f"nonce {nonce!r} holds at most {bits:.0f} bits of entropy; 128 are recommended"


@check("VER-OID4VP-006", "A fresh, URL-safe nonce for every request", ["P2"], VP + "#section-5.2")
def test_nonce_fresh(asked, oid4vp_client):
    _assert_fresh_and_url_safe(asked, oid4vp_client, "nonce")


@check("VER-OID4VP-007", "Each request carries a fresh, URL-safe state", ["P2"], VP + "#section-5.2", level="SHOULD")
def test_state(asked, oid4vp_client):
    _assert_fresh_and_url_safe(asked, oid4vp_client, "state",
                               why="; it lets the Response URI tie a response to a recent request (§14.4.2)")


def _assert_fresh_and_url_safe(asked, client, name: str, why: str = "") -> None:
    """`name` in two requests for the same query: an ASCII URL-safe string each time, never the same."""
    _, first, query = asked
    _, second = client.start(query)
    for request in (first, second):
        value = request.get(name)
        assert isinstance(value, str) and bool(URL_SAFE.match(value)), f"{name} {value!r} is not an ASCII URL-safe string{why}"
    assert first.get(name) != second.get(name), f"two requests carry the same {name}"


@check("VER-OID4VP-008", "The request asks exactly the DCQL query it was given, nothing more", ["P2"],
       VP + "#section-15.4.2", level="SHOULD")
def test_asks_only_what_was_named(asked):
    _, request, query = asked
    assert "scope" not in request.claims, "a scope beside dcql_query may ask for more than was named (§5.1)"
    # Defaults written out (multiple: false, ...) ask nothing more; anything else does.
    assert dcql.with_defaults(request.get("dcql_query")) == dcql.with_defaults(query), (
        f"the request asks {request.get('dcql_query')!r}; the verifier was told to ask {query!r}")


@check("VER-OID4VP-009", "client_metadata names the requested format in vp_formats_supported", ["P1"],
       VP + "#section-5.9.3")
def test_client_metadata(asked):
    _, request, query = asked
    # Pre-registered clients and OpenID Federation carry their metadata elsewhere (§5.9.3).
    if request.prefix in (None, "openid_federation"):
        pytest.skip(f"Client Identifier Prefix {request.prefix!r}: the verifier's metadata does not come in the request")
    metadata = request.get("client_metadata")
    assert isinstance(metadata, dict), "the request has no client_metadata object"
    formats = metadata.get("vp_formats_supported")
    assert isinstance(formats, dict) and formats, "client_metadata has no vp_formats_supported object"
    fmt = query["credentials"][0]["format"]
    assert fmt in formats, f"vp_formats_supported names {sorted(formats)}, not the requested {fmt}"
