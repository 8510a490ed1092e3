"""Bearer and OAuth2 client-credentials auth: headers, token caching, errors, redaction."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from ler_interop import auth as auth_module
from ler_interop import redact
from ler_interop.auth import AuthConfig, AuthError, MissingSecret, auth_headers, clear_token_cache
from ler_interop.net import Http, Recorder

TOKEN_URL = "https://login.acme.example/oauth/token"
SECRET = "s3cret+/Value-only-in-env"
ACCESS = "at-9f8e7d6c5b4a-issued"


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    clear_token_cache()
    now = [1000.0]
    monkeypatch.setattr(auth_module, "_clock", lambda: now[0])
    yield now
    clear_token_cache()


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("ACME_SECRET", SECRET)
    monkeypatch.setenv("ACME_TOKEN", "bearer-token-value-42")


def oauth(method: str = "basic", **extra) -> AuthConfig:
    return AuthConfig(vendor="acme", type="oauth2", token_url=TOKEN_URL, client_id="ler interop",
                      client_secret_env="ACME_SECRET", scope="issue verify", method=method,
                      where="vendors[0].auth", **extra)


def test_no_auth_means_no_headers():
    assert auth_headers(None) == {}


def test_bearer_reads_the_named_env_var(env):
    config = AuthConfig(vendor="acme", type="bearer", token_env="ACME_TOKEN", where="vendors[0].auth")
    assert auth_headers(config) == {"Authorization": "Bearer bearer-token-value-42"}
    assert redact.scrub_text("echo bearer-token-value-42") == "echo [REDACTED]"


def test_bearer_missing_env_var_is_one_clear_line(monkeypatch):
    monkeypatch.delenv("ACME_TOKEN", raising=False)
    config = AuthConfig(vendor="acme", type="bearer", token_env="ACME_TOKEN", where="vendors[0].issuer.auth")
    with pytest.raises(MissingSecret) as caught:
        auth_headers(config)
    assert str(caught.value) == ("vendor acme: environment variable ACME_TOKEN (named by "
                                 "vendors[0].issuer.auth.token_env) is not set; export it before running")


@respx.mock
def test_oauth2_basic_fetches_then_caches_until_expiry(env, fresh_cache):
    route = respx.post(TOKEN_URL).mock(return_value=httpx.Response(
        200, json={"access_token": ACCESS, "token_type": "Bearer", "expires_in": 600}))
    assert auth_headers(oauth()) == {"Authorization": f"Bearer {ACCESS}"}
    request = route.calls.last.request
    # RFC 6749 2.3.1: id and secret are form-urlencoded, then joined by ':' and base64-encoded.
    expected = base64.b64encode(b"ler+interop:s3cret%2B%2FValue-only-in-env").decode()
    assert request.headers["authorization"] == f"Basic {expected}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {"grant_type": ["client_credentials"], "scope": ["issue verify"]}

    auth_headers(oauth())
    assert route.call_count == 1  # cached
    fresh_cache[0] += 600 - 31  # still before expiry minus the refresh margin
    auth_headers(oauth())
    assert route.call_count == 1
    fresh_cache[0] += 2  # inside the margin: refreshed
    auth_headers(oauth())
    assert route.call_count == 2


@respx.mock
def test_oauth2_post_method_sends_credentials_in_the_form(env):
    route = respx.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"access_token": ACCESS}))
    auth_headers(oauth("post", audience="https://vc.acme.example"))
    request = route.calls.last.request
    assert "authorization" not in request.headers
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["client_credentials"], "scope": ["issue verify"], "audience": ["https://vc.acme.example"],
        "client_id": ["ler interop"], "client_secret": [SECRET],
    }


@respx.mock
def test_oauth2_401_is_one_line_naming_what_to_check(env):
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(401, json={"error": "invalid_client"}))
    with pytest.raises(AuthError) as caught:
        auth_headers(oauth())
    assert str(caught.value) == (f"vendor acme: OAuth2 token endpoint {TOKEN_URL} answered 401 invalid_client"
                                 " — check client_id 'ler interop' and ACME_SECRET")


@respx.mock
def test_oauth2_error_description_is_scrubbed_of_secrets(env):
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(
        400, json={"error": "invalid_scope", "error_description": f"bad scope for secret {SECRET}"}))
    with pytest.raises(AuthError) as caught:
        auth_headers(oauth())
    message = str(caught.value)
    assert SECRET not in message
    assert message.endswith("answered 400 invalid_scope (bad scope for secret [REDACTED]) — check scope 'issue verify'")


@respx.mock
def test_oauth2_unreachable_and_malformed_answers(env):
    respx.post(TOKEN_URL).mock(side_effect=httpx.ConnectError("connection refused"))
    with pytest.raises(AuthError, match=r"^vendor acme: OAuth2 token endpoint \S+ could not be reached: "):
        auth_headers(oauth())
    calls = respx.routes[0].call_count if respx.routes else 0
    with pytest.raises(AuthError, match="could not be reached"):  # remembered: no second request
        auth_headers(oauth())
    assert (respx.routes[0].call_count if respx.routes else 0) == calls
    clear_token_cache()
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"token_type": "Bearer"}))
    with pytest.raises(AuthError, match="answered 200 without an access_token$"):
        auth_headers(oauth())
    clear_token_cache()
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"access_token": ACCESS, "token_type": "DPoP"}))
    with pytest.raises(AuthError, match="issued a 'DPoP' token; only Bearer tokens are supported$"):
        auth_headers(oauth())


@respx.mock
def test_token_request_is_host_guarded_and_recorded_redacted(env):
    respx.post(TOKEN_URL).mock(return_value=httpx.Response(200, json={"access_token": ACCESS, "expires_in": 60}))
    recorder = Recorder()
    asked: list[set[str]] = []

    def factory(hosts: set[str]) -> Http:
        asked.append(hosts)
        return Http(hosts, recorder=recorder)

    auth_headers(oauth("post"), factory)
    assert asked == [{"login.acme.example"}]
    evidence = json.dumps([e.to_dict() for e in recorder.exchanges])
    assert SECRET not in evidence and ACCESS not in evidence
    assert redact.scrub_text(f"token {ACCESS}") == "token [REDACTED]"


def test_missing_client_secret_env_var(monkeypatch):
    monkeypatch.delenv("ACME_SECRET", raising=False)
    with pytest.raises(MissingSecret, match=r"^vendor acme: environment variable ACME_SECRET \(named by "
                                            r"vendors\[0\]\.auth\.client_secret_env\) is not set"):
        auth_headers(oauth())
