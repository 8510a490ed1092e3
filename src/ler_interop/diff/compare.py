"""The diff model: every check execution of OLD and NEW, matched and classified per vendor.

A check execution is matched by (vendor, check id, instance): the instance is the pytest node
id from the suite folder on (`issuer/test_x.py::test_y[acme-ldp_vc]`), the id shard merging
uses, cut to the last folder so two checkouts in different places still match; a line without
a node id falls back to its params. Outcomes are compared as scoring shows them
(scoring.effective_outcome): a failure the vendor's expected file lists is `expected-fail`.

Classes (one per execution): new-failure (now fail/error, before anything else or absent),
fixed (before fail/error/expected-fail, now pass/unexpected-pass), new-check, removed-check,
moved (any other change), unchanged.

A regression (the diff exits 1) is any of:
- a new failure: a fail or error where there was none (absent before included);
- a MUST check that passed and no longer does (pass -> warn/unsupported/skip/expected-fail);
- a vendor of OLD missing from NEW;
- a principle or profile verdict, or the vendor's overall verdict, that went from conforms to not.
A removed check alone is not a regression (suite versions add and retire checks); a removed
vendor is. SHOULD/MAY moves (pass -> warn) are listed, never gating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .. import scoring
from ..report.summary import vendor_entries, vendor_summary
from ..results import Stream, json_text

NEW_FAILURE, FIXED, NEW_CHECK, REMOVED_CHECK, MOVED, UNCHANGED = (
    "new-failure", "fixed", "new-check", "removed-check", "moved", "unchanged")
CLASSES: tuple[str, ...] = (NEW_FAILURE, FIXED, NEW_CHECK, REMOVED_CHECK, MOVED, UNCHANGED)

FAILING = frozenset({"fail", "error"})
WAS_FAILING = FAILING | {scoring.EXPECTED_FAIL}
PASSING = frozenset({"pass", scoring.UNEXPECTED_PASS})


def instance(result: Mapping[str, Any]) -> str:
    """The execution's identity within its check: stable across checkouts and runs."""
    nodeid = str(result.get("nodeid") or "")
    if not nodeid:
        return json_text(result.get("params") or {})
    path, _, name = nodeid.partition("::")
    return "/".join(path.split("/")[-2:]) + "::" + name


def key(result: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(result.get("vendor", "")), str(result.get("check", "")), instance(result))


def classify(old: str | None, new: str | None) -> str:
    """The class of one execution from its effective outcomes (None: absent from that run)."""
    if old is None:
        return NEW_FAILURE if new in FAILING else NEW_CHECK
    if new is None:
        return REMOVED_CHECK
    if old == new:
        return UNCHANGED
    if new in FAILING and old not in FAILING:
        return NEW_FAILURE
    if old in WAS_FAILING and new in PASSING:
        return FIXED
    return MOVED


@dataclass
class Change:
    """One check execution that differs between the runs (outcomes effective, None = absent)."""

    cls: str
    check: str
    instance: str
    title: str
    level: str
    old: str | None
    new: str | None
    message: str = ""
    regression: bool = False


@dataclass
class Verdict:
    """A principle, profile or the vendor overall: score (principles only) and conforms, old and new."""

    name: str
    old_conforms: bool | None
    new_conforms: bool | None
    old_score: float | None = None
    new_score: float | None = None

    @property
    def lost(self) -> bool:  # conformed before, does not now (absent now is the vendor's case)
        return self.old_conforms is True and self.new_conforms is False

    @property
    def changed(self) -> bool:
        return (self.old_conforms, self.old_score) != (self.new_conforms, self.new_score)


