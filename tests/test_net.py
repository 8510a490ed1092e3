"""net.Http, the one client the suite points at vendors: host guard, redirects re-checked, byte
cap, JSON depth cap, deadline, and redacted recording. respx where a real server adds nothing;
the hostile loopback vendor where timing on a real socket is the point."""

from __future__ import annotations

import json
import time

import httpx
import pytest
import respx

from hostile_vendor import HostileVendor
from ler_interop import net, redact
from ler_interop.net import (DeadlineExceeded, HostNotAllowed, Http, JsonTooDeep, NetError, Recorder,
                             ResponseTooLarge, parse_json)
from vendor_stub import closed_port

VENDOR = "https://issuer.acme.example"


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def http(recorder: Recorder):
    with Http(["issuer.acme.example"], recorder=recorder, headers={"Authorization": "Bearer live-token-1234"}) as client:
        yield client


# -- host guard ------------------------------------------------------------------------------
@respx.mock(assert_all_mocked=True)
def test_undeclared_host_is_refused_before_any_request(http: Http, recorder: Recorder):
    elsewhere = respx.get("https://elsewhere.example/steal").mock(return_value=httpx.Response(200))
    with pytest.raises(HostNotAllowed, match=r"elsewhere.example:443 is not among the vendor's declared hosts "
                                             r"\(issuer.acme.example\)"):
        http.get("https://elsewhere.example/steal")
    assert not elsewhere.called and recorder.exchanges == []


@respx.mock
def test_redirect_to_undeclared_host_is_refused(http: Http, recorder: Recorder):
    respx.post(f"{VENDOR}/issue").mock(return_value=httpx.Response(307, headers={"location": "https://evil.example/x"}))
    evil = respx.post("https://evil.example/x").mock(return_value=httpx.Response(200))
    with pytest.raises(HostNotAllowed, match="evil.example"):
        http.post(f"{VENDOR}/issue", json={"credential": {}})
    assert not evil.called
    assert [e.status for e in recorder.exchanges] == [307]  # the redirect itself is evidence


@respx.mock
def test_redirect_within_the_declared_host_is_followed(http: Http, recorder: Recorder):
    respx.post(f"{VENDOR}/issue").mock(return_value=httpx.Response(308, headers={"location": "/v2/issue"}))
    moved = respx.post(f"{VENDOR}/v2/issue").mock(return_value=httpx.Response(201, json={"ok": True}))
    response = http.post(f"{VENDOR}/issue", json={"credential": {"name": "x"}})
    assert response.status_code == 201 and response.json() == {"ok": True}
    assert json.loads(moved.calls.last.request.content) == {"credential": {"name": "x"}}  # 308 keeps the body
    assert [(e.method, e.url, e.status) for e in recorder.exchanges] == [
        ("POST", f"{VENDOR}/issue", 308), ("POST", f"{VENDOR}/v2/issue", 201)]


@respx.mock
def test_a_redirect_can_be_handed_back_instead_of_followed(http: Http):
    """An OpenID4VP wallet does not follow a Response URI's redirect (the vp_token would travel on)."""
    respx.post(f"{VENDOR}/response").mock(return_value=httpx.Response(307, headers={"location": "/elsewhere"}))
    moved = respx.post(f"{VENDOR}/elsewhere").mock(return_value=httpx.Response(200, json={}))
    assert http.post(f"{VENDOR}/response", data={"vp_token": "x"}, follow_redirects=False).status_code == 307
    assert not moved.called


@respx.mock
def test_303_turns_into_a_get_without_the_body(http: Http):
    respx.post(f"{VENDOR}/status").mock(return_value=httpx.Response(303, headers={"location": "/result"}))
    result = respx.get(f"{VENDOR}/result").mock(return_value=httpx.Response(200, json={}))
    http.post(f"{VENDOR}/status", json={"secret": "body"})
    assert result.calls.last.request.content == b""


@respx.mock
def test_three_redirects_are_followed_but_a_fourth_is_an_error(http: Http, recorder: Recorder):
    for hop in range(4):
        respx.get(f"{VENDOR}/r{hop}").mock(return_value=httpx.Response(302, headers={"location": f"/r{hop + 1}"}))
    respx.get(f"{VENDOR}/r4").mock(return_value=httpx.Response(200, json={}))
    assert http.get(f"{VENDOR}/r1").status_code == 200  # r1 -> r2 -> r3 -> r4: three redirects
    with pytest.raises(NetError, match=f"more than {net.MAX_REDIRECTS} redirects"):
        http.get(f"{VENDOR}/r0")


@pytest.mark.parametrize("address", ["169.254.169.254", "[fe80::1]", "[::ffff:169.254.169.254]", "224.0.0.1", "0.0.0.0"])
def test_link_local_multicast_and_unspecified_addresses_are_refused_even_if_declared(address: str):
    host = address.strip("[]")
    with Http([host]) as client, pytest.raises(HostNotAllowed, match="link-local/multicast"):
        client.get(f"http://{address}/latest/meta-data/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://issuer.acme.example/x", "gopher://issuer.acme.example/"])
