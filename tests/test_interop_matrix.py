"""The issuer x verifier matrix across two vendors: a faulty verifier turns exactly its
column red, and summary.json and the HTML report carry every cell."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from ler_interop.cli import main
from ler_interop.reference.servers import start_reference

SUITES = Path(__file__).resolve().parents[1] / "suites"


def _entry(servers, vendor_id: str) -> dict:
    entry = servers.manifest_vendor()
    entry["id"], entry["name"] = vendor_id, f"reference {vendor_id}"
    return entry


def _alpha_and_faulty_beta(tmp_path: Path, checks: str, *extra: str) -> tuple[int, Path]:
    """Run `checks` over two reference vendors: alpha clean, beta's verifier rejecting everything."""
    with start_reference() as alpha, start_reference({"verifier.reject-all"}) as beta:
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1,
                                            "vendors": [_entry(alpha, "alpha"), _entry(beta, "beta")]}))
        out = tmp_path / "run"
        code = main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out), "-k", checks, *extra])
    return code, out


def test_faulty_verifier_turns_its_column_red(tmp_path):
    code, out = _alpha_and_faulty_beta(tmp_path, "INT-VCAPI-001")
    assert code == 1  # beta's verifier does not conform
    summary = json.loads((out / "summary.json").read_text())
    cells = {(row["issuer"], row["verifier"]): row["outcome"] for row in summary["matrix"]}
    assert cells == {("alpha", "alpha"): "pass", ("beta", "alpha"): "pass",
                     ("alpha", "beta"): "fail", ("beta", "beta"): "fail"}
    html = (out / "index.html").read_text()
    assert "alpha" in html and "beta" in html and "matrix" in html.lower()


def test_the_journey_matrix_turns_exactly_the_faulty_verifiers_column_red(tmp_path):
    """Issuer A -> wallet W -> verifier B for every ordered (A, W, B) of two vendors (`--matrix
    full`): each cell through beta's rejecting verifier fails, every other cell passes, one table
    per wallet."""
    code, out = _alpha_and_faulty_beta(tmp_path, "INT-JOURNEY-001 and ldp_vc", "--matrix", "full")
    assert code == 1
    rows = json.loads((out / "summary.json").read_text())["matrix"]
    cells = {(row["issuer"], row["wallet"], row["verifier"]): row["outcome"] for row in rows}
    assert cells == {(a, w, b): "fail" if b == "beta" else "pass"
                     for a in ("alpha", "beta") for w in ("alpha", "beta") for b in ("alpha", "beta")}
    assert {row["protocol"] for row in rows} == {"oid4vp"}
    html = (out / "index.html").read_text()
    assert html.count("The learner&#39;s journey") + html.count("The learner's journey") >= 2  # a table per wallet


def test_with_reference_a_wallet_only_vendor_gets_its_journeys(tmp_path):
    """A vendor that declares only a wallet, run with --with-reference: the reference issuer and
    verifier feed and judge its journeys; the reference's own checks are not run."""
    with start_reference() as other:
        entry = _entry(other, "acme")
        entry = {k: v for k, v in entry.items() if k not in ("issuer", "verifier")}
        entry["health"] = other.wallet_url + "/"
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [entry]}))
        out = tmp_path / "run"
        code = main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--with-reference", "--out", str(out),
                     "-k", "INT-JOURNEY-001 or WAL-OID4VCI-001 or VER-VCAPI-001"])
    assert code == 0
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    checks = {(r["check"], r["vendor"]) for r in results if r["kind"] == "result"}
    # The journeys are the vendor's (the reference is the known-good side), and only it has a row.
    assert checks == {("INT-JOURNEY-001", "acme"), ("WAL-OID4VCI-001", "acme")}
    summary = json.loads((out / "summary.json").read_text())
    assert [v["id"] for v in summary["vendors"]] == ["acme"]
    assert {(r["issuer"], r["wallet"], r["verifier"], r["outcome"]) for r in summary["matrix"]} == \
        {("reference", "acme", "reference", "pass")}


