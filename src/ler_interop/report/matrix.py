"""The cross-vendor interoperability matrix, derived from interop results.

An interop result is a cell: role "interop", params {"issuer": A, "verifier": B} and, for the
learner's journey, "wallet": W; vendor = the verifier (docs/CONTRACTS.md). Several checks may exercise the same
cell (one per cryptosuite or format, say); the cell shows the first outcome of CELL_ORDER among
them, so one broken path is never hidden behind a working one, and a cell shows what happened.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

# How a cell combines its results (docs/CONTRACTS.md, "Matrix"): judged outcomes first, worst
# first; then `skip` (a path was tried, and a party other than the judged one could not feed it)
# before `unsupported` (a path nobody declared): a wallet skipped in the two formats it declares
# shows `skip`, not the `unsupported` of the third format it never claimed.
CELL_ORDER: tuple[str, ...] = ("fail", "error", "warn", "pass", "skip", "unsupported")

MatrixRow = dict[str, Any]


def worst(outcomes: Iterable[str]) -> str:
    ranked = sorted(outcomes, key=lambda o: CELL_ORDER.index(o) if o in CELL_ORDER else 0)
    return ranked[0] if ranked else "unsupported"


def matrix_rows(results: Iterable[Mapping[str, Any]]) -> list[MatrixRow]:
    """[{"issuer", "wallet", "verifier", "protocol", "outcome"}], one row per cell, sorted."""
    cells: dict[tuple[str, str | None, str, str], list[str]] = {}
    for result in results:
        if result.get("role") != "interop":
            continue
        params = result.get("params") or {}
        key = (
            str(params.get("issuer", "")),
            None if params.get("wallet") is None else str(params["wallet"]),
            str(params.get("verifier") or result.get("vendor", "")),
            str(result.get("protocol", "none")),
        )
        cells.setdefault(key, []).append(result["outcome"])
    return [
        {"issuer": issuer, "wallet": wallet, "verifier": verifier, "protocol": protocol, "outcome": worst(outcomes)}
        for (issuer, wallet, verifier, protocol), outcomes in sorted(cells.items(), key=lambda kv: tuple(str(x) for x in kv[0]))
    ]


# What a table's cells exercised, in a reader's words.
PROTOCOL_TITLES = {
    "vc-api": "VC API: A issues, B verifies",
    "oid4vp": "OpenID4VCI to OpenID4VP: A issues to a wallet, which presents to B",
}
# A table whose cells went through a vendor's wallet (the template names which): the learner's journey.
JOURNEY_TITLE = "The learner's journey: A issues over OpenID4VCI to the learner's wallet, which presents to B over OpenID4VP"


def table_title(protocol: str, wallet: str | None) -> str:
    return JOURNEY_TITLE if wallet is not None and protocol == "oid4vp" else PROTOCOL_TITLES.get(protocol, protocol)


def matrix_grid(rows: list[MatrixRow]) -> dict[str, Any]:
    """Rows -> a table per (protocol, wallet): {"tables": [{"protocol", "wallet", "issuers",
    "verifiers", "cells": {(issuer, verifier): outcome}}]} for the HTML report."""
    tables: dict[tuple[str, str | None], dict[str, Any]] = {}
    for row in rows:
        table = tables.setdefault(
            (row["protocol"], row["wallet"]),
            {"protocol": row["protocol"], "title": table_title(row["protocol"], row["wallet"]),
             "wallet": row["wallet"], "issuers": [], "verifiers": [], "cells": {}},
        )
        if row["issuer"] not in table["issuers"]:
            table["issuers"].append(row["issuer"])
        if row["verifier"] not in table["verifiers"]:
            table["verifiers"].append(row["verifier"])
        table["cells"][(row["issuer"], row["verifier"])] = row["outcome"]
    # The learner's journeys (through a vendor's wallet) first: they are the whole path.
    return {"tables": sorted(tables.values(), key=lambda t: t["wallet"] is None)}