@dataclass
class VendorDiff:
    id: str
    presence: str  # "both", "added" (only in NEW), "removed" (only in OLD)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CLASSES, 0))
    changes: list[Change] = field(default_factory=list)
    overall: Verdict | None = None
    principles: list[Verdict] = field(default_factory=list)  # the changed ones
    profiles: list[Verdict] = field(default_factory=list)  # the changed ones

    @property
    def regressions(self) -> list[str]:
        """Why this vendor regressed, one phrase each (empty: it did not)."""
        reasons = [f"{c.check} {c.instance}: {c.old or 'absent'} -> {c.new}" for c in self.changes if c.regression]
        if self.presence == "removed":
            reasons.insert(0, "vendor missing from NEW")
        reasons += [f"{v.name} no longer conforms" for v in [self.overall, *self.principles, *self.profiles]
                    if v is not None and v.lost]
        return reasons


@dataclass
class Diff:
    old: Stream
    new: Stream
    vendors: list[VendorDiff]

    @property
    def regressed(self) -> bool:
        return any(v.regressions for v in self.vendors)


def is_regression(cls: str, old: str | None, level: str) -> bool:
    return cls == NEW_FAILURE or (cls == MOVED and old == "pass" and level == "MUST")


def _by_vendor(stream: Stream) -> dict[str, dict[tuple[str, str, str], Mapping[str, Any]]]:
    vendors: dict[str, dict[tuple[str, str, str], Mapping[str, Any]]] = {v["id"]: {} for v in vendor_entries(stream)}
    for result in stream.results:
        vendors.setdefault(str(result.get("vendor", "")), {})[key(result)] = result  # a re-run line wins, as in merge
    return vendors


def _summaries(stream: Stream) -> dict[str, dict[str, Any]]:
    return {v["id"]: vendor_summary(v, stream) for v in vendor_entries(stream)}


def _verdicts(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> tuple[Verdict, list[Verdict], list[Verdict]]:
    def conforms(summary: Mapping[str, Any] | None) -> bool | None:
        return None if summary is None else scoring.vendor_conforms(summary)

    overall = Verdict("vendor (all principles)", conforms(old), conforms(new))
    principles = []
    for name in scoring.PRINCIPLES:
        before = (old or {}).get("principles", {}).get(name, {})
        after = (new or {}).get("principles", {}).get(name, {})
        principles.append(Verdict(name, before.get("conforms"), after.get("conforms"), before.get("score"), after.get("score")))
    profiles = []
    for name in dict.fromkeys([*(old or {}).get("profiles", {}), *(new or {}).get("profiles", {})]):
        before = (old or {}).get("profiles", {}).get(name, {})
        after = (new or {}).get("profiles", {}).get(name, {})
        profiles.append(Verdict(f"profile {name}", before.get("conforms"), after.get("conforms")))
    return overall, [v for v in principles if v.changed], [v for v in profiles if v.changed]


def _change(cls: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> Change:
    line = after or before or {}
    old = scoring.effective_outcome(before) if before else None
    new = scoring.effective_outcome(after) if after else None
    level = str(line.get("level", "MUST"))
    return Change(cls, str(line.get("check", "")), instance(line), str(line.get("title", "")), level, old, new,
                  str((after or {}).get("message", "")), is_regression(cls, old, level))


def compare(old: Stream, new: Stream) -> Diff:
    """Match and classify every execution of both streams, vendor by vendor (OLD's order, then NEW's)."""
    old_results, new_results = _by_vendor(old), _by_vendor(new)
    old_summaries, new_summaries = _summaries(old), _summaries(new)
    vendors = []
    for vendor in dict.fromkeys([*old_results, *new_results]):
        before, after = old_results.get(vendor), new_results.get(vendor)
        presence = "both" if before is not None and after is not None else ("removed" if after is None else "added")
        diff = VendorDiff(vendor, presence)
        before, after = before or {}, after or {}
        for k in dict.fromkeys([*before, *after]):
            b, a = before.get(k), after.get(k)
            cls = classify(scoring.effective_outcome(b) if b else None, scoring.effective_outcome(a) if a else None)
            diff.counts[cls] += 1
            if cls != UNCHANGED:
                diff.changes.append(_change(cls, b, a))
        diff.overall, diff.principles, diff.profiles = _verdicts(old_summaries.get(vendor), new_summaries.get(vendor))
        vendors.append(diff)
    return Diff(old, new, vendors)