def test_a_wallet_misbinding_only_for_the_vendors_verifier_is_not_charged_to_it(tmp_path, monkeypatch):
    """A wallet that binds presentations right for the suite's verifier (the control) and wrong
    for B: B rejects, the suite's own verifier rejects what the wallet sent B too (B returns it,
    contract 1.2), so the cell is skipped, not failed."""
    from ler_interop.reference.wallet.present import Presenter

    binding = Presenter.binding

    def misbinding(self):
        nonce, audience = binding(self)
        counterpart = "/verifier/" in str(self.request.get("response_uri"))
        return (nonce, audience) if counterpart else (nonce, audience + "-not-b")

    monkeypatch.setattr(Presenter, "binding", misbinding)
    out = tmp_path / "run"
    main(["run", "--suites", str(SUITES), "--out", str(out), "-k", "INT-JOURNEY-001 and ldp_vc"])
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    cells = [(r["outcome"], r["message"]) for r in results if r["kind"] == "result"]
    assert len(cells) == 1 and cells[0][0] == "skip" and "fails the suite's own verifier too" in cells[0][1], cells


def test_a_cell_only_uses_what_the_verifier_declares(tmp_path):
    """The reference issuer issues as did:web with a revocation entry (OB credentials). A verifier
    declaring neither did:web nor status gets `unsupported` cells saying which, before any
    credential is asked for; one declaring did:web but no status, after reading the credential."""
    with start_reference() as servers:
        alpha = _entry(servers, "alpha")
        plain, web_only = _entry(servers, "plain"), _entry(servers, "webonly")
        for vendor, keep in ((plain, ()), (web_only, ("did:web",))):
            vendor.pop("issuer")
            vendor["verifier"]["supports"] = [t for t in vendor["verifier"]["supports"]
                                              if not t.startswith(("did:", "status:")) or t in keep]
        manifest = tmp_path / "vendors.yaml"
        manifest.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [alpha, plain, web_only]}))
        out = tmp_path / "run"
        main(["run", "--suites", str(SUITES), "--vendors", str(manifest), "--out", str(out),
              "-k", "INT-VCAPI-001 or INT-VCAPI-002 or INT-VCAPI-003"])
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    cells = [r for r in results if r["kind"] == "result" and r["params"].get("issuer") == "alpha"]
    by_verifier = {}
    for r in cells:
        by_verifier.setdefault(r["params"]["verifier"], []).append(r)
    assert {r["outcome"] for r in by_verifier["alpha"]} == {"pass"}
    for r in by_verifier["plain"]:
        assert r["outcome"] == "unsupported" and "plain (verifier) does not declare did:web" in r["message"], r
        assert not any(e["url"].endswith("/credentials/issue") for e in r["evidence"])  # nothing asked of A
    for r in by_verifier["webonly"]:
        assert r["outcome"] == "unsupported" and r["message"].startswith(
            "webonly (verifier) does not declare status:revocation (the credential carries"), r


def test_a_wallet_without_verifier_status_still_gets_its_journeys(tmp_path, monkeypatch):
    """`verifier_status` is optional in backchannel contract 1.2: a wallet that omits it is
    judged on B's verdict like any other, not skipped."""
    from ler_interop.reference.wallet.present import Presenter

    run = Presenter.run

    def without_verifier_status(self, accept):
        answer = run(self, accept)
        answer.pop("verifier_status", None)
        return answer

    monkeypatch.setattr(Presenter, "run", without_verifier_status)
    out = tmp_path / "run"
    main(["run", "--suites", str(SUITES), "--out", str(out), "-k", "INT-JOURNEY-001"])
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    cells = [(r["params"].get("fmt"), r["outcome"], r["message"]) for r in results if r["kind"] == "result"]
    assert cells and {outcome for _, outcome, _ in cells} == {"pass"}, cells
