"""The suite's counterparts for testing wallets (issue #5 part 3): two OpenID4VCI issuers, an
OpenID4VP verifier and the did:web/status host on one origin B, every inbound request recorded
and redacted; per-offer defects and extras; revocation; public URL and bind options."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from ler_interop import net, redact
from ler_interop.counterparts import options
from ler_interop.counterparts.config import CounterpartConfigError, resolve
from ler_interop.counterparts.issuer import CounterpartError
from ler_interop.counterparts.recording import INBOUND_METHOD_PREFIX, INBOUND_URL_PREFIX
from ler_interop.counterparts.server import Counterparts, start_counterparts
from ler_interop.credentials.did import DidResolver, did_jwk
from ler_interop.credentials.jws import JwsError, parse_compact, verify_signature
from ler_interop.protocols.oid4vci import Oid4vciClient, issued_credentials, well_known_url
from ler_interop.protocols.oid4vci_wallet import Session, Wallet
from ler_interop.reference.local_routes import LocalRoutingHttp as _LocalRoutingHttp
from ler_interop.reference.verifier import ReferenceVerifier
from ler_interop.cli import main as run_main

CLAIMS = {"name": "Zoë Ångström", "achievement": {"name": "Données ouvertes"}}
DCQL = {"credentials": [{"id": "badge", "format": "dc+sd-jwt", "meta": {"vct_values": ["x"]}}]}


@pytest.fixture(scope="module")
def cps():
    with start_counterparts() as running:
        yield running


@pytest.fixture(scope="module")
def checker():
    verifier = ReferenceVerifier()
    yield verifier
    verifier.close()


def _wallet(issuer, http_class=net.Http) -> tuple[Wallet, net.Recorder, net.Http]:
    recorder = net.Recorder()
    http = http_class(net.LOOPBACK_NAMES, recorder=recorder)
    return Wallet(Oid4vciClient(http, issuer.credential_issuer)), recorder, http


def _receive(issuer, fmt: str, *, tx_code=None, by_reference=False, defect=None, extra=None, claims=CLAIMS,
             http_class=net.Http):
    """The suite's own OpenID4VCI client redeems a counterpart offer end to end."""
    wallet, _, http = _wallet(issuer, http_class)
    try:
        uri = issuer.offer(fmt, claims, tx_code=tx_code, by_reference=by_reference, defect=defect, extra=extra)
        offer = wallet.client.resolve_offer(uri)
        token = wallet.client.token_request(offer.pre_authorized_code, tx_code)
        config = issuer.configuration_id(fmt)
        session = Session(offer, wallet.client.access_token(token), config)
        holder = wallet.holder_for(config)
        credentials, _ = issued_credentials(wallet.request(session, [holder]))
        return credentials[0], holder, uri
    finally:
        http.close()


def _verify(checker, credential) -> tuple[bool, list[str]]:
    result = checker.verify_credential({"verifiableCredential": credential})
    return result.verified, [f"{c.name}:{c.reason}" for c in result.checks if not c.ok]


# -- one origin, metadata ----------------------------------------------------------------------
def test_metadata_at_path_inserted_well_known_urls(cps):
    with net.Http(net.LOOPBACK_NAMES) as http:
        for issuer in (cps.issuer, cps.issuer2):
            assert issuer.credential_issuer == f"{cps.url}/{issuer.name}"
            meta = http.get(well_known_url(issuer.credential_issuer, "/.well-known/openid-credential-issuer"))
            assert meta.status_code == 200 and meta.json()["credential_issuer"] == issuer.credential_issuer
            assert meta.url == f"{cps.url}/.well-known/openid-credential-issuer/{issuer.name}"
            as_meta = http.get(f"{cps.url}/.well-known/oauth-authorization-server/{issuer.name}").json()
            assert as_meta["issuer"] == issuer.credential_issuer
            assert as_meta["token_endpoint"] == issuer.credential_issuer + "/token"
    assert cps.issuer.did != cps.issuer2.did and cps.issuer.did.endswith(":issuer")
    resolver = DidResolver(http=net.Http(net.LOOPBACK_NAMES), http_hosts=net.LOOPBACK_NAMES)
    for issuer in (cps.issuer, cps.issuer2):
        assert resolver.resolve(issuer.did)["id"] == issuer.did  # B/<name>/did.json


