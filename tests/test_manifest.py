"""The vendor manifest: loading, line-precise errors, env-var secrets, referenced files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ler_interop.manifest import (
    ManifestError, check_command, load_attestation, load_expected, load_manifest, manifest_from_data,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
MANIFESTS = FIXTURES / "manifests"
ISSUER_TOKEN = "tok-Zq81-issuer-only-in-env"
VERIFIER_SECRET = "sec-Hx72-verifier-only-in-env"


@pytest.fixture
def acme_env(monkeypatch):
    monkeypatch.setenv("ACME_ISSUER_TOKEN", ISSUER_TOKEN)
    monkeypatch.setenv("ACME_VERIFIER_SECRET", VERIFIER_SECRET)


def write(tmp_path: Path, text: str, name: str = "m.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def at(path: Path, needle: str, nth: int = 1) -> str:
    """`FILE:LINE:COL` of the nth occurrence of `needle`: an independent check of the marks."""
    text = path.read_text(encoding="utf-8")
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{path}:{line}:{col}"


def errors_of(path: Path, **kwargs) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_manifest(path, **kwargs)
    return caught.value.lines


def test_reference_example_loads():
    manifest = load_manifest(MANIFESTS / "reference.yaml")
    (vendor,) = manifest.vendors
    assert vendor.id == "reference" and vendor.role_names() == ["issuer", "verifier"]
    assert vendor.declared_hosts() == {"127.0.0.1:8101", "127.0.0.1:8103"}  # loopback: host:port
    assert vendor.roles["issuer"].endpoint("vc-api", "issue") == "http://127.0.0.1:8101/credentials/issue"
    assert vendor.supports("verifier", "eddsa-jcs-2022") and not vendor.supports("issuer", "eddsa-jcs-2022")
    assert not vendor.supports("nonexistent-role", "eddsa-rdfc-2022")
    assert manifest.warnings == ()


def test_example_vendor_resolves_auth_files_and_hosts(acme_env):
    manifest = load_manifest(MANIFESTS / "example-vendor.yaml")
    vendor = manifest.vendor("acme")
    assert vendor.declared_hosts() == {
        "issuer.acme.example", "wallet.acme.example", "verifier.acme.example", "status.acme.example",
    }
    assert vendor.auth is not None and vendor.auth.type == "bearer"
    assert vendor.roles["issuer"].auth == vendor.auth  # inherits the vendor default
    assert vendor.roles["wallet"].auth is None  # `auth: none`
    verifier_auth = vendor.roles["verifier"].auth
    assert verifier_auth is not None and verifier_auth.type == "oauth2" and verifier_auth.method == "basic"
    assert verifier_auth.client_secret_env == "ACME_VERIFIER_SECRET"
    assert vendor.roles["issuer"].options("vc-api") == {"credentialFormat": "ldp_vc"}
    assert vendor.attestation == (FIXTURES / "attestation" / "example.yaml").resolve()
    assert vendor.expected == (MANIFESTS / "acme-expected.yaml").resolve()
    assert vendor.health == "https://issuer.acme.example/health"
    # A protocol section declares its token: the endpoints alone make the OpenID checks apply.
    assert vendor.supports("issuer", "oid4vci") and vendor.supports("verifier", "oid4vp")
    assert not vendor.supports("issuer", "oid4vp") and not vendor.supports("issuer", "dc+sd-jwt")


def test_health_defaults_to_first_endpoint_origin(tmp_path):
    path = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: v
            name: V
            verifier:
              vc-api: {credentials_verify: "https://verify.v.example:8443/credentials/verify"}
    """)
    assert load_manifest(path).vendors[0].health == "https://verify.v.example:8443"


def test_broken_manifest_reports_every_problem_at_its_line(tmp_path):
    path = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: Acme
            name: Acme
            isuer:
              vc-api:
                issue: https://a.example/issue
            verifier:
              auth: {type: bearr, token_env: X}
              vc-api:
                credentials_verify: not-a-url
              supports: [eddsa-rdfc-2022, eddsa-rdfc-2022]
          - name: Nameless
            wallet:
              backchannel: {}
    """)
    p = str(path)
    assert errors_of(path) == [
        f"{at(path, 'Acme')}: vendors[0].id: 'Acme' must be a slug: lowercase letters, digits and '-', starting with a letter or digit",
        f"{at(path, 'isuer')}: vendors[0].isuer: unknown key 'isuer'; did you mean 'issuer'? (allowed here: id, name, hosts, "
        "profiles, attestation, expected, auth, health, issuer, wallet, verifier)",
        f"{at(path, 'bearr')}: vendors[0].verifier.auth.type: 'bearr' is not one of: bearer, oauth2; did you mean 'bearer'?",
        f"{at(path, 'not-a-url')}: vendors[0].verifier.vc-api.credentials_verify: 'not-a-url' must be an absolute http(s) URL",
        f"{at(path, '[eddsa')}: vendors[0].verifier.supports: lists the same entry twice; keep one",
        f"{at(path, 'name: Nameless')}: vendors[1]: missing required key 'id'",
        f"{at(path, '{}')}: vendors[1].wallet.backchannel: missing required key 'url'",
    ]


def test_unknown_key_deep_inside_gets_a_hint(tmp_path):
    path = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: v
            name: V
            issuer:
              vc-api: {issue: "https://i.example/issue", isuer_id: "did:web:i.example"}
    """)
    (line,) = errors_of(path)
    assert line.startswith(f"{at(path, 'isuer_id')}: vendors[0].issuer.vc-api.isuer_id: unknown key 'isuer_id'; "
                           "did you mean 'issuer_id'?")


