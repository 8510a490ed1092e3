"""The certificate's badge (certify/badge.py) and the report's Certificates section: the SVG is
well-formed, carries the credential byte-exact through hostile text, draws hostile names as
text; the report shows certificates when certificates/index.json exists and is intact when it
is absent, empty or broken."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ler_interop.certify.badge import OB_NAMESPACE, SVG_NAMESPACE, BadgeError, badge_svg, unbake
from ler_interop.credentials import crafting, samples
from ler_interop.credentials.did import DidResolver
from ler_interop.credentials.verifier import CredentialVerifier
from ler_interop.report import build_reports

from synthetic_stream import write_stream
from test_report import sample_stream

HOSTILE_NAME = "Acme <script>alert(1)</script> & ]]> \u202egnp.exe"
RTL_NAME = "\u0634\u0631\u0643\u0629 \u0627\u0644\u0628\u0631\u0645\u062c\u064a\u0627\u062a"  # Arabic, right to left


@pytest.fixture(scope="module")
def signed() -> dict:
    """A really signed OB 3.0 credential whose text holds what breaks naive baking."""
    credential = samples.achievement_credential("did:example:x", subject_name=f"{RTL_NAME} ]]> <script>x</script> &amp;")
    credential["credentialSubject"]["achievement"]["description"] = "ends a CDATA section: ]]> and ]]]]><![CDATA[>"
    return crafting.Signer.did_key().issue(credential)


def badge(credential, vendor: str = "Acme", conforms: bool = True) -> str:
    return badge_svg(credential, vendor=vendor, scope="profile:ob3", issued="2026-12-06", conforms=conforms)


def test_badge_is_well_formed_svg_with_one_baked_credential_after_the_root(signed):
    root = ET.fromstring(badge(signed).encode("utf-8"))
    assert root.tag == f"{{{SVG_NAMESPACE}}}svg"
    baked = root.findall(f".//{{{OB_NAMESPACE}}}credential")
    assert len(baked) == 1 and root[0] is baked[0]  # "directly after the <svg> tag"
    assert "verify" not in baked[0].attrib  # an embedded proof: JSON in the body
    assert json.loads(baked[0].text) == signed


def test_the_credential_comes_back_exact_and_still_verifies(signed):
    svg = badge(signed)
    assert "]]>" not in svg.split("<![CDATA[", 1)[1].split("]]></openbadges:credential>", 1)[0]
    back = unbake(svg)
    assert back == signed
    assert RTL_NAME in svg  # readable in the file, not only as \u escapes
    result = CredentialVerifier(DidResolver()).verify(back)
    assert result.verified, result.errors


def test_a_vc_jwt_is_baked_in_verify_and_read_back():
    jwt = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"
    svg = badge(jwt)
    assert f'verify="{jwt}"' in svg
    assert unbake(svg) == jwt


@pytest.mark.parametrize("name", [HOSTILE_NAME, RTL_NAME, "x" * 500, "tab\there\nnew\x00line"])
def test_hostile_vendor_names_are_text(name):
    svg = badge({"id": "urn:x"}, vendor=name, conforms=False)
    root = ET.fromstring(svg.encode("utf-8"))
    assert not root.findall(".//{http://www.w3.org/2000/svg}script")
    assert "<script>" not in svg and "\u202e" not in svg and "\x00" not in svg
    assert unbake(svg) == {"id": "urn:x"}
    shown = " ".join(t.text or "" for t in root.iter(f"{{{SVG_NAMESPACE}}}text"))
    assert "does not conform" in shown and "FAIL" in shown and "ler-interop" in shown


def test_pass_and_fail_differ_and_name_scope_date_are_drawn(signed):
    good, bad = badge(signed), badge(signed, conforms=False)
    assert "PASS" in good and "conforms" in good and "FAIL" in bad
    for svg in (good, bad):
        assert "Acme" in svg and "profile:ob3" in svg and "2026-12-06" in svg


@pytest.mark.parametrize("svg, why", [
    ("<svg xmlns='http://www.w3.org/2000/svg'></svg>", "no <openbadges:credential>"),
    ("<svg", "not well-formed"),
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
     f"<svg xmlns='{SVG_NAMESPACE}' xmlns:openbadges='{OB_NAMESPACE}'><openbadges:credential>&b;</openbadges:credential></svg>", "DTD"),
    ('<!DOCTYPE svg SYSTEM "file:///etc/passwd"><svg/>', "DTD"),
    (f"<svg xmlns='{SVG_NAMESPACE}' xmlns:openbadges='{OB_NAMESPACE}'><openbadges:credential>{{}}</openbadges:credential>"
     "<openbadges:credential>{}</openbadges:credential></svg>", "more than one"),
    (f"<svg xmlns='{SVG_NAMESPACE}' xmlns:openbadges='{OB_NAMESPACE}'><openbadges:credential>[1]</openbadges:credential></svg>", "not a JSON object"),
    (f"<html xmlns:openbadges='{OB_NAMESPACE}'><openbadges:credential>{{}}</openbadges:credential></html>", "not an SVG"),
    ("<svg>" + " " * (3 * 1024 * 1024) + "</svg>", "limit"),
])
def test_unbake_refuses(svg, why):
    with pytest.raises(BadgeError, match=why):
        unbake(svg)


# -- the report ----------------------------------------------------------------------------

def _issue_into(folder: Path, signed: dict, entries: list | None = None) -> None:
    """What `certify` leaves in a report folder: the credential, its badge and the index."""
    certs = folder / "certificates"
    certs.mkdir(parents=True, exist_ok=True)
    (certs / "acme--all.json").write_text(json.dumps(signed), encoding="utf-8")
    (certs / "acme--all.svg").write_text(badge(signed, vendor="Acme <script>alert(1)</script>"), encoding="utf-8")
    entries = entries if entries is not None else [
        {"vendor": "acme", "scope": "all", "json": "certificates/acme--all.json", "svg": "certificates/acme--all.svg",
         "validFrom": "2026-12-06T00:00:00Z", "validUntil": "2027-12-06T00:00:00Z", "revoked": False}]
    (certs / "index.json").write_text(json.dumps(entries), encoding="utf-8")


def test_report_shows_certificates_and_links_them_from_the_vendor(tmp_path, signed, capsys):
    _issue_into(tmp_path, signed)
    build_reports(sample_stream(), tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<section id="certificates">' in page and 'href="#certificates"' in page
    assert 'href="certificates/acme--all.json"' in page and 'href="certificates/acme--all.svg"' in page
    assert 'src="data:image/svg+xml;base64,' in page and "2027-12-06T00:00:00Z" in page
    vendor_section = page.split('<section id="vendor-1">', 1)[1].split("</section>", 1)[0]
    assert 'href="#certificate-1"' in vendor_section
    assert "REVOKED" not in page and capsys.readouterr().err == ""


def test_a_revoked_certificate_says_so(tmp_path, signed):
    _issue_into(tmp_path, signed)
    index = tmp_path / "certificates" / "index.json"
    index.write_text(json.dumps([{**json.loads(index.read_text())[0], "revoked": True}]))
    build_reports(sample_stream(), tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "REVOKED" in page and "verdict-no\">revoked" in page


@pytest.mark.parametrize("content", [None, "", "[]", "{not json", '{"a": 1}', "[1, null, \"x\"]", "[" * 100000])
def test_report_is_intact_without_a_readable_index(tmp_path, signed, capsys, content):
    if content is not None:
        _issue_into(tmp_path, signed)
        (tmp_path / "certificates" / "index.json").write_text(content)
    build_reports(sample_stream(), tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<section id="certificates">' not in page
    assert '<section id="vendor-1">' in page and "</html>" in page and (tmp_path / "junit.xml").exists()
    assert len(capsys.readouterr().err.strip().splitlines()) <= 1


def test_index_entries_are_hostile_text_and_only_inside_paths_link(tmp_path, signed, capsys):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    outside.write_text("{}")
    (tmp_path / "certificates").mkdir()
    (tmp_path / "certificates" / "link.json").symlink_to(outside)
    _issue_into(tmp_path, signed, entries=[
        {"vendor": "acme", "scope": "<script>alert(5)</script>", "json": "javascript:alert(6)", "svg": "/etc/passwd",
         "validFrom": "<img src=x onerror=alert(7)>", "validUntil": "\u202e", "revoked": "yes"},
        {"vendor": "ref", "scope": "all", "json": "../" + outside.name, "svg": "certificates/link.json"},
        {"vendor": "ref", "scope": "x", "json": "https://evil.example/c.json", "svg": "certificates\\acme--all.svg"},
        {"vendor": "ref", "scope": "y", "json": "certificates/link.json", "svg": "certificates/index.json"},
        "not an entry",
    ])
    build_reports(sample_stream(), tmp_path)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(5)" not in page and "<img src=x" not in page and "\u202e" not in page
    for bad in ("javascript:", "/etc/passwd", "../", "evil.example/c.json", "link.json", "index.json"):
        assert f'href="{bad}' not in page and f'href="certificates/{bad}' not in page
    assert "data:image/svg+xml" not in page  # no entry names a readable badge inside the folder
    assert "REVOKED" not in page  # only `true` revokes; "yes" is not a flag
    assert page.count('<div class="certificate"') == 4
    assert len(capsys.readouterr().err.strip().splitlines()) == 1  # the one skipped entry


def test_split_report_links_certificates_from_the_vendor_pages(tmp_path, signed):
    stream = write_stream(tmp_path / "in.jsonl", vendors=6, per_vendor=3, body_chars=10)  # past INLINE_VENDORS
    first = "vendor-00"
    _issue_into(tmp_path, signed, entries=[
        {"vendor": first, "scope": "all", "json": "certificates/acme--all.json", "svg": "certificates/acme--all.svg",
         "validFrom": "a", "validUntil": "b", "revoked": False}])
    build_reports(stream, tmp_path)
    page = next((tmp_path / "vendors").glob("vendor-00-*.html")).read_text(encoding="utf-8")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="../index.html#certificate-1"' in page and 'href="../certificates/acme--all.json"' in page
    assert '<section id="certificates">' in index and 'href="#certificate-1"' in index