@pytest.mark.parametrize("mechanism", ["did", "jwt-vc-issuer", "x5c"])
def test_sd_jwt_issuer_signs_by_each_mechanism_with_jwt_vc_issuer_metadata(cps, mechanism):
    """B/.well-known/jwt-vc-issuer/<name> (the draft's insertion, at B's root though the issuer
    is mounted at B/<name>) names the issuer and its public key; each mechanism verifies."""
    from ler_interop.credentials.jws import parse_compact
    from ler_interop.protocols.suite_tools import suite_verifier

    with net.Http(net.LOOPBACK_NAMES) as http:
        for issuer in (cps.issuer, cps.issuer2):
            meta = http.get(f"{cps.url}/.well-known/jwt-vc-issuer/{issuer.name}").json()
            assert meta["issuer"] == issuer.credential_issuer
            assert [k["kid"] for k in meta["jwks"]["keys"]] == ["sd-jwt-vc-1"] and "d" not in meta["jwks"]["keys"][0]
        cps.issuer.use_sd_jwt_key(mechanism)
        try:
            credential, _, _ = _receive(cps.issuer, "dc+sd-jwt")
            # verified while the mechanism holds: the status list token is signed the same way
            result = suite_verifier(http, [cps.keys.ca.certificate]).verify_credential(credential)
        finally:
            cps.issuer.use_sd_jwt_key("did")
        jws = parse_compact(credential.split("~")[0])
        assert jws.payload_json()["iss"] == (cps.issuer.did if mechanism == "did" else cps.issuer.credential_issuer)
        assert result.verified, result.errors


def test_host_keeps_working_on_the_same_origin(cps, checker):
    signer = cps.host.signer()
    assert cps.host.url == cps.url and signer.did.startswith(cps.issuer.did.rsplit(":", 1)[0] + ":issuers:")
    from ler_interop.credentials import samples

    assert _verify(checker, signer.issue(samples.achievement_credential(signer.did)))[0]


# -- offers redeemed end to end -------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"])
def test_offer_by_value_is_redeemed_and_verifies(cps, checker, fmt):
    credential, holder, uri = _receive(cps.issuer, fmt)
    assert uri.startswith("openid-credential-offer://?credential_offer=")
    assert _verify(checker, credential) == (True, [])
    issued = [i for i in cps.issuer.issued() if i.credential == credential]
    proved = did_jwk(holder.key) if holder.binding == "jwk" else holder.did
    assert issued and issued[0].format == fmt and issued[0].holder == proved


def test_offer_by_reference_and_with_tx_code(cps, checker):
    credential, _, uri = _receive(cps.issuer2, "ldp_vc", by_reference=True, tx_code="493536")
    assert "credential_offer_uri" in uri and cps.issuer2.credential_issuer in parse_qs(urlsplit(uri).query)["credential_offer_uri"][0]
    assert credential["issuer"] in (cps.issuer2.did, {"id": cps.issuer2.did}) or credential["issuer"]["id"] == cps.issuer2.did
    assert _verify(checker, credential)[0]


def test_offer_refuses_what_it_cannot_do(cps):
    with pytest.raises(CounterpartError):
        cps.issuer.offer("mso_mdoc", CLAIMS)
    with pytest.raises(CounterpartError):
        cps.issuer.offer("ldp_vc", CLAIMS, defect="expired")
    with pytest.raises(CounterpartError):
        cps.issuer.offer("dc+sd-jwt", CLAIMS, extra={"evidence": []})


