"""A hostile vendor in the same run as the reference vendor: the run finishes, writes every
report, the hostile vendor gets only `error`/`fail` (a 500 or a timeout is never a rejection),
the reference vendor's results are exactly what they are without it, and nothing the hostile
vendor pointed at outside its declared hosts was fetched."""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from hostile_vendor import BEHAVIOURS, HostileVendor
from ler_interop.cli import main
from ler_interop.reference.servers import REFERENCE_TOKEN_ENV, start_reference

# Issuer and verifier checks, positive and negative, one request each to the hostile vendor:
# eleven requests cover the seven misbehaviours (two of them cost a check timeout each).
CHECKS = ("ISS-VCAPI-001", "ISS-VCAPI-002", "ISS-VCAPI-020", "ISS-VCAPI-021", "ISS-VCAPI-025",
          "VER-VCAPI-001", "VER-VCAPI-010", "VER-VCAPI-014", "VER-VCAPI-022", "VER-VCAPI-030", "VER-VCAPI-041")
CHECK_TIMEOUT = 5
REPORT_FILES = ("results.jsonl", "summary.json", "index.html", "junit.xml")


def is_negative(result: dict[str, Any]) -> bool:
    """A check that passes when the vendor refuses something."""
    return result["title"].startswith(("Rejects", "Answers a malformed", "Issuing requires authentication"))


def run(tmp_path: Path, name: str, vendors: list[dict[str, Any]],
        checks: tuple[str, ...] = CHECKS) -> tuple[int, Path, list[dict[str, Any]]]:
    manifest = tmp_path / f"{name}.yaml"
    manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": vendors}, sort_keys=False))
    out = tmp_path / "reports" / name
    code = main(["run", "--vendors", str(manifest), "--out", str(out), "--run-id", name,
                 "--check-timeout", str(CHECK_TIMEOUT), "-k", " or ".join(checks)])
    lines = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    return code, out, lines


