"""Redaction of everything that reaches a report: secret headers, JSON keys, form fields, URL
query parameters (also inside an OpenID4VCI credential offer passed by value), the literal
values of registered secrets wherever they appear, and bearer/basic credentials in free text."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from ler_interop import redact
from ler_interop.redact import REDACTED, redact_body, redact_headers, redact_json, redact_url, register_secret, scrub_text

TOKEN = "tok-redact-test-5f1c9e0a"
CLIENT_SECRET = "cs-redact-test-77aa"
PRIVATE_D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"


@pytest.fixture(autouse=True, scope="module")
def registered():
    register_secret(TOKEN)
    register_secret(CLIENT_SECRET)


@pytest.mark.parametrize("name", ["Authorization", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
                                  "DPoP", "X-API-Key"])
def test_secret_headers_are_redacted_whatever_their_case(name: str):
    assert redact_headers({name: "anything at all", "Accept": "application/json"}) == {
        name: REDACTED, "Accept": "application/json"}


def test_other_headers_are_scrubbed_of_registered_secrets():
    headers = redact_headers({"x-echo": f"you sent {TOKEN}", "location": f"https://v.example/cb?t={TOKEN}"})
    assert headers == {"x-echo": f"you sent {REDACTED}", "location": f"https://v.example/cb?t={REDACTED}"}


def test_secret_json_keys_are_redacted_at_any_depth():
    answer = {
        "access_token": "at-1", "refresh_token": "rt-1", "id_token": "it-1", "token_type": "Bearer",
        "c_nonce": "public-nonce",
        "keys": [{"kty": "OKP", "crv": "Ed25519", "x": "public-x", "d": PRIVATE_D}],
        "verificationMethod": [{"publicKeyMultibase": "z6Mkpublic", "privateKeyMultibase": "z3u2secret"}],
        "nested": {"deeper": [{"client_secret": "cs-1", "password": "pw-1", "privateKeyJwk": {"d": "x"}}]},
    }
    redacted = redact_json(answer)
    assert redacted["token_type"] == "Bearer" and redacted["c_nonce"] == "public-nonce"
    assert redacted["keys"][0] == {"kty": "OKP", "crv": "Ed25519", "x": "public-x", "d": REDACTED}
    assert redacted["verificationMethod"][0] == {"publicKeyMultibase": "z6Mkpublic", "privateKeyMultibase": REDACTED}
    assert redacted["nested"]["deeper"][0] == {"client_secret": REDACTED, "password": REDACTED, "privateKeyJwk": REDACTED}
    for value in ("at-1", "rt-1", "it-1", PRIVATE_D, "z3u2secret", "cs-1", "pw-1"):
        assert value not in json.dumps(redacted)
    assert answer["access_token"] == "at-1", "the check's own copy must stay intact"


def test_json_string_values_are_scrubbed_of_registered_secrets():
    assert redact_json({"detail": f"token {TOKEN} expired", "n": 3, "ok": None}) == {
        "detail": f"token {REDACTED} expired", "n": 3, "ok": None}


def test_form_bodies_redact_secret_fields_and_keep_the_rest():
    form = f"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=pac-1&tx_code=493817&client_secret={CLIENT_SECRET}"
    fields = parse_qs(redact_body(form, "application/x-www-form-urlencoded; charset=utf-8"))
    assert fields["grant_type"] == ["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert fields["pre-authorized_code"] == fields["tx_code"] == fields["client_secret"] == [REDACTED]


def test_json_bodies_are_recognised_by_content_type_or_shape():
    body = json.dumps({"tx_code": "493817", "credential_configuration_id": "ob3"})
    for content_type in ("application/json", "application/problem+json", ""):
        assert json.loads(redact_body(body, content_type)) == {"tx_code": REDACTED, "credential_configuration_id": "ob3"}


@pytest.mark.parametrize("param", ["pre-authorized_code", "tx_code", "code", "access_token", "client_secret"])
def test_url_query_parameters_that_carry_secrets_are_redacted(param: str):
    url = redact_url(f"https://issuer.example/token?{param}=s3cr3t-value&state=keep-me")
    assert "s3cr3t-value" not in url
    assert parse_qs(urlsplit(url).query) == {param: [REDACTED], "state": ["keep-me"]}


def test_a_credential_offer_by_value_has_its_pre_authorized_code_redacted():
    # OpenID4VCI 1.0 §4.1: the offer JSON travels URL-encoded in the `credential_offer` parameter.
    offer = {"credential_issuer": "https://issuer.example", "credential_configuration_ids": ["ob3"],
             "grants": {"urn:ietf:params:oauth:grant-type:pre-authorized_code": {
                 "pre-authorized_code": "pac-in-offer-9d8c", "tx_code": {"length": 6, "input_mode": "numeric"}}}}
    url = redact_url("openid-credential-offer://?credential_offer=" + quote(json.dumps(offer)))
    assert "pac-in-offer-9d8c" not in url
    shown = json.loads(parse_qs(urlsplit(url).query)["credential_offer"][0])
    assert shown["credential_issuer"] == "https://issuer.example"  # the rest stays readable evidence
    grant = shown["grants"]["urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    assert grant["pre-authorized_code"] == REDACTED


def test_registered_secrets_are_scrubbed_from_urls_and_free_text():
    assert redact_url(f"https://v.example/tokens/{TOKEN}/use") == f"https://v.example/tokens/{REDACTED}/use"
    text = f"500 Internal Error: client_secret={CLIENT_SECRET}; auth header was {TOKEN}!"
    assert redact_body(text, "text/plain") == f"500 Internal Error: client_secret={REDACTED}; auth header was {REDACTED}!"
    assert scrub_text(f"{TOKEN}{TOKEN}") == REDACTED + REDACTED


def test_longer_secrets_are_scrubbed_before_their_prefixes():
    register_secret("pfx-overlap")
    register_secret("pfx-overlap-and-more")
    assert scrub_text("x pfx-overlap-and-more y") == f"x {REDACTED} y"


def test_values_too_short_to_be_secrets_are_not_registered():
    register_secret("abc")
    register_secret("")
    register_secret(None)
    assert scrub_text("abc is an ordinary word") == "abc is an ordinary word"


@pytest.mark.parametrize("where", ["text", "json", "header", "url"])
def test_unregistered_bearer_and_basic_credentials_in_text_are_redacted(where: str):
    bearer = "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    basic = "Basic bGVyLWludGVyb3A6c2VjcmV0LXZhbHVl"
    text = f"echo: Authorization: {bearer}; earlier {basic}"
    if where == "text":
        shown = redact_body(text, "text/plain")
    elif where == "json":
        shown = redact_body(json.dumps({"detail": text}), "application/json")
    elif where == "header":
        shown = redact_headers({"x-debug": text})["x-debug"]
    else:
        shown = redact_url("https://v.example/cb?msg=" + quote(text))
    assert "eyJzdWIiOiJ4In0" not in shown and "bGVyLWludGVyb3A6c2VjcmV0LXZhbHVl" not in shown, shown


@pytest.mark.parametrize("credential", ["plain-token-value-42", "abcdefghijklmnop1", "QUJDREVGR0hJSktM"])
def test_short_and_hyphenated_tokens_after_a_scheme_are_redacted(credential: str):
    assert scrub_text(f"got bearer {credential}, rejected") == f"got bearer {REDACTED}, rejected"


def test_ordinary_prose_about_bearers_is_left_alone():
    prose = "The bearer of this badge completed the course. Basic skills assessed. Bearer responsibilities apply."
    assert scrub_text(prose) == prose
    assert redact_body(prose, "text/plain") == prose
    assert redact_json({"description": prose}) == {"description": prose}


def test_percent_encoded_secrets_are_found_in_forms_and_queries():
    register_secret("s3cret+/Value&more")
    form = "grant_type=client_credentials&note=s3cret%2B%2FValue%26more"
    assert "Value" not in redact_body(form, "application/x-www-form-urlencoded")
    assert "Value" not in redact_url("https://v.example/x?echo=s3cret%2B%2FValue%26more")


def test_registration_is_thread_safe_and_global():
    import threading

    values = [f"thread-secret-{i:04d}" for i in range(200)]
    threads = [threading.Thread(target=register_secret, args=(v,)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert scrub_text(" ".join(values)) == " ".join([REDACTED] * len(values))
    assert all(v in redact._known_values for v in values)


@pytest.mark.parametrize("levels", [65, 900, 2000])
def test_json_nested_too_deep_is_not_recorded_at_all(levels: int):
    """Too deep to redact key by key (and to render safely later): a placeholder instead."""
    deep = '{"access_token": "at-deep-1", "x": ' + "[" * levels + "]" * levels + "}"
    shown = redact_body(deep, "application/json")
    assert shown.startswith(f"[not recorded: JSON nested deeper than {redact.MAX_JSON_DEPTH} levels")
    assert "at-deep-1" not in shown
    assert "at-deep-1" not in redact_url("https://v.example/?credential_offer=" + quote(deep))


def test_json_at_the_depth_limit_is_still_recorded():
    body = "[" * redact.MAX_JSON_DEPTH + "]" * redact.MAX_JSON_DEPTH
    assert redact_body(body, "application/json") == body