# -- defects and extras ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"])
def test_bad_signature_defect(cps, checker, fmt):
    credential, _, _ = _receive(cps.issuer, fmt, defect="bad-signature")
    verified, failures = _verify(checker, credential)
    assert not verified and failures, failures
    clean, _, _ = _receive(cps.issuer, fmt)  # only that offer was defective
    assert _verify(checker, clean)[0]


def _bound_key(fmt, credential):
    if fmt == "ldp_vc":
        return credential["credentialSubject"]["id"]
    payload = parse_compact(credential.split("~")[0]).payload_json()
    return payload["vc"]["credentialSubject"]["id"] if fmt == "jwt_vc_json" else payload["cnf"]["jwk"]


@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"])
def test_other_key_defect_binds_another_key(cps, checker, fmt):
    credential, holder, _ = _receive(cps.issuer, fmt, defect="other-key")
    bound = _bound_key(fmt, credential)
    proved = holder.key.public_jwk() if fmt == "dc+sd-jwt" else holder.did
    assert bound != proved and (fmt == "dc+sd-jwt" or bound.startswith("did:key:"))
    assert _verify(checker, credential)[0]  # otherwise a good credential: only the binding is wrong
    clean, holder, _ = _receive(cps.issuer, fmt)
    assert _bound_key(fmt, clean) == (holder.key.public_jwk() if fmt == "dc+sd-jwt" else holder.did)


@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json"])
def test_extra_members_are_merged_in(cps, checker, fmt):
    extra = {"name": {"@value": "Insigne", "@language": "fr"},
             "description": [{"@value": "Ein Abzeichen", "@language": "de"}],
             "evidence": [{"type": ["Evidence"], "name": "Portfolio", "narrative": "Built a data catalogue"}]}
    credential, _, _ = _receive(cps.issuer, fmt, extra=extra)
    doc = credential if fmt == "ldp_vc" else parse_compact(credential).payload_json()["vc"]
    assert {k: doc[k] for k in extra} == extra
    assert _verify(checker, credential) == (True, [])


# -- recording and redaction ----------------------------------------------------------------------
def test_inbound_requests_are_recorded_and_redacted(cps):
    mark = cps.mark()
    credential, _, _ = _receive(cps.issuer, "dc+sd-jwt", tx_code="271828", by_reference=True)
    inbound = cps.inbound(mark)
    paths = [e.path for e in inbound]
    assert {"/issuer/token", "/issuer/nonce", "/issuer/credential"} <= set(paths)
    assert any(p.startswith("/issuer/offers/") for p in paths)
    token_form = cps.issuer.token_requests(mark)[0]
    assert token_form["tx_code"] == redact.REDACTED and token_form["pre-authorized_code"] == redact.REDACTED
    assert "proofs" in cps.issuer.credential_requests(mark)[0]
    assert [i.credential for i in cps.issuer.issued(mark)] == [credential]
    recorder = net.Recorder()
    cps.attach(recorder, mark)
    assert len(recorder.exchanges) == len(inbound)
    for exchange in recorder.exchanges:
        assert exchange.method.startswith(INBOUND_METHOD_PREFIX)
        assert exchange.url.startswith(INBOUND_URL_PREFIX + cps.url)
    text = json.dumps([e.to_dict() for e in recorder.exchanges])
    assert "271828" not in text and redact.REDACTED in text
    token_answer = next(e for e in inbound if e.path == "/issuer/token")
    assert token_answer.response_json()["access_token"] == redact.REDACTED
    credential_call = next(e for e in inbound if e.path == "/issuer/credential")
    assert credential_call.headers["authorization"] == redact.REDACTED
    # No secret value anywhere: every access token / code the issuer keeps is absent.
    state = cps.issuer.service.state
    secrets = [g for g in state._grants] + [c for c in state._by_code]
    assert secrets and not any(s in text for s in secrets)


