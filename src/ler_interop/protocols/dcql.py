"""Digital Credentials Query Language (DCQL), OpenID4VP 1.0 §6 and §7 — pure functions.

https://openid.net/specs/openid-4-verifiable-presentations-1_0.html#section-6

Both sides use it: a wallet selects which of its credentials (and which claims of them) answer
a query (`select`), a verifier checks that what came back answers what it asked and nothing
else (`response_problems`). Credentials are seen through `Candidate`: the format, the JSON the
claims path pointers walk (the VC for W3C formats, the processed SD-JWT payload for
`dc+sd-jwt`), the W3C types and the SD-JWT `vct`. Nothing here does I/O or cryptography.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

W3C_FORMATS = frozenset({"ldp_vc", "jwt_vc_json"})
SD_JWT_FORMAT = "dc+sd-jwt"
# §6.1 / §6.3: ids are non-empty strings of alphanumerics, `_` and `-`.
_ID = re.compile(r"^[A-Za-z0-9_-]+$")

PathElement = str | int | None


class PathError(ValueError):
    """A claims path pointer that selects nothing, or meets a value of the wrong kind (§7.1.1)."""


@dataclass(frozen=True)
class Candidate:
    """One credential as DCQL sees it. `ref` is whatever the caller needs to find it again."""

    format: str
    document: Mapping[str, Any]
    types: frozenset[str] = frozenset()  # W3C `type` values, compact and/or expanded IRIs
    vct: str | None = None
    ref: Any = None


@dataclass(frozen=True)
class Problem:
    """Why a response does not answer a query; `code` lets a (faulty) verifier forgive one kind."""

    code: str  # unrequested | cardinality | format | type | missing-claim | credential-sets | malformed
    query_id: str | None
    message: str


@dataclass
class Selection:
    """A wallet's answer plan: per credential query id, the candidates and the claim paths to disclose."""

    credentials: dict[str, list[Candidate]] = field(default_factory=dict)
    disclose: dict[str, list[tuple[PathElement, ...]]] = field(default_factory=dict)


# -- claims path pointers (§7.1.1) ---------------------------------------------------------
# Members whose omission means their default (§6.1 multiple, require_cryptographic_holder_binding;
# §6.2 required): a verifier writing a default out asks nothing more.
_CREDENTIAL_QUERY_DEFAULTS = {"multiple": False, "require_cryptographic_holder_binding": True}
_CREDENTIAL_SET_DEFAULTS = {"required": True}


def with_defaults(query: Any) -> Any:
    """`query` with every omitted default written out, so two queries that ask the same thing
    compare equal (a verifier may pass on the query it was given in either form)."""
    if not isinstance(query, Mapping):
        return query
    out = dict(query)
    if isinstance(out.get("credentials"), list):
        out["credentials"] = [{**_CREDENTIAL_QUERY_DEFAULTS, **cq} if isinstance(cq, Mapping) else cq
                              for cq in out["credentials"]]
    if isinstance(out.get("credential_sets"), list):
        out["credential_sets"] = [{**_CREDENTIAL_SET_DEFAULTS, **cs} if isinstance(cs, Mapping) else cs
                                  for cs in out["credential_sets"]]
    return out


def select_path(document: Any, path: Sequence[PathElement]) -> list[Any]:
    """The JSON elements `path` selects in `document`; PathError when it selects none."""
    if not isinstance(path, (list, tuple)) or not path:
        raise PathError("a claims path pointer is a non-empty array")
    selected = [document]
    for component in path:
        if isinstance(component, bool):  # JSON true/false are not indices
            raise PathError(f"path component {component!r} is neither a string, null nor an index")
        if isinstance(component, str):
            if any(not isinstance(e, Mapping) for e in selected):
                raise PathError(f"{component!r} applied to a value that is not an object")
            selected = [e[component] for e in selected if component in e]
        elif component is None:
            if any(not isinstance(e, list) for e in selected):
                raise PathError("null applied to a value that is not an array")
            selected = [item for e in selected for item in e]
        elif isinstance(component, int) and component >= 0:
            if any(not isinstance(e, list) for e in selected):
                raise PathError(f"index {component} applied to a value that is not an array")
            selected = [e[component] for e in selected if component < len(e)]
        else:
            raise PathError(f"path component {component!r} is neither a string, null nor a non-negative index")
    if not selected:
        raise PathError(f"nothing at {list(path)!r}")
    return selected


