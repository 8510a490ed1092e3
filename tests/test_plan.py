"""The learner's journey plan (issue 12 item 10): by default a covering set, O(N^2), in which
every issuer-wallet and wallet-verifier pair that can run appears; `--matrix full` plans every
ordered (A, W, B) per format; the issuer x verifier cells stay complete either way."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from ler_interop.plan import covering, journey_plan
from ler_interop.protocols.oid4vp_present import FORMATS

SUITES = Path(__file__).resolve().parents[1] / "suites"
FIVE = [f"v{i}" for i in range(1, 6)]


def _pairs(triples):
    return {(a, w) for a, w, _ in triples}, {(w, b) for _, w, b in triples}


def test_covering_of_five_vendors_takes_at_most_25_and_covers_every_pair():
    plan = covering(FIVE, FIVE, FIVE)
    assert len(plan) <= 25 and len(set(plan)) == len(plan)
    issued, presented = _pairs(plan)
    assert issued == set(itertools.product(FIVE, FIVE)) and presented == set(itertools.product(FIVE, FIVE))


def test_covering_of_uneven_roles_and_an_excluded_cell():
    """Three issuers, one wallet, four verifiers, and the all-reference cell never planned: still
    every pair that occurs in some allowed cell."""
    issuers, wallets, verifiers = ["ref", "a", "b"], ["ref"], ["ref", "c", "d", "e"]
    excluded = lambda *cell: set(cell) <= {"ref"}  # noqa: E731
    plan = covering(issuers, wallets, verifiers, excluded)
    assert not any(excluded(*cell) for cell in plan)
    issued, presented = _pairs(plan)
    assert issued == {(a, "ref") for a in issuers} and presented == {("ref", b) for b in verifiers}
    assert len(plan) <= 5


def _declared(table):
    return lambda vendor, role: frozenset(table.get((vendor, role), ()))


def test_the_covering_plans_only_what_the_participants_declare():
    everything = {(v, role): {token, *FORMATS} for v in FIVE
                  for role, token in (("issuer", "oid4vci"), ("wallet", "backchannel"), ("verifier", "oid4vp"))}
    everything[("v5", "wallet")] = {"backchannel", "ldp_vc"}  # v5's wallet holds ldp_vc only
    everything[("v4", "verifier")] = {"vc-api"}  # v4 verifies over the VC API only
    plan = journey_plan(lambda role: FIVE, _declared(everything), set())
    assert plan.combinations == 125 * len(FORMATS)
    assert not [j for j in plan.journeys if j[3] != "ldp_vc" and j[1] == "v5"]
    assert not [j for j in plan.journeys if j[2] == "v4"]
    for fmt in FORMATS:
        wallets = FIVE if fmt == "ldp_vc" else FIVE[:4]
        journeys = [j[:3] for j in plan.journeys if j[3] == fmt]
        issued, presented = _pairs(journeys)
        assert issued == set(itertools.product(FIVE, wallets))
        assert presented == {(w, b) for w in wallets for b in FIVE if b != "v4"}
    assert journey_plan(lambda role: FIVE, _declared(everything), set(), "full").describe() == \
        {"matrix": "full", "journeys": 375, "of": 375}


class _Collected:
    def __init__(self):
        self.items = []

    def pytest_collection_finish(self, session):
        self.items = list(session.items)


def _five_vendor_manifest(tmp_path: Path) -> Path:
    """Five vendors of every role declaring every format (never contacted: collection only)."""
    def entry(n: int) -> dict:
        base = f"http://127.0.0.1:{9100 + n}"
        return {"id": f"v{n}", "name": f"vendor {n}",
                "issuer": {"oid4vci": {"credential_issuer": base, "offers": base + "/offers"},
                           "vc-api": {"issue": base + "/credentials/issue"}, "supports": list(FORMATS)},
                "wallet": {"backchannel": {"url": base + "/wallet"}, "supports": list(FORMATS)},
                "verifier": {"oid4vp": {"presentation_requests": base + "/presentation-requests"},
                             "vc-api": {"credentials_verify": base + "/credentials/verify"},
                             "supports": list(FORMATS)}}
    path = tmp_path / "five.yaml"
    path.write_text(yaml.safe_dump({"manifest_version": 1, "vendors": [entry(n) for n in range(1, 6)]}))
    return path


def _collect(tmp_path: Path, *extra: str) -> tuple[list, dict]:
    collected = _Collected()
    out = tmp_path / ("run" + "".join(extra).replace("-", "").replace("/", ""))
    code = pytest.main([str(SUITES), "--vendors", str(_five_vendor_manifest(tmp_path)), "--collect-only", "-q",
                        "-p", "no:cacheprovider", "-p", "no:randomly", "--results-dir", str(out),
                        "-k", "INT-JOURNEY-001 or INT-VCAPI-001 or INT-OPENID-001", *extra], plugins=[collected])
    assert code == 0
    return collected.items, json.loads((out / "results.jsonl").read_text().splitlines()[0])


@pytest.mark.parametrize("matrix", ["covering", "full"])
def test_five_vendors_collect_the_planned_journeys_and_every_direct_cell(tmp_path, matrix):
    items, header = _collect(tmp_path, *(["--matrix", "full"] if matrix == "full" else []))
    journeys = [i.callspec.params for i in items if i.originalname == "test_learner_journey"]
    per_format = Counter(p["fmt"] for p in journeys)
    assert set(per_format) == set(FORMATS)
    for fmt in FORMATS:
        cells = [(p["issuer_vendor"], p["wallet_vendor"], p["verifier_vendor"]) for p in journeys if p["fmt"] == fmt]
        issued, presented = _pairs(cells)
        assert issued == presented == set(itertools.product(FIVE, FIVE))
        assert len(cells) == (125 if matrix == "full" else 25) or (matrix == "covering" and len(cells) <= 25)
    # The direct issuer x verifier cells stay complete.
    for name in ("test_issued_here_verified_there", "test_openid_issued_here_presented_there"):
        cells = {(i.callspec.params["issuer_vendor"], i.callspec.params["verifier_vendor"])
                 for i in items if i.originalname == name}
        assert cells == set(itertools.product(FIVE, FIVE))
    # The report says which plan ran.
    assert header["plan"] == {"matrix": matrix, "journeys": len(journeys), "of": 375}