# -- revocation -------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["ldp_vc", "jwt_vc_json", "dc+sd-jwt"])
def test_revoke_flips_status_for_the_reference_verifier(cps, checker, fmt):
    credential, _, _ = _receive(cps.issuer, fmt)
    assert _verify(checker, credential)[0]
    cps.issuer.revoke(credential)
    verified, failures = _verify(checker, credential)
    assert not verified and any("revoked" in f or "status" in f for f in failures), failures
    with pytest.raises(CounterpartError):
        cps.issuer2.revoke(credential)  # not issued there


# -- the verifier -----------------------------------------------------------------------------------
def _request_object(url: str) -> tuple[dict, str, str]:
    query = parse_qs(urlsplit(url).query)
    with net.Http(net.LOOPBACK_NAMES) as http:
        jwt = http.get(query["request_uri"][0]).text
    return parse_compact(jwt).payload_json(), jwt, query["client_id"][0]


def test_verifier_request_and_recorded_responses(cps):
    tx, url = cps.verifier.request(DCQL)
    assert url.startswith("openid4vp://?") and f"request_uri={cps.url}/verifier/".replace(":", "%3A").replace("/", "%2F") in url
    claims, jwt, client_id = _request_object(url)
    assert client_id == cps.verifier.client_id and claims["response_uri"] == f"{cps.url}/verifier/oid4vp/response"
    key, _ = DidResolver().resolve_vm(parse_compact(jwt).header["kid"], "authentication")
    verify_signature(parse_compact(jwt), key)
    assert cps.verifier.status(tx)["status"] == "pending"
    with net.Http(net.LOOPBACK_NAMES) as http:
        answer = http.post(claims["response_uri"], data={"error": "access_denied", "state": claims["state"]})
    assert answer.status_code == 200
    assert cps.verifier.responses(tx) == [{"error": "access_denied", "state": claims["state"]}]
    assert cps.verifier.status(tx)["status"] == "rejected"


def test_verifier_request_with_bad_signature(cps):
    _, url = cps.verifier.request_url_with_bad_signature(DCQL)
    _, jwt, _ = _request_object(url)
    key, _ = DidResolver().resolve_vm(parse_compact(jwt).header["kid"], "authentication")
    with pytest.raises(JwsError):
        verify_signature(parse_compact(jwt), key)
    _, good = cps.verifier.request(DCQL)  # per transaction: the next one is signed right
    _, jwt, _ = _request_object(good)
    verify_signature(parse_compact(jwt), key)
    with pytest.raises(CounterpartError):
        cps.verifier.request({"credentials": []})


# -- public URL and bind --------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_bind_with_a_public_url(checker):
    port = _free_port()
    found = resolve(f"http://localhost:{port}", f"127.0.0.1:{port}")
    with Counterparts(bind=found.bind, public_url=found.public_url).start() as cps:
        assert cps.url == f"http://localhost:{port}" and cps.issuer.did == f"did:web:localhost%3A{port}:issuer"
        credential, _, _ = _receive(cps.issuer, "ldp_vc")
        assert _verify(checker, credential) == (True, [])


def test_public_url_unreachable_by_name_is_fetched_from_the_bind(checker):
    """Hairpin NAT: B is not reachable from here, yet the suite's verifiers resolve B's did:web
    and status lists through the local bind (and nothing else is let through)."""
    with Counterparts(bind=("127.0.0.1", 0), public_url="https://counterparts.invalid").start() as cps:
        assert cps.issuer.did == "did:web:counterparts.invalid:issuer"
        credential, _, _ = _receive(cps.issuer, "dc+sd-jwt", http_class=_LocalRoutingHttp)
        assert _verify(checker, credential) == (True, [])
        cps.issuer.revoke(credential)
        assert not _verify(checker, credential)[0]
    with pytest.raises(net.HostNotAllowed):  # stopped: the rewrite is gone with it
        with _LocalRoutingHttp(net.LOOPBACK_NAMES) as http:
            http.get("https://counterparts.invalid/issuer/did.json")


