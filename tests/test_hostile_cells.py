"""Cross-vendor cells charge nobody for another party's defect (issue 12, items 2 and 3).

- A participant dead at the health probe, or any failure of the issuer or wallet to feed a cell
  (garbage, a crash, a hang), makes the cell `skip`: the verifier it judges keeps its outcomes.
- A timeout is charged to the vendor whose exchange timed out: three hanging verifiers never
  cut off the issuer of their cells; a hanging issuer is cut off after three, and its
  remaining cells end at once (`skip`), its own checks `error`.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

import pytest

from hostile_vendor import HostileVendor
from test_hostile_vendor import outcomes, run
from vendor_stub import closed_port
from ler_interop.plugin_state import MAX_CONSECUTIVE_TIMEOUTS
from ler_interop.reference.servers import REFERENCE_TOKEN_ENV, start_reference

CELLS = ("INT-VCAPI-001", "INT-VCAPI-003", "INT-OPENID-001", "INT-JOURNEY-001")


@pytest.fixture
def reference(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(REFERENCE_TOKEN_ENV, "")  # start_reference sets it; monkeypatch undoes it
    with start_reference(token=secrets.token_urlsafe(24)) as servers:
        yield servers


def dead_vendor(like: dict[str, Any], vendor_id: str) -> dict[str, Any]:
    """A vendor claiming what `like` claims, every endpoint (health included) on a closed port."""
    with HostileVendor() as stub:
        entry = stub.manifest_vendor(like, vendor_id)
        url = stub.url
    text = repr(entry).replace(url, f"http://127.0.0.1:{closed_port()}")
    return eval(text)  # noqa: S307 - our own dict's repr, URLs swapped


def results(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in lines if r["kind"] == "result"]


def test_a_dead_participant_makes_the_cell_skip_not_the_verifiers_error(tmp_path: Path, reference):
    entry = reference.manifest_vendor()
    code, out, lines = run(tmp_path, "dead", [entry, dead_vendor(entry, "dead")], CELLS)
    cells = [r for r in results(lines) if r["role"] == "interop"]
    fed_by_dead = [r for r in cells if r["params"].get("verifier") == "reference"
                   and "dead" in (r["params"].get("issuer"), r["params"].get("wallet"))]
    assert fed_by_dead and {r["outcome"] for r in fed_by_dead} == {"skip"}, \
        sorted({(r["check"], r["outcome"], r["message"][:100]) for r in fed_by_dead})
    assert all("unreachable" in r["message"] for r in fed_by_dead)
    # The dead verifier's own cells are its error; the reference, as verifier, is never charged.
    assert {r["outcome"] for r in cells if r["params"].get("verifier") == "dead"} == {"error"}
    assert not [r for r in cells if r["vendor"] == "reference" and r["outcome"] in ("error", "fail")]


def test_any_failure_of_the_issuer_to_feed_a_cell_is_skip(tmp_path: Path, reference):
    """Garbage, a 500, an oversized body, a redirect away, a hang: all the issuer's, never B's."""
    entry = reference.manifest_vendor()
    with HostileVendor() as hostile:
        issuer_only = hostile.manifest_vendor(entry, "hostile")
        del issuer_only["verifier"], issuer_only["wallet"]
        code, out, lines = run(tmp_path, "feed", [entry, issuer_only],
                               ("INT-VCAPI-001", "INT-VCAPI-002", "INT-VCAPI-003", "INT-VCAPI-004", "INT-OPENID-001"))
    cells = [r for r in results(lines) if r["params"].get("issuer") == "hostile"]
    judged = [r for r in cells if r["outcome"] != "unsupported"]
    assert len(judged) >= 5, [(r["check"], r["outcome"]) for r in cells]
    assert {r["outcome"] for r in judged} == {"skip"}, sorted({(r["check"], r["outcome"], r["message"][:100])
                                                               for r in judged if r["outcome"] != "skip"})


def test_timeouts_are_charged_to_the_vendor_that_hung(tmp_path: Path, reference):
    """Three hanging verifiers: each its own timeout, and the reference issuer of their cells is
    not cut off (its issuer checks still pass). Old code: 3 cell timeouts in a row cut it off."""
    entry = reference.manifest_vendor()
    stubs = [HostileVendor(plan=(), then=("hang",)) for _ in range(3)]
    try:
        hanging = []
        for n, stub in enumerate(stubs):
            vendor = stub.manifest_vendor(entry, f"hang{n}")
            del vendor["issuer"], vendor["wallet"]
            vendor["verifier"].pop("oid4vp", None)
            hanging.append(vendor)
        code, out, lines = run(tmp_path, "hung-verifiers", [entry, *hanging],
                               ("INT-VCAPI-001", "ISS-VCAPI-001", "ISS-VCAPI-002"))
    finally:
        for stub in stubs:
            stub.stop()
    mine = {key: outcome for key, outcome in outcomes(lines, "reference").items()}
    assert mine and set(mine.values()) == {"pass"}, mine
    assert {r["outcome"] for r in results(lines) if r["vendor"].startswith("hang")} == {"error"}


def test_a_hanging_issuer_is_cut_off_and_its_remaining_cells_end_at_once(tmp_path: Path, reference):
    entry = reference.manifest_vendor()
    with HostileVendor(plan=(), then=("hang",)) as stub:
        issuer = stub.manifest_vendor(entry, "hang")
        del issuer["verifier"], issuer["wallet"]
        issuer["issuer"].pop("oid4vci", None)
        checks = ("INT-VCAPI-001", "INT-VCAPI-002", "INT-VCAPI-003", "INT-VCAPI-004", "ISS-VCAPI-001")
        started = time.monotonic()
        code, out, lines = run(tmp_path, "hung-issuer", [entry, issuer], checks)
        seconds = time.monotonic() - started
    cells = [r for r in results(lines) if r["params"].get("issuer") == "hang" and r["outcome"] != "unsupported"]
    assert len(cells) > MAX_CONSECUTIVE_TIMEOUTS
    assert {r["outcome"] for r in cells} == {"skip"}, [(r["check"], r["outcome"], r["message"][:100]) for r in cells]
    cut = [r for r in cells if "in a row" in r["message"]]
    assert len(cut) == len(cells) - MAX_CONSECUTIVE_TIMEOUTS and all(r["duration_ms"] < 1000 for r in cut)
    own = [r for r in results(lines) if r["vendor"] == "hang" and r["role"] == "issuer"]
    # Its own check is `error`: cut off, or (on its own worker, while the cells ran elsewhere) its own timeout.
    assert own and {r["outcome"] for r in own} == {"error"}
    assert not [r for r in results(lines) if r["vendor"] == "reference" and r["outcome"] in ("error", "fail")]
    assert seconds < MAX_CONSECUTIVE_TIMEOUTS * 5 + 40, f"took {seconds:.0f}s"
