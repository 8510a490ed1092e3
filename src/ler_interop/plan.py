"""Which learner's journeys (issuer A -> wallet W -> verifier B, per format) a run plans.

Every ordered (A, W, B) grows as N^3. By default the run plans a *covering* set: every
(issuer, wallet) pair and every (wallet, verifier) pair that can run appears in at least one
journey, which takes max(|A|, |B|) journeys per wallet, so O(N^2). `--matrix full` plans every
combination. The direct issuer x verifier cells (two participants) are always complete.

Only journeys that can run are planned in the covering: a participant must declare its role's
protocol section (issuer `oid4vci`, wallet `backchannel`, verifier `oid4vp`) and the format;
what else a journey needs (a DID method, a status purpose) is found out only by running it,
so it is not planned around. `--matrix full` still shows the undeclared ones as `unsupported`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from .protocols.oid4vp_present import FORMATS

MATRIX_MODES = ("covering", "full")
# What each participant of the journey (INT-JOURNEY-001's `requires`, by role) declares to take part.
JOURNEY_TOKENS = {"issuer": ("oid4vci",), "wallet": ("backchannel",), "verifier": ("oid4vp",)}

Journey = tuple[str, str, str, str]  # (issuer, wallet, verifier, format)


@dataclass(frozen=True)
class Plan:
    mode: str
    journeys: tuple[Journey, ...]
    combinations: int  # every ordered (A, W, B, format) of the manifest: what `full` runs

    def describe(self) -> dict[str, object]:
        """The header's and summary.json's `plan`."""
        return {"matrix": self.mode, "journeys": len(self.journeys), "of": self.combinations}


def covering(issuers: Sequence[str], wallets: Sequence[str], verifiers: Sequence[str],
             excluded: Callable[[str, str, str], bool] = lambda a, w, b: False) -> list[tuple[str, str, str]]:
    """Triples in which every (issuer, wallet) and (wallet, verifier) pair occurs that occurs in
    any non-excluded triple. Per wallet, journey j pairs issuer j and verifier j + the wallet's
    index (round robin), so different wallets see different issuer x verifier pairings; a
    triple that is excluded is replaced, and a pair still missing gets a journey of its own."""
    plan: list[tuple[str, str, str]] = []
    if not (issuers and wallets and verifiers):
        return plan
    rounds = max(len(issuers), len(verifiers))
    for shift, wallet in enumerate(wallets):
        for j in range(rounds):
            issuer, verifier = issuers[j % len(issuers)], verifiers[(j + shift) % len(verifiers)]
            if excluded(issuer, wallet, verifier):
                continue  # the pairs it would have covered are filled in below
            if (issuer, wallet, verifier) not in plan:
                plan.append((issuer, wallet, verifier))
    covered = {pair for cell in plan for pair in _pairs(*cell)}
    for wallet in wallets:
        for issuer in issuers:
            if ("issued", issuer, wallet) not in covered:
                _cover(plan, covered, [(issuer, wallet, b) for b in verifiers], excluded)
        for verifier in verifiers:
            if ("presented", wallet, verifier) not in covered:
                _cover(plan, covered, [(a, wallet, verifier) for a in issuers], excluded)
    return plan


def _pairs(issuer: str, wallet: str, verifier: str) -> set[tuple[str, str, str]]:
    return {("issued", issuer, wallet), ("presented", wallet, verifier)}


def _cover(plan: list, covered: set, candidates: Iterable[tuple[str, str, str]],
           excluded: Callable[[str, str, str], bool]) -> None:
    for a, w, b in candidates:
        if not excluded(a, w, b):
            plan.append((a, w, b))
            covered.update(_pairs(a, w, b))
            return  # none: the pair occurs only in excluded triples, so nothing is missing


def journey_plan(roles: Callable[[str], list[str]], declared: Callable[[str, str], frozenset[str]],
                 interop_only: set[str], mode: str = "covering", formats: Sequence[str] = FORMATS) -> Plan:
    """The run's journeys. `roles(role)` lists the vendors playing a role, `declared(vendor, role)`
    gives its capability tokens; a triple made only of `interop_only` vendors (the reference
    joining with --with-reference) is never planned, as it is not what was asked."""
    issuers, wallets, verifiers = roles("issuer"), roles("wallet"), roles("verifier")

    def excluded(*cell: str) -> bool:
        return set(cell) <= interop_only

    everything = [(a, w, b) for a, w, b in itertools.product(issuers, wallets, verifiers) if not excluded(a, w, b)]
    combinations = len(everything) * len(formats)
    if mode == "full":
        return Plan(mode, tuple((a, w, b, f) for a, w, b in everything for f in formats), combinations)

    def able(role: str, vendors: list[str], fmt: str) -> list[str]:
        return [v for v in vendors if {*JOURNEY_TOKENS[role], fmt} <= declared(v, role)]

    journeys = [(a, w, b, fmt) for fmt in formats
                for a, w, b in covering(able("issuer", issuers, fmt), able("wallet", wallets, fmt),
                                        able("verifier", verifiers, fmt), excluded)]
    return Plan(mode, tuple(journeys), combinations)