def test_xdist_workers_offset_fixed_ports():
    assert resolve(None, "127.0.0.1:9100", "gw3").bind == ("127.0.0.1", 9103)
    assert resolve(None, None, "gw3").bind == ("127.0.0.1", 0)
    found = resolve("https://suite.example.org", "0.0.0.0:9100", "gw1")
    assert found.bind == ("0.0.0.0", 9101) and found.public_url == "https://suite.example.org:444"
    assert resolve("http://localhost:8765", None, "gw0").public_url == "http://localhost:8765"
    assert resolve("http://10.0.0.1:8080", "0.0.0.0:8080").notes  # plain http off loopback: noted


@pytest.mark.parametrize("url, bind", [
    ("ftp://suite.example.org", None), ("https://suite.example.org/ler", "0.0.0.0:1"),
    ("https://suite.example.org", None), (None, "localhost"), (None, "127.0.0.1:99999"), ("http://[::1", None),
])
def test_bad_values_are_one_line_errors(url, bind, capsys):
    with pytest.raises(CounterpartConfigError) as exc:
        resolve(url, bind)
    assert "\n" not in str(exc.value) and "--counterpart-" in str(exc.value)
    config = SimpleNamespace(getoption=lambda name: {"counterpart_url": url, "counterpart_bind": bind}[name])
    with pytest.raises(pytest.UsageError):
        options.address(config)
    argv = ["run", "--out", "/tmp/unused"] + (["--counterpart-url", url] if url else []) + \
           (["--counterpart-bind", bind] if bind else [])
    assert run_main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--counterpart-" in err


def test_verifier_judges_a_presentation_of_a_counterpart_credential(cps):
    """Issued by B/issuer, presented to B/verifier: verified, then rejected once revoked."""
    from ler_interop.protocols.oid4vp_present import credential_query, sd_jwt_vp

    credential, holder, _ = _receive(cps.issuer2, "dc+sd-jwt")
    verdicts = []
    for _ in range(2):
        tx, url = cps.verifier.request(credential_query("dc+sd-jwt"))
        claims, _, client_id = _request_object(url)
        vp = sd_jwt_vp(credential, holder.key, nonce=claims["nonce"], client_id=client_id)
        form = {"vp_token": json.dumps({"badge": [vp]}), "state": claims["state"]}
        with net.Http(net.LOOPBACK_NAMES) as http:
            http.post(claims["response_uri"], data=form)
        assert cps.verifier.responses(tx) == [form]
        verdicts.append(cps.verifier.status(tx)["status"])
        cps.issuer2.revoke(credential)
    assert verdicts == ["verified", "rejected"]


def test_a_public_url_this_machine_cannot_resolve_works_with_and_without_xdist(tmp_path):
    """B named https://suite.example.test (no DNS here): the reference verifier and wallet, in the
    controller under -n 2, reach every worker's counterparts through their local binds."""
    from ler_interop.cli import main

    port = _two_free_ports()  # worker gwN binds port+N
    suites = Path(__file__).resolve().parents[1] / "suites"
    checks = "VER-OID4VP-012 or WAL-OID4VCI-001 or WAL-OID4VP-001"
    for workers in ([], ["-n", "2"]):
        out = tmp_path / f"run{len(workers)}"
        code = main(["run", "--suites", str(suites), "--out", str(out), "-k", checks, *workers,
                     "--counterpart-url", "https://suite.example.test:8443", "--counterpart-bind", f"127.0.0.1:{port}"])
        results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
        outcomes = {(r["check"], r["params"].get("fmt")): r["outcome"] for r in results if r["kind"] == "result"}
        messages = [r["message"][:300] for r in results if r["kind"] == "result" and r["outcome"] != "pass"]
        assert code == 0 and len(outcomes) == 7 and set(outcomes.values()) == {"pass"}, (workers, outcomes, messages)


def _two_free_ports() -> int:
    """A port P with P+1 free too (other processes on this machine take ports at random)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            try:
                with socket.socket() as second:
                    second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    raise RuntimeError("no two consecutive free ports")
