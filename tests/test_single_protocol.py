"""The whole catalog against vendors that each declare ONE role with ONE protocol (and, where a
role declares formats, one format): every check whose protocol or role a vendor does not declare
is `unsupported`, and no outcome anywhere comes from a Python exception inside the suite (an
`error` is a vendor's transport problem, never a KeyError in a fixture). One run, one manifest:
all vendors are views of one set of reference servers."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
import yaml

from ler_interop.cli import main
from ler_interop.reference import oid4vci, oid4vp
from ler_interop.reference.servers import start_reference

SUITES = Path(__file__).resolve().parents[1] / "suites"
FORMATS = ("ldp_vc", "jwt_vc_json", "dc+sd-jwt")
CRASHED = "check crashed:"  # outcomes.classify's prefix for an exception that is not a verdict


def _only(entry: dict, role: str, protocol: str, drop: tuple[str, ...], add: tuple[str, ...] = ()) -> dict:
    settings = entry[role]
    supports = [t for t in settings.get("supports", []) if t not in drop] + [t for t in add]
    role_entry = {protocol: settings[protocol], "supports": supports}
    if "auth" in settings:
        role_entry["auth"] = settings["auth"]
    return role_entry


def single_protocol_vendors(entry: dict) -> list[dict]:
    """Views of one reference vendor entry, each with one role speaking one protocol."""
    vcapi_only = tuple(t for t in oid4vci.SUPPORTS if t != "ldp_vc")
    vendors = [
        {"id": "iss-vcapi", "issuer": _only(entry, "issuer", "vc-api", vcapi_only)},
        {"id": "ver-vcapi", "verifier": _only(entry, "verifier", "vc-api", tuple(t for t in oid4vp.SUPPORTS
                                                                                 if t != "ldp_vc"))},
    ]
    for fmt in FORMATS:
        slug = fmt.replace("+", "-").replace("_", "-")
        others = tuple(f for f in FORMATS if f != fmt)
        vendors += [
            # An OpenID4VCI issuer's formats are its metadata's; it declares one format besides.
            {"id": f"iss-oid4vci-{slug}",
             "issuer": _only(entry, "issuer", "oid4vci", ("vc-api", "status-endpoint", *others))},
            {"id": f"ver-oid4vp-{slug}",
             "verifier": _only(entry, "verifier", "oid4vp", ("presentations", *others))},
            {"id": f"wal-{slug}", "wallet": _only(entry, "wallet", "backchannel", others)},
        ]
    for vendor in vendors:
        vendor["name"] = f"single-protocol {vendor['id']}"
    return vendors


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[dict]:
    tmp = tmp_path_factory.mktemp("single-protocol")
    with start_reference(token=secrets.token_urlsafe(16)) as servers:
        manifest = tmp / "vendors.yaml"
        vendors = single_protocol_vendors(servers.manifest_vendor())
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": vendors}, sort_keys=False))
        out = tmp / "run"
        # -n 0: these vendors are one reference server under several names, so their wallet
        # checks would drive one wallet from several workers at once (a wallet is one learner's).
        code = main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out),
                     "--check-timeout", "20", "-n", "0"])
    assert code in (0, 1), f"ler-interop run exited {code}"
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line["kind"] == "result"]


def test_no_outcome_comes_from_a_python_exception(results):
    crashed = [(r["vendor"], r["check"], r["params"], r["message"]) for r in results if CRASHED in r["message"]]
    assert not crashed, "\n".join(map(str, crashed))


def test_a_check_of_an_undeclared_protocol_is_unsupported(results):
    by = {(r["vendor"], r["check"]): r for r in results}
    assert by[("iss-oid4vci-ldp-vc", "ISS-VCAPI-001")]["outcome"] == "unsupported"
    assert by[("iss-vcapi", "ISS-OID4VCI-001")]["outcome"] == "unsupported"
    assert by[("ver-oid4vp-ldp-vc", "VER-VCAPI-001")]["outcome"] == "unsupported"
    # ... and the declared one is judged: nothing here is `error`.
    assert by[("iss-vcapi", "ISS-VCAPI-001")]["outcome"] == "pass"
    assert by[("iss-oid4vci-ldp-vc", "ISS-OID4VCI-001")]["outcome"] == "pass"
    errors = [(r["vendor"], r["check"], r["params"], r["message"]) for r in results if r["outcome"] == "error"]
    assert not errors, "\n".join(map(str, errors))


def test_cells_of_speakers_of_different_protocols_are_unsupported(results):
    cells = [r for r in results if r["check"] == "INT-VCAPI-001"]
    outcome = {(r["params"]["issuer"], r["params"]["verifier"]): r["outcome"] for r in cells}
    assert outcome[("iss-vcapi", "ver-vcapi")] == "pass"
    assert outcome[("iss-oid4vci-ldp-vc", "ver-vcapi")] == "unsupported"
    assert outcome[("iss-vcapi", "ver-oid4vp-ldp-vc")] == "unsupported"


def test_a_protocol_token_is_owed_by_the_participant_whose_section_it_names():
    """The journey's issuer must speak oid4vci itself: a wallet declaring the token does not do."""
    from ler_interop.applicability import not_applicable
    from ler_interop.checks import CheckMeta

    journey = CheckMeta(id="INT-JOURNEY-001", title="t", principles=("P5",), level="MUST", spec="https://x/#y",
                        role="interop", protocol="oid4vp", requires=("oid4vci", "backchannel", "oid4vp"))
    declared = {("a", "issuer"): frozenset({"vc-api"}), ("w", "wallet"): frozenset({"backchannel", "oid4vci", "oid4vp"}),
                ("b", "verifier"): frozenset({"oid4vp"})}
    cell = [("a", "issuer"), ("w", "wallet"), ("b", "verifier")]
    assert not_applicable(journey, cell, lambda v, r: declared[(v, r)]) == "a (issuer) does not declare oid4vci"
    declared[("a", "issuer")] = frozenset({"oid4vci"})
    assert not_applicable(journey, cell, lambda v, r: declared[(v, r)]) is None
