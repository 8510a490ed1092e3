"""Import of W3C vc-test-suite-implementations files into the manifest format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ler_interop.manifest import load_manifest, manifest_from_data
from ler_interop.w3c_import import convert_w3c, import_command, import_w3c, render_yaml

MANIFESTS = Path(__file__).parents[1] / "fixtures" / "manifests"
EXAMPLE = MANIFESTS / "w3c-implementation.json"
IMPORTED = MANIFESTS / "w3c-implementation.imported.yaml"


def test_example_import_matches_the_committed_output(tmp_path, capsys):
    out = tmp_path / "imported.yaml"
    assert import_command(EXAMPLE, out) == 0
    assert out.read_text(encoding="utf-8") == IMPORTED.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    assert "export EXAMPLE_LEARNING_PLATFORM_CLIENT_SECRET" in err
    assert "zcap authorization is not supported" in err


def test_example_import_content():
    manifest = load_manifest(IMPORTED, require_secrets=False)
    ids = [v.id for v in manifest.vendors]
    assert ids == [
        "example-learning-platform-issuer-eddsa-rdfc-2022",
        "example-learning-platform-issuer-ecdsa-rdfc-2019-p-256",
        "example-learning-platform-verifier",
    ]
    eddsa, ecdsa, verifier = manifest.vendors
    assert eddsa.roles["issuer"].supports == {"eddsa-rdfc-2022", "vc2.0", "status:revocation", "auth-required"}
    assert eddsa.roles["issuer"].options("vc-api")["cryptosuite"] == "eddsa-rdfc-2022"
    assert eddsa.roles["issuer"].endpoint("vc-api", "issuer_id") == "did:web:vc.learning.example:issuers:eddsa"
    assert ecdsa.supports("issuer", "ecdsa:P-256")
    vc_api = verifier.roles["verifier"].protocols["vc-api"]
    assert vc_api == {"credentials_verify": "https://vc.learning.example/vc-api/credentials/verify",
                      "presentations_verify": "https://vc.learning.example/vc-api/presentations/verify"}
    assert verifier.supports("verifier", "presentations") and verifier.supports("verifier", "ecdsa:P-384")
    auth = verifier.roles["verifier"].auth
    assert auth is not None and auth.type == "oauth2" and auth.method == "post"
    assert auth.client_secret_env == "EXAMPLE_LEARNING_PLATFORM_CLIENT_SECRET"
    assert auth.audience == "https://vc.learning.example"
    # the skipped endpoints left nothing behind
    assert not any("legacy.learning.example" in h for v in manifest.vendors for h in v.declared_hosts())


def test_literal_client_secret_is_never_written(tmp_path, capsys):
    literal = "pa55-W0rd!literal-secret"
    data = {
        "name": "Leaky", "oauth2": {"clientId": "c", "clientSecret": literal,
                                    "tokenEndpoint": "https://auth.leaky.example/token"},
        "issuers": [{"id": "did:key:z6Mk", "endpoint": "https://leaky.example/credentials/issue",
                     "tags": ["eddsa-rdfc-2022"]}],
    }
    source = tmp_path / "Leaky.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "leaky.yaml"
    assert import_command(source, out) == 0
    printed = "".join(capsys.readouterr()) + out.read_text(encoding="utf-8")
    assert literal not in printed
    assert "LEAKY_CLIENT_SECRET" in printed and "clientSecret value was not copied" in printed


def test_single_issuer_and_verifier_make_one_vendor():
    data = {
        "vendor": {"name": "Trinsic-like"}, "name": "Trinsic-like",
        "issuers": [
            {"id": "did:key:z6MkA", "endpoint": "https://t.example/vc-api/credentials/issue",
             "options": {"type": "Ed25519Signature2020"}, "tags": ["Ed25519Signature2020"]},
            {"id": "did:key:z6MkA", "endpoint": "https://t.example/vc-api/credentials/issue",
             "options": {"type": "DataIntegrityProof"}, "tags": ["eddsa-rdfc-2022"]},
        ],
        "verifiers": [{"id": "https://t.example", "endpoint": "https://t.example/vc-api/credentials/verify",
                       "tags": ["eddsa-rdfc-2022", "Ed25519Signature2020"]}],
    }
    result = convert_w3c(data)
    (vendor,) = result.manifest["vendors"]
    assert vendor["id"] == "trinsic-like" and vendor["name"] == "Trinsic-like"
    assert vendor["issuer"] == {"vc-api": {"issue": "https://t.example/vc-api/credentials/issue",
                                           "issuer_id": "did:key:z6MkA", "options": {"type": "DataIntegrityProof"}},
                                "supports": ["eddsa-rdfc-2022"]}
    assert vendor["verifier"]["supports"] == ["eddsa-rdfc-2022"]
    manifest_from_data(result.manifest, require_secrets=False)


def test_per_endpoint_oauth2_becomes_role_auth():
    data = {
        "name": "Split Auth",
        "oauth2": {"clientId": "a", "clientSecret": "CS_A", "tokenEndpoint": "https://auth.s.example/token"},
        "issuers": [{"id": "did:key:z", "endpoint": "https://s.example/credentials/issue", "tags": ["vc2.0"]}],
        "verifiers": [{"id": "v", "endpoint": "https://s.example/credentials/verify", "tags": ["vc2.0"],
                       "oauth2": {"clientId": "b", "clientSecret": "CS_B", "tokenEndpoint": "https://auth.s.example/t2",
                                  "scopes": ["verify", "read"]}}],
    }
    result = convert_w3c(data)
    (vendor,) = result.manifest["vendors"]
    assert vendor["auth"]["client_secret_env"] == "SPLIT_AUTH_CLIENT_SECRET"
    assert "auth" not in vendor["issuer"]
    assert vendor["verifier"]["auth"] == {
        "type": "oauth2", "token_url": "https://auth.s.example/t2", "client_id": "b",
        "client_secret_env": "SPLIT_AUTH_CLIENT_SECRET_2", "scope": "verify read", "method": "post",
    }
    assert list(result.env_vars) == ["SPLIT_AUTH_CLIENT_SECRET", "SPLIT_AUTH_CLIENT_SECRET_2"]
    assert "$CS_B" in result.env_vars["SPLIT_AUTH_CLIENT_SECRET_2"]
    text = render_yaml(result, "split.json")
    assert yaml.safe_load(text) == result.manifest and "&id" not in text


def test_files_that_cannot_be_imported(tmp_path, capsys):
    only_zcap = tmp_path / "zcap.json"
    only_zcap.write_text(json.dumps({"name": "Z", "issuers": [
        {"id": "x", "endpoint": "https://z.example/credentials/issue", "zcap": {"capability": "{}"},
         "tags": ["eddsa-rdfc-2022"]}]}), encoding="utf-8")
    assert import_command(only_zcap, tmp_path / "out.yaml") == 2
    assert capsys.readouterr().err.strip() == ("ler-interop manifest import: zcap.json: nothing importable "
                                               "(every endpoint was skipped; see the notes)")
    assert not (tmp_path / "out.yaml").exists()
    not_w3c = tmp_path / "other.json"
    not_w3c.write_text('{"manifest_version": 1}', encoding="utf-8")
    assert import_command(not_w3c) == 2
    assert "not a W3C implementation file" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert import_command(broken) == 2
    assert "not JSON" in capsys.readouterr().err


def test_import_to_stdout_and_import_w3c_dict(capsys):
    assert import_command(EXAMPLE) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Imported by `ler-interop manifest import` from w3c-implementation.json")
    assert yaml.safe_load(out) == import_w3c(EXAMPLE)


@pytest.mark.parametrize("tag,token", [("BitstringStatusList", "status:revocation"), ("P-384", "ecdsa:P-384"),
                                       ("ecdsa-sd-2023", "ecdsa-sd-2023"), ("eddsa-jcs-2022", "eddsa-jcs-2022")])
def test_tag_mapping(tag, token):
    data = {"name": "T", "verifiers": [{"id": "v", "endpoint": "https://t.example/credentials/verify", "tags": [tag]}]}
    assert token in convert_w3c(data).manifest["vendors"][0]["verifier"]["supports"]