def test_yaml_syntax_error_and_duplicate_keys_are_line_precise(tmp_path):
    bad = write(tmp_path, "manifest_version: 1\nvendors:\n  - id: v\n    name: [unclosed\n", "syntax.yaml")
    (line,) = errors_of(bad)
    assert line.startswith(f"{bad}:5:1: YAML syntax error:")
    dup = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: v
            name: V
            name: W
            wallet: {backchannel: {url: "http://127.0.0.1:9/"}}
    """, "dup.yaml")
    assert errors_of(dup) == [f"{dup}:5:5: vendors[0]: duplicate key 'name' (first given on line 4); keep one"]


def test_semantic_rules_after_the_schema(tmp_path):
    path = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: v
            name: V
            issuer: {supports: [vc2.0]}
          - id: v
            name: Again
            wallet: {backchannel: {url: "http://127.0.0.1:9/"}}
          - id: w
            name: W
            verifier:
              vc-api: {options: {}}
          - id: x
            name: X
            attestation: missing.yaml
    """)
    p = str(path)
    assert errors_of(path) == [
        f"{p}:5:13: vendors[0].issuer: declares no protocol; add one of vc-api, oid4vci",
        f"{p}:6:9: vendors[1].id: vendor id 'v' is already used by vendors[0]; ids must be unique",
        f"{p}:12:15: vendors[2].verifier.vc-api: give credentials_verify, presentations_verify or both",
        f"{p}:13:5: vendors[3]: vendor 'x' declares no role; add issuer, wallet or verifier",
        f"{p}:15:18: vendors[3].attestation: file 'missing.yaml' not found (looked for {tmp_path / 'missing.yaml'}); "
        "paths are relative to the manifest's folder",
    ]


def test_missing_env_var_names_variable_vendor_and_line(tmp_path, monkeypatch):
    monkeypatch.delenv("ACME_ISSUER_TOKEN", raising=False)
    monkeypatch.delenv("ACME_VERIFIER_SECRET", raising=False)
    path = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: acme
            name: Acme
            auth: {type: bearer, token_env: ACME_ISSUER_TOKEN}
            issuer:
              vc-api: {issue: "https://i.example/issue"}
    """)
    assert errors_of(path) == [
        f"{path}:5:37: vendors[0].auth.token_env: vendor acme: environment variable ACME_ISSUER_TOKEN "
        "(named by vendors[0].auth.token_env) is not set; export it before running"
    ]
    assert load_manifest(path, require_secrets=False).vendors[0].auth.token_env == "ACME_ISSUER_TOKEN"


def test_invalid_referenced_file_reports_its_own_lines(tmp_path):
    write(tmp_path, """
        expected:
          - check: iss-vcapi-004
            reason: lowercase id
          - check: ISS-VCAPI-005
    """, "expected.yaml")
    path = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: v
            name: V
            expected: expected.yaml
            wallet: {backchannel: {url: "http://127.0.0.1:9/"}}
    """)
    exp = tmp_path / "expected.yaml"
    assert errors_of(path) == [
        f"{exp.resolve()}:2:12: expected[0].check: 'iss-vcapi-004' must be a check id such as ISS-VCAPI-004",
        f"{exp.resolve()}:4:5: expected[1]: missing required key 'reason'",
    ]


def test_expected_and_attestation_fixtures_load():
    expected = load_expected(MANIFESTS / "acme-expected.yaml")
    assert [e.check for e in expected] == ["VER-VCAPI-012", "INTEROP-VCAPI-001"]
    assert expected[1].params == {"issuer": "reference", "verifier": "acme"}
    attested = load_attestation(FIXTURES / "attestation" / "example.yaml")
    assert {a.principle for a in attested} == {"P4", "P6"}
    assert all(a.evidence_url.startswith("https://") for a in attested)