def _value_matches(selected: list[Any], values: Sequence[Any] | None) -> bool:
    # §6.3: type and value both match exactly (so 1 is not True, "1" is not 1).
    if values is None:
        return True
    return any(type(s) is type(v) and s == v for s in selected for v in values)


def claim_present(document: Any, claim: Mapping[str, Any]) -> bool:
    try:
        selected = select_path(document, claim.get("path") or [])
    except PathError:
        return False
    return _value_matches(selected, claim.get("values"))


# -- the query itself (§6) -------------------------------------------------------------------
def query_problems(query: Any) -> list[str]:
    """What makes `query` an invalid DCQL query (empty when it is valid)."""
    if not isinstance(query, Mapping):
        return ["a DCQL query is a JSON object"]
    credentials = query.get("credentials")
    if not isinstance(credentials, list) or not credentials:
        return ["`credentials` must be a non-empty array"]
    out: list[str] = []
    ids: list[str] = []
    for i, cq in enumerate(credentials):
        if not isinstance(cq, Mapping):
            out.append(f"credentials[{i}] is not an object")
            continue
        cid = cq.get("id")
        if not isinstance(cid, str) or not _ID.match(cid):
            out.append(f"credentials[{i}].id must be a non-empty string of [A-Za-z0-9_-]")
        else:
            ids.append(cid)
        if not isinstance(cq.get("format"), str):
            out.append(f"credentials[{i}].format must be a string")
        if not isinstance(cq.get("meta"), Mapping):
            out.append(f"credentials[{i}].meta is required and must be an object")
        out += _claims_problems(cq, f"credentials[{i}]")
    if len(ids) != len(set(ids)):
        out.append("credential query ids must be unique")
    for j, cs in enumerate(query.get("credential_sets") or []):
        options = cs.get("options") if isinstance(cs, Mapping) else None
        if not isinstance(options, list) or not options or not all(
                isinstance(o, list) and o and all(x in ids for x in o) for o in options):
            out.append(f"credential_sets[{j}].options must be non-empty arrays of credential query ids")
    if "credential_sets" in query and not query.get("credential_sets"):
        out.append("`credential_sets`, when present, must be a non-empty array")
    return out


def _claims_problems(cq: Mapping[str, Any], where: str) -> list[str]:
    claims, claim_sets = cq.get("claims"), cq.get("claim_sets")
    out: list[str] = []
    if claims is None:
        return [f"{where}.claim_sets must not be present without claims"] if claim_sets is not None else []
    if not isinstance(claims, list) or not claims:
        return [f"{where}.claims must be a non-empty array"]
    claim_ids = []
    for k, claim in enumerate(claims):
        path = claim.get("path") if isinstance(claim, Mapping) else None
        if not isinstance(path, list) or not path or not all(
                (isinstance(p, str) or p is None or (isinstance(p, int) and not isinstance(p, bool) and p >= 0))
                for p in path):
            out.append(f"{where}.claims[{k}].path must be a non-empty array of strings, nulls and indices")
        if isinstance(claim, Mapping) and "id" in claim:
            claim_ids.append(claim["id"])
    if claim_sets is not None:
        if len(claim_ids) != len(claims):
            out.append(f"{where}: every claim needs an id when claim_sets is present")
        if not isinstance(claim_sets, list) or not claim_sets or not all(
                isinstance(s, list) and s and all(x in claim_ids for x in s) for s in claim_sets):
            out.append(f"{where}.claim_sets must be non-empty arrays of claim ids")
    return out


# -- matching one credential query -------------------------------------------------------------
def meta_matches(cq: Mapping[str, Any], candidate: Candidate) -> bool:
    """Format and `meta` (Appendix B.1.1 `type_values`, B.3.5 `vct_values`)."""
    if candidate.format != cq.get("format"):
        return False
    meta = cq.get("meta") or {}
    if candidate.format in W3C_FORMATS and "type_values" in meta:
        return any(isinstance(alt, list) and set(alt) <= candidate.types for alt in meta["type_values"])
    if candidate.format == SD_JWT_FORMAT and "vct_values" in meta:
        return candidate.vct in meta["vct_values"]
    return True