def test_non_http_schemes_are_refused(http: Http, url: str):
    with pytest.raises(HostNotAllowed, match=r"only http\(s\) URLs are fetched"):
        http.get(url)


@respx.mock
def test_redirect_to_a_non_http_scheme_is_refused(http: Http):
    respx.get(f"{VENDOR}/x").mock(return_value=httpx.Response(302, headers={"location": "file:///etc/passwd"}))
    with pytest.raises(HostNotAllowed, match="only http"):
        http.get(f"{VENDOR}/x")


# -- caps --------------------------------------------------------------------------------------
@respx.mock
def test_body_over_max_bytes_is_refused_while_streaming(recorder: Recorder):
    pulled: list[int] = []

    def ten_megabytes():
        for i in range(160):
            pulled.append(i)
            yield b" " * 65536

    respx.get(f"{VENDOR}/big").mock(return_value=httpx.Response(200, content=ten_megabytes()))
    with Http(["issuer.acme.example"], max_bytes=1024 * 1024, recorder=recorder) as client:
        with pytest.raises(ResponseTooLarge, match="exceeds 1048576 bytes"):
            client.get(f"{VENDOR}/big")
    assert len(pulled) <= 17, "the body was read past the cap instead of being abandoned"
    assert "exceeds" in (recorder.exchanges[0].error or "")


@respx.mock
def test_json_deeper_than_the_cap_is_refused(http: Http):
    respx.get(f"{VENDOR}/d65").mock(return_value=httpx.Response(200, content=b"[" * 65 + b"]" * 65))
    respx.get(f"{VENDOR}/d64").mock(return_value=httpx.Response(200, content=b"[" * 64 + b"]" * 64))
    with pytest.raises(JsonTooDeep, match="deeper than 64"):
        http.get(f"{VENDOR}/d65").json()
    assert http.get(f"{VENDOR}/d64").json() is not None


@pytest.mark.parametrize("levels", [2000, 200_000])
def test_very_deep_json_is_json_too_deep_not_a_recursion_error(levels: int):
    with pytest.raises(JsonTooDeep):
        parse_json(b'{"a":' * levels + b"1" + b"}" * levels)


# -- recording ---------------------------------------------------------------------------------
@respx.mock
def test_every_exchange_is_recorded_redacted_and_capped(http: Http, recorder: Recorder):
    big = {"pad": "y" * (net.EVIDENCE_BODY_CAP * 2), "access_token": "at-should-not-show"}
    respx.post(f"{VENDOR}/token").mock(return_value=httpx.Response(
        200, json=big, headers={"set-cookie": "session=abcdef123"}))
    http.post(f"{VENDOR}/token?tx_code=493817", data={"client_secret": "cs-should-not-show", "grant_type": "x"})
    (exchange,) = recorder.exchanges
    text = json.dumps(exchange.to_dict())
    for secret in ("live-token-1234", "at-should-not-show", "cs-should-not-show", "493817", "abcdef123"):
        assert secret not in text
    assert exchange.request_headers["authorization"] == redact.REDACTED
    assert exchange.response_headers["set-cookie"] == redact.REDACTED
    assert "grant_type=x" in exchange.request_body
    assert len(exchange.response_body) < net.EVIDENCE_BODY_CAP + 100
    assert exchange.response_body.endswith("chars, truncated]")
    assert exchange.status == 200 and exchange.duration_ms >= 0


def test_transport_error_is_a_net_error_naming_the_request(recorder: Recorder):
    url = f"http://127.0.0.1:{closed_port()}/credentials/issue?pre-authorized_code=pac-secret-77"
    with Http(["127.0.0.1"], recorder=recorder) as client:
        with pytest.raises(NetError) as caught:
            client.post(url, json={})
    message = str(caught.value)
    assert message.startswith("POST http://127.0.0.1:") and "ConnectError" in message
    assert "pac-secret-77" not in message and "pac-secret-77" not in json.dumps(recorder.exchanges[0].to_dict())
    assert recorder.exchanges[0].status is None and recorder.exchanges[0].error


# -- deadline, on a real socket ----------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile():
    with HostileVendor() as vendor:
        yield vendor


@pytest.mark.parametrize("behaviour", ["slow-drip", "header-drip", "hang"])
def test_a_slow_answer_is_cut_at_the_deadline(hostile: HostileVendor, behaviour: str, recorder: Recorder):
    """A drip never trips httpx's per-read timeout; the exchange's deadline still holds,
    also while the status line and headers are being dripped."""
    started = time.monotonic()
    with Http(["127.0.0.1"], timeout=1.0, recorder=recorder) as client:
        with pytest.raises(NetError) as caught:
            client.get(f"{hostile.url}/b/{behaviour}")
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, f"{behaviour}: took {elapsed:.1f}s against a 1s deadline"
    if behaviour != "hang":  # a hang is httpx's own ReadTimeout; a drip only the deadline catches
        assert isinstance(caught.value, DeadlineExceeded), caught.value
        assert "no complete answer within 1s" in str(caught.value)
    assert recorder.exchanges[0].error