def test_unknown_capability_is_a_warning_with_hint(tmp_path):
    path = write(tmp_path, """
        manifest_version: 1
        vendors:
          - id: v
            name: V
            verifier:
              vc-api: {credentials_verify: "https://v.example/credentials/verify"}
              supports: [eddsa-rdfc-2022, status:revokation]
    """)
    manifest = load_manifest(path)
    assert manifest.warnings == (
        f"{at(path, 'status:revokation')}: vendors[0].verifier.supports[1]: capability 'status:revokation' is not one any check "
        "requires; did you mean 'status:revocation'?; it has no effect",
    )
    assert not manifest.vendors[0].supports("verifier", "status:revocation")


def test_data_manifest_errors_name_the_path():
    data = {"manifest_version": 1, "vendors": [{"id": "ok", "name": "Ok", "wallet": {"backchannel": {"url": "x"}}}]}
    with pytest.raises(ManifestError) as caught:
        manifest_from_data(data, source="<reference>")
    assert caught.value.lines == ["<reference>: vendors[0].wallet.backchannel.url: 'x' must be an absolute http(s) URL"]


def test_vendor_lookup_suggests_close_ids(acme_env):
    manifest = load_manifest(MANIFESTS / "example-vendor.yaml")
    with pytest.raises(KeyError, match="did you mean 'acme'"):
        manifest.vendor("acne")


def test_check_command_exit_codes(tmp_path, capsys, acme_env):
    assert check_command(MANIFESTS / "example-vendor.yaml") == 0
    out, err = capsys.readouterr()
    assert "ok: 1 vendor: acme (issuer/wallet/verifier)" in out and err == ""
    broken = write(tmp_path, "manifest_version: 2\nvendors: []\n")
    assert check_command(broken) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        f"{broken}:1:19: manifest_version: must be 1, found 2",
        f"{broken}:2:10: vendors: must list at least 1 entry",
    ]


def test_no_secret_value_is_printable(tmp_path, capsys, acme_env, monkeypatch):
    manifest = load_manifest(MANIFESTS / "example-vendor.yaml")
    printable = repr(manifest) + str(manifest.vendors) + "".join(manifest.warnings)
    assert check_command(MANIFESTS / "example-vendor.yaml") == 0
    printable += "".join(capsys.readouterr())
    # A token pasted where an env var NAME belongs, or as `auth`, is never echoed back.
    pasted = write(tmp_path, f"""
        manifest_version: 1
        vendors:
          - id: acme
            name: Acme
            auth: {{type: bearer, token_env: "{ISSUER_TOKEN}"}}
            issuer:
              auth: "{VERIFIER_SECRET}"
              vc-api: {{issue: "https://i.example/issue"}}
    """)
    lines = errors_of(pasted)
    assert lines == [
        f"{pasted}:5:37: vendors[0].auth.token_env: must be the NAME of an environment variable (letters, digits, "
        "'_'), never the secret itself",
        f"{pasted}:7:13: vendors[0].issuer.auth: must be 'none' or a mapping with `type: bearer` or `type: oauth2`",
    ]
    printable += "".join(lines)
    for secret in (ISSUER_TOKEN, VERIFIER_SECRET):
        assert secret not in printable


def test_issuer_trust_anchors_resolve_relative_to_the_manifest(tmp_path):
    """x5c-signed SD-JWT VCs are trusted up to the PEM files an issuer names (issue 10, item 2)."""
    from ler_interop.credentials.x509_issuer import IssuingCa
    from ler_interop.credentials.x5c import load_anchors

    ca = IssuingCa.create()
    (tmp_path / "ca.pem").write_bytes(ca.pem())
    text = """
        manifest_version: 1
        vendors:
          - id: v
            name: V
            issuer:
              oid4vci: {credential_issuer: "https://issuer.v.example"}
              supports: [dc+sd-jwt, sd-jwt-key:x5c]
              trust_anchors: [%s]
    """
    role = load_manifest(write(tmp_path, text % "ca.pem")).vendors[0].roles["issuer"]
    assert load_anchors(role.trust_anchors) == [ca.certificate]
    with pytest.raises(ManifestError, match="no PEM file"):
        load_manifest(write(tmp_path, text % "missing.pem"))


def test_a_verifier_declaring_dc_sd_jwt_without_a_key_mechanism_is_warned(tmp_path):
    """No default mechanism (the SD-JWT VC draft leaves DIDs to profiles): the manifest says so."""
    path = tmp_path / "m.yaml"
    path.write_text(textwrap.dedent("""\
        manifest_version: 1
        vendors:
          - id: v
            name: V
            verifier:
              oid4vp: {presentation_requests: "http://127.0.0.1:1/p"}
              supports: [dc+sd-jwt]
        """))
    assert any("no SD-JWT VC issuer key mechanism" in w for w in load_manifest(path).warnings)
    path.write_text(path.read_text().replace("[dc+sd-jwt]", "[dc+sd-jwt, sd-jwt-key:jwt-vc-issuer]"))
    assert load_manifest(path).warnings == ()