def chosen_claims(cq: Mapping[str, Any], document: Any) -> list[Mapping[str, Any]] | None:
    """The claims queries a credential answers (§6.4.1): all of `claims`, or the first
    satisfiable option of `claim_sets`; None when it cannot answer; [] when none were asked."""
    claims = cq.get("claims")
    if not claims:
        return []
    claim_sets = cq.get("claim_sets")
    if not claim_sets:
        return list(claims) if all(claim_present(document, c) for c in claims) else None
    by_id = {c.get("id"): c for c in claims}
    for option in claim_sets:
        wanted = [by_id[i] for i in option if i in by_id]
        if all(claim_present(document, c) for c in wanted):
            return wanted
    return None


def missing_claims(cq: Mapping[str, Any], document: Any) -> list[list[PathElement]]:
    """The asked claim paths a presented credential lacks (for the first claim set, if any)."""
    if chosen_claims(cq, document) is not None:
        return []
    claims = cq.get("claims") or []
    claim_sets = cq.get("claim_sets")
    if claim_sets:
        by_id = {c.get("id"): c for c in claims}
        claims = [by_id[i] for i in claim_sets[0] if i in by_id]
    return [list(c.get("path") or []) for c in claims if not claim_present(document, c)]


def _required_options(query: Mapping[str, Any]) -> list[list[list[str]]]:
    sets = query.get("credential_sets")
    if not sets:
        return [[[cq["id"]]] for cq in query["credentials"]]
    return [cs["options"] for cs in sets if cs.get("required", True)]


# -- wallet side ----------------------------------------------------------------------------
def select(query: Mapping[str, Any], candidates: Iterable[Candidate]) -> Selection | None:
    """Which credentials answer `query` (§6.4.2), and which claims of each to disclose;
    None when a required credential set cannot be satisfied (then nothing is returned)."""
    pool = list(candidates)
    answers: dict[str, list[tuple[Candidate, list[Mapping[str, Any]]]]] = {}
    for cq in query["credentials"]:
        found = [(c, chosen) for c in pool if meta_matches(cq, c)
                 for chosen in [chosen_claims(cq, c.document)] if chosen is not None]
        if found:
            answers[cq["id"]] = found if cq.get("multiple") else found[:1]
    chosen_ids: set[str] = set()
    for options in _required_options(query):
        option = next((o for o in options if all(i in answers for i in o)), None)
        if option is None:
            return None
        chosen_ids |= set(option)
    for cs in query.get("credential_sets") or []:
        if not cs.get("required", True):
            option = next((o for o in cs["options"] if all(i in answers for i in o)), None)
            chosen_ids |= set(option or [])
    selection = Selection()
    for qid in sorted(chosen_ids):
        selection.credentials[qid] = [c for c, _ in answers[qid]]
        selection.disclose[qid] = [tuple(claim["path"]) for claim in answers[qid][0][1]]
    return selection


# -- verifier side --------------------------------------------------------------------------
def response_problems(query: Mapping[str, Any], presented: Mapping[str, Sequence[Candidate]]) -> list[Problem]:
    """Everything that keeps `presented` (query id -> the credentials its presentations carry)
    from answering `query` (§8.1 vp_token, §6.4 selection rules, §8.6 step 2.2 and 3)."""
    by_id = {cq["id"]: cq for cq in query["credentials"]}
    problems = [Problem("unrequested", qid, f"vp_token entry {qid!r} answers no credential query")
                for qid in presented if qid not in by_id]
    for qid, candidates in presented.items():
        cq = by_id.get(qid)
        if cq is None:
            continue
        if not candidates:
            problems.append(Problem("cardinality", qid, f"{qid!r}: an entry must hold at least one presentation"))
        if len(candidates) > 1 and not cq.get("multiple"):
            problems.append(Problem("cardinality", qid, f"{qid!r}: {len(candidates)} presentations, the query allows one"))
        for candidate in candidates:
            if candidate.format != cq.get("format"):
                problems.append(Problem("format", qid, f"{qid!r}: a {candidate.format} credential, {cq.get('format')} asked"))
            elif not meta_matches(cq, candidate):
                what = candidate.vct if candidate.format == SD_JWT_FORMAT else sorted(candidate.types)
                problems.append(Problem("type", qid, f"{qid!r}: credential type {what} is not among those asked"))
            for path in missing_claims(cq, candidate.document):
                problems.append(Problem("missing-claim", qid, f"{qid!r}: requested claim {path} not presented"))
    answered = {qid for qid, c in presented.items() if c}
    for options in _required_options(query):
        if not any(all(i in answered for i in option) for option in options):
            problems.append(Problem("credential-sets", None, f"no presented set satisfies the required options {options}"))
    return problems