def test_the_deadline_does_not_touch_the_next_request(hostile: HostileVendor):
    with Http(["127.0.0.1"], timeout=1.0) as client:
        with pytest.raises(DeadlineExceeded):
            client.get(f"{hostile.url}/b/slow-drip")
        assert client.get(f"{hostile.url}/health").json() == {"status": "ok"}
        time.sleep(1.1)  # past the first request's deadline: its timer must not cut this one
        assert client.get(f"{hostile.url}/health").status_code == 200


def test_a_real_10_megabyte_answer_is_abandoned_at_the_cap(hostile: HostileVendor):
    with Http(["127.0.0.1"], timeout=5.0) as client:
        with pytest.raises(ResponseTooLarge):
            client.get(f"{hostile.url}/b/huge-body")


def test_loopback_vendors_are_told_apart_by_port():
    """Two vendors on 127.0.0.1: a declared host:port admits only that port."""
    from ler_interop.net import HttpPolicy, guard_entry

    policy = HttpPolicy({guard_entry("http://127.0.0.1:8101/credentials/issue")})
    policy.check_url("http://127.0.0.1:8101/status/revocation")
    with pytest.raises(HostNotAllowed, match="127.0.0.1:8103"):
        policy.check_url("http://127.0.0.1:8103/credentials/verify")
    assert guard_entry("https://issuer.acme.example:8443/x") == "issuer.acme.example"


def test_guard_entries_read_one_way_for_ipv6_too():
    from ler_interop.net import entry_host, guard_entry, host_port_entry

    assert guard_entry("http://[::1]:8080/x") == "[::1]:8080" == host_port_entry("::1", 8080)
    assert guard_entry("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert [entry_host(e) for e in ("[::1]:8080", "127.0.0.1:8080", "example.org", "::1")] == \
        ["::1", "127.0.0.1", "example.org", "::1"]
    policy = net.HttpPolicy({"[::1]:8080"})
    policy.check_url("http://[::1]:8080/did.json")
    with pytest.raises(net.HostNotAllowed):
        policy.check_url("http://[::1]:8081/did.json")


# -- framing attacks on a raw socket ----------------------------------------------------------
def test_a_smuggled_second_response_is_never_read_as_the_next_answer():
    """Issue 12 item 4: the vendor answers one request with two responses in one write; the
    forged second one must not become the answer to the suite's next request."""
    from hostile_vendor import RawVendor, smuggling_answer

    with RawVendor(smuggling_answer) as vendor, Http([net.guard_entry(vendor.url)]) as client:
        answers = [client.post(f"{vendor.url}/credentials/verify", json={"n": i}).json() for i in range(3)]
    assert [a.get("forged") for a in answers] == [None, None, None]
    assert [a["request"] for a in answers] == [1, 2, 3]  # each answer is the one asked for


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compression_bomb_is_refused_at_the_cap_without_inflating_it(encoding: str):
    """Issue 12 item 9: 1 GiB of zeros in about 1 MiB of Content-Encoding; the 2 MiB cap must
    stop the inflation, with memory a few MiB, not the whole network read inflated."""
    import tracemalloc

    from hostile_vendor import RawVendor, bomb_answer, gzip_bomb

    gzip_bomb(encoding=encoding)  # made before measuring
    recorder = Recorder()
    with RawVendor(bomb_answer(encoding)) as vendor, Http([net.guard_entry(vendor.url)], recorder=recorder) as client:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge, match="decompresses to more than"):
                client.get(f"{vendor.url}/status-list")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 32 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"
    assert "decompresses to more than" in (recorder.exchanges[0].error or "")


def test_compressed_answers_within_the_cap_are_decoded():
    import gzip
    import zlib

    from hostile_vendor import RawVendor, http_response

    body = json.dumps({"ok": "é" * 1000}).encode()
    encoded = {1: ("gzip", gzip.compress(body)), 2: ("deflate", zlib.compress(body)),
               3: ("deflate", zlib.compress(body)[2:-4]),  # raw deflate, as some servers send it
               4: ("gzip, gzip", gzip.compress(gzip.compress(body))), 5: ("identity", body)}

    def answer(n: int, request: bytes) -> bytes:
        name, data = encoded[n]
        return http_response(data, headers={"content-encoding": name})

    with RawVendor(answer) as vendor, Http([net.guard_entry(vendor.url)]) as client:
        for _ in encoded:
            assert client.get(f"{vendor.url}/x").content == body