def outcomes(lines: list[dict[str, Any]], vendor: str) -> dict[tuple[str, str], str]:
    return {(r["check"], json.dumps(r["params"], sort_keys=True)): r["outcome"]
            for r in lines if r["kind"] == "result" and r["vendor"] == vendor}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    """One run with both vendors, one with the reference alone (same servers, same checks)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    patch = pytest.MonkeyPatch()
    patch.setenv(REFERENCE_TOKEN_ENV, "")  # start_reference sets it; undone when the module ends
    try:
        with start_reference(token=secrets.token_urlsafe(24)) as reference, HostileVendor() as hostile:
            entry = reference.manifest_vendor()
            started = time.monotonic()
            both = run(tmp_path, "both", [entry, hostile.manifest_vendor(entry)])
            seconds = time.monotonic() - started
            alone = run(tmp_path, "alone", [entry])
            yield {"both": both, "alone": alone, "seconds": seconds, "hostile": hostile}
    finally:
        patch.undo()


def test_the_run_finishes_fails_and_writes_every_report(runs):
    code, out, lines = runs["both"]
    assert code == 1
    for name in REPORT_FILES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert lines[0]["kind"] == "header" and [v["id"] for v in lines[0]["vendors"]] == ["reference", "hostile"]
    footer = lines[-1]
    assert footer["kind"] == "footer"
    assert footer["checks_executed"] == sum(1 for r in lines if r["kind"] == "result")
    # Two checks can hit the hostile vendor's hang or drip; each is cut at the check timeout.
    assert runs["seconds"] < 4 * CHECK_TIMEOUT + 20, f"the run took {runs['seconds']:.0f}s"


def test_every_misbehaviour_was_served_and_no_redirect_escaped(runs):
    hostile: HostileVendor = runs["hostile"]
    assert set(BEHAVIOURS) <= set(hostile.served), f"never served: {set(BEHAVIOURS) - set(hostile.served)}"
    assert hostile.canary_hits == 0, "a request followed the hostile redirect to an undeclared host"


def test_the_hostile_vendor_gets_only_error_or_fail(runs):
    _, _, lines = runs["both"]
    hostile = [r for r in lines if r["kind"] == "result" and r["vendor"] == "hostile"]
    assert {r["check"] for r in hostile} == set(CHECKS)
    wrong = [(r["check"], r["outcome"], r["message"][:120]) for r in hostile if r["outcome"] not in ("error", "fail")]
    assert not wrong
    negatives = [r for r in hostile if is_negative(r)]
    assert len(negatives) >= 6 and all(r["outcome"] != "pass" for r in negatives)
    messages = " | ".join(r["message"] for r in hostile)
    for defence in ("not among the vendor's declared hosts", "exceeds 2097152 bytes", "time limit"):
        assert defence in messages, f"no hostile result shows the {defence!r} defence: {messages[:2000]}"


def test_the_reference_results_are_all_pass_and_unaffected(runs):
    _, _, both = runs["both"]
    alone_code, _, alone = runs["alone"]
    with_hostile = outcomes(both, "reference")
    assert alone_code == 0
    assert set(with_hostile.values()) == {"pass"}
    assert with_hostile == outcomes(alone, "reference")


def test_scores_and_verdicts_are_per_vendor(runs):
    _, out, _ = runs["both"]
    summary = {v["id"]: v for v in json.loads((out / "summary.json").read_text())["vendors"]}
    assert all(p["conforms"] for p in summary["reference"]["principles"].values() if p["score"] is not None)
    assert summary["hostile"]["counts"]["pass"] == 0
    assert not summary["hostile"]["principles"]["P2"]["conforms"]


def test_no_hostile_payload_is_copied_into_the_reports(runs):
    _, out, lines = runs["both"]
    for path in out.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 1024 * 1024, f"{path.name} is {path.stat().st_size} bytes"
    bodies = [e["response_body"] for r in lines if r["kind"] == "result" and r["vendor"] == "hostile"
              for e in r["evidence"]]
    assert bodies and max(len(b) for b in bodies) <= 16 * 1024 + 64


def test_a_health_endpoint_that_drips_its_headers_cannot_hang_the_run(tmp_path: Path):
    """The health probe runs outside the check time limit; only net.Http's whole-exchange
    deadline stops a vendor dripping its status line and headers byte by byte."""
    from ler_interop.plugin_state import HEALTH_TIMEOUT

    with HostileVendor() as hostile:
        entry = hostile.manifest_vendor({"issuer": {"supports": []}, "verifier": {"supports": []}})
        entry["health"] = f"{hostile.url}/b/header-drip"
        started = time.monotonic()
        code, out, lines = run(tmp_path, "drip", [entry])
        seconds = time.monotonic() - started
    results = [r for r in lines if r["kind"] == "result"]
    assert code == 1 and lines[-1]["kind"] == "footer" and (out / "index.html").is_file()
    assert results and all(r["outcome"] == "error" and "unreachable" in r["message"] for r in results)
    assert seconds < HEALTH_TIMEOUT + 10, f"the run took {seconds:.0f}s"


def test_a_vendor_that_keeps_hanging_is_cut_off_after_three_timeouts(tmp_path: Path):
    """The circuit breaker: three timed-out checks in a row and the vendor's remaining checks
    are `error` at once, instead of each costing a full time limit."""
    from ler_interop.plugin_state import MAX_CONSECUTIVE_TIMEOUTS

    checks = ["VER-VCAPI-001", "VER-VCAPI-005", "VER-VCAPI-010", "VER-VCAPI-011", "VER-VCAPI-014",
              "VER-VCAPI-020", "VER-VCAPI-021", "VER-VCAPI-030"]
    with HostileVendor(plan=(), then=("hang",)) as hanging:
        supports = {"issuer": {"supports": []}, "verifier": {"supports": ["eddsa-rdfc-2022"]}}
        entry = hanging.manifest_vendor(supports)
        del entry["issuer"]
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [entry]}))
        out = tmp_path / "run"
        started = time.monotonic()
        code = main(["run", "--vendors", str(manifest), "--out", str(out), "--check-timeout", "2",
                     "-k", " or ".join(checks)])
        seconds = time.monotonic() - started
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    results = [r for r in results if r["kind"] == "result"]
    assert code == 1 and len(results) == len(checks)
    assert {r["outcome"] for r in results} == {"error"}
    cut = [r for r in results if "in a row" in r["message"]]
    assert len(cut) == len(checks) - MAX_CONSECUTIVE_TIMEOUTS, [r["message"][:80] for r in results]
    assert seconds < (MAX_CONSECUTIVE_TIMEOUTS + 2) * 2 + 10, f"took {seconds:.1f}s"


# OpenID4VCI issuer and OpenID4VP verifier checks, positive and negative: discovery, offers and
# presentation requests all answer with the rotating misbehaviours.
OPENID_CHECKS = ("ISS-OID4VCI-001", "ISS-OID4VCI-004", "ISS-OID4VCI-005", "ISS-OID4VCI-007", "ISS-OID4VCI-022",
                 "VER-OID4VP-001", "VER-OID4VP-010", "VER-OID4VP-020", "VER-OID4VP-027")


def test_a_hostile_openid_vendor_gets_no_pass_and_the_run_finishes(tmp_path: Path):
    with start_reference() as reference, HostileVendor() as hostile:
        entry = hostile.manifest_vendor(reference.manifest_vendor())
        started = time.monotonic()
        code, out, lines = run(tmp_path, "openid", [entry], OPENID_CHECKS)
        seconds = time.monotonic() - started
        canary_hits = hostile.canary_hits
    results = [r for r in lines if r["kind"] == "result"]
    assert code == 1 and lines[-1]["kind"] == "footer"
    for name in REPORT_FILES:
        assert (out / name).is_file(), name
    assert {r["check"] for r in results} == set(OPENID_CHECKS)
    wrong = [(r["check"], r["outcome"], r["message"][:120]) for r in results if r["outcome"] not in ("error", "fail")]
    assert not wrong
    assert canary_hits == 0, "a request followed the hostile redirect to an undeclared host"
    assert seconds < 4 * CHECK_TIMEOUT + 30, f"the run took {seconds:.0f}s"


# Wallet checks, positive and negative, and the journey through the hostile wallet: every
# backchannel call (/receive, /present, /credentials, /export, ...) answers a misbehaviour.
WALLET_CHECKS = ("WAL-OID4VCI-001", "WAL-OID4VCI-011", "WAL-STORE-001", "WAL-STORE-007", "WAL-OID4VP-001",
                 "WAL-OID4VP-008", "WAL-OID4VP-011", "WAL-PORT-001", "WAL-PORT-003", "INT-JOURNEY-001")


def test_a_hostile_wallet_gets_no_pass_and_charges_no_verifier(tmp_path: Path):
    with start_reference() as reference, HostileVendor() as hostile:
        entry = hostile.manifest_vendor(reference.manifest_vendor())
        code, out, lines = run(tmp_path, "wallet", [reference.manifest_vendor(), entry], WALLET_CHECKS)
        canary_hits = hostile.canary_hits
    results = [r for r in lines if r["kind"] == "result"]
    assert code == 1 and lines[-1]["kind"] == "footer"
    for name in REPORT_FILES:
        assert (out / name).is_file(), name
    hostile_wallet = [r for r in results if r["role"] == "wallet" and r["vendor"] == "hostile"]
    assert {r["check"] for r in hostile_wallet} == set(WALLET_CHECKS) - {"INT-JOURNEY-001"}
    wrong = [(r["check"], r["outcome"], r["message"][:120]) for r in hostile_wallet if r["outcome"] not in ("error", "fail")]
    assert not wrong
    # Journey cells through the hostile wallet are skipped: the reference verifier is not charged
    # (the covering plan sends the hostile wallet to the reference verifier at least once).
    through_hostile = [r for r in results if r["check"] == "INT-JOURNEY-001" and r["params"]["wallet"] == "hostile"
                       and r["params"]["verifier"] == "reference"]
    assert through_hostile and {r["outcome"] for r in through_hostile} == {"skip"}, \
        [(r["outcome"], r["message"][:120]) for r in through_hostile]
    mine = [r for r in results if r["vendor"] == "reference" and r["params"].get("wallet", "reference") == "reference"
            and r["params"].get("issuer", "reference") == "reference"]
    assert mine and {r["outcome"] for r in mine} == {"pass"}, [(r["check"], r["outcome"]) for r in mine if r["outcome"] != "pass"]
    assert canary_hits == 0, "a request followed the hostile redirect to an undeclared host"
