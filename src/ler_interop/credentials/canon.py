"""RDF Dataset Canonicalization (RDFC-1.0) and the `canonize` the rdfc cryptosuites use.

https://www.w3.org/TR/rdf-canon/ — written here rather than taken from pyld because pyld 3.3
implements URDNA2015, whose N-Quads escaping differs from RDFC-1.0's canonical N-Quads
(https://www.w3.org/TR/rdf-canon/#canonical-quads): RDFC-1.0 escapes U+0008 and U+000C as
`\\b`/`\\f` and the other control characters as `\\uXXXX`, where pyld writes them raw. The
escaping matters twice: in the output and inside the first-degree hashes that name blank
nodes. pyld still does the JSON-LD -> RDF step (jsonld.py), with `rdfDirection:
'i18n-datatype'` as deployed rdfc cryptosuites do, so `@direction` is signed data.
"""

from __future__ import annotations

import hashlib
import re
from itertools import permutations
from typing import Any, Callable

from .findings import Finding
from .jsonld import OfflineLoader, default_loader, expand_safely, to_dataset_checked

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Bound on Hash N-Degree Quads calls per dataset: RDFC-1.0 §4.4 asks implementations to
# guard against "poison" datasets whose blank-node symmetry makes canonicalization explode
# (https://www.w3.org/TR/rdf-canon/#dataset-poisoning).
DEFAULT_MAX_NDEGREE_CALLS = 2000

# Canonical N-Quads literals (https://www.w3.org/TR/rdf12-n-quads/#canonical-quads, which
# RDFC-1.0 uses): ECHAR for \b \t \n \f \r " \, UCHAR (upper-case hex) for other controls.
_LITERAL_ESCAPES = {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]}
_LITERAL_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                         0x22: '\\"', 0x5C: "\\\\"})
_LITERAL_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')
# Characters an IRIREF cannot hold are written as UCHAR (RDF 1.2 N-Quads, canonical form).
_IRI_ESCAPES = {c: f"\\u{c:04X}" for c in [*range(0x21), *map(ord, '<>"{}|^`\\')]}
_IRI_NEEDS_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class CanonicalizationError(Exception):
    """The dataset could not be canonicalized within the work bound (a poison dataset)."""


def escape_literal(value: str) -> str:
    return value.translate(_LITERAL_ESCAPES) if _LITERAL_NEEDS_ESCAPE.search(value) else value


def escape_iri(value: str) -> str:
    return value.translate(_IRI_ESCAPES) if _IRI_NEEDS_ESCAPE.search(value) else value


# A term is ("I", iri) | ("B", blank node id) | ("L", lexical form, datatype, language).
Term = tuple
Quad = tuple  # (subject Term, predicate IRI, object Term, graph Term | None)


def _term(component: dict[str, Any]) -> Term:
    kind = component["type"]
    if kind == "IRI":
        return ("I", component["value"])
    if kind == "blank node":
        return ("B", component["value"])
    return ("L", component["value"], component.get("datatype") or XSD_STRING, component.get("language"))


def quads_from_dataset(dataset: dict[str, list[dict]]) -> list[Quad]:
    """pyld's dataset shape -> quads of terms."""
    quads = []
    for graph_name, triples in dataset.items():
        if graph_name == "@default":
            graph = None
        elif graph_name.startswith("_:"):
            graph = ("B", graph_name)
        else:
            graph = ("I", graph_name)
        for triple in triples:
            quads.append((_term(triple["subject"]), triple["predicate"]["value"], _term(triple["object"]), graph))
    return quads


def _serialize_term(term: Term, label: Callable[[str], str]) -> str:
    kind = term[0]
    if kind == "I":
        return "<" + escape_iri(term[1]) + ">"
    if kind == "B":
        return label(term[1])
    text = '"' + escape_literal(term[1]) + '"'
    if term[2] == RDF_LANGSTRING:
        return text + ("@" + term[3] if term[3] else "")
    if term[2] != XSD_STRING:
        return text + "^^<" + escape_iri(term[2]) + ">"
    return text


def serialize_quad(quad: Quad, label: Callable[[str], str]) -> str:
    s, p, o, g = quad
    line = _serialize_term(s, label) + " <" + escape_iri(p) + "> " + _serialize_term(o, label)
    if g is not None:
        line += " " + _serialize_term(g, label)
    return line + " .\n"


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Issuer:
    """RDFC-1.0 §4.3 identifier issuer: issues prefix + counter, remembering the order."""

    __slots__ = ("prefix", "issued")

    def __init__(self, prefix: str, issued: dict[str, str] | None = None):
        self.prefix = prefix
        self.issued: dict[str, str] = issued if issued is not None else {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is None:
            found = self.issued[existing] = f"{self.prefix}{len(self.issued)}"
        return found

    def copy(self) -> "_Issuer":
        return _Issuer(self.prefix, dict(self.issued))


class _Rdfc10:
    """The canonicalization algorithm (https://www.w3.org/TR/rdf-canon/#canon-algorithm)."""

    def __init__(self, quads: list[Quad], max_ndegree_calls: int):
        self.quads = quads
        self.canonical = _Issuer("_:c14n")
        self.bnode_quads: dict[str, list[Quad]] = {}
        self.first_degree: dict[str, str] = {}
        self.ndegree_budget = max_ndegree_calls

    def run(self) -> str:
        # §4.4.3 step 2: the blank node to quads map.
        for quad in self.quads:
            s, _, o, g = quad
            for term in (s, o, g):
                if term is not None and term[0] == "B":
                    entries = self.bnode_quads.setdefault(term[1], [])
                    if not entries or entries[-1] is not quad:
                        entries.append(quad)
        # Step 3: first-degree hashes; step 4: nodes with a unique hash are named at once.
        by_hash: dict[str, list[str]] = {}
        for node in self.bnode_quads:
            by_hash.setdefault(self.hash_first_degree(node), []).append(node)
        shared: list[tuple[str, list[str]]] = []
        for hash_, nodes in sorted(by_hash.items()):
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append((hash_, nodes))
        # Step 5: the rest are told apart by their n-degree neighbourhood.
        for _, nodes in shared:
            results = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("_:b")
                temporary.issue(node)
                results.append(self.hash_n_degree(node, temporary))
            for _, issuer in sorted(results, key=lambda r: r[0]):
                for existing in issuer.issued:
                    self.canonical.issue(existing)
        # Step 6: relabel and serialize, in code point order.
        label = self.canonical.issued.__getitem__
        return "".join(sorted(serialize_quad(q, label) for q in self.quads))

    def hash_first_degree(self, node: str) -> str:
        """§4.6 Hash First Degree Quads."""
        cached = self.first_degree.get(node)
        if cached is not None:
            return cached

        def label(other: str) -> str:
            return "_:a" if other == node else "_:z"

        lines = sorted(serialize_quad(q, label) for q in self.bnode_quads[node])
        digest = self.first_degree[node] = _sha256_hex("".join(lines))
        return digest

    def hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """§4.7 Hash Related Blank Node."""
        identifier = (self.canonical.issued.get(related) or issuer.issued.get(related)
                      or self.hash_first_degree(related))
        text = position
        if position != "g":
            text += "<" + quad[1] + ">"
        return _sha256_hex(text + identifier)

    def hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """§4.8 Hash N-Degree Quads."""
        self.ndegree_budget -= 1
        if self.ndegree_budget < 0:
            raise CanonicalizationError("blank node structure too symmetric to canonicalize within bounds")
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.bnode_quads[node]:
            s, _, o, g = quad
            for term, position in ((s, "s"), (o, "o"), (g, "g")):
                if term is not None and term[0] == "B" and term[1] != node:
                    hash_ = self.hash_related(term[1], quad, issuer, position)
                    related_by_hash.setdefault(hash_, []).append(term[1])
        data = []
        for hash_, related_nodes in sorted(related_by_hash.items()):
            data.append(hash_)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in permutations(related_nodes):
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    if related in self.canonical.issued:
                        path += self.canonical.issued[related]
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += issuer_copy.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result_hash, result_issuer = self.hash_n_degree(related, issuer_copy)
                    path += issuer_copy.issue(related) + "<" + result_hash + ">"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path, chosen_issuer = path, issuer_copy
            data.append(chosen_path)
            assert chosen_issuer is not None
            issuer = chosen_issuer
        return _sha256_hex("".join(data)), issuer


def canonicalize_dataset(dataset: dict[str, list[dict]], *,
                         max_ndegree_calls: int = DEFAULT_MAX_NDEGREE_CALLS) -> str:
    """RDFC-1.0 canonical N-Quads of a pyld-shaped RDF dataset."""
    return _Rdfc10(quads_from_dataset(dataset), max_ndegree_calls).run()


def canonical_labels(quads: list[Quad], *, max_ndegree_calls: int = DEFAULT_MAX_NDEGREE_CALLS) -> dict[str, str]:
    """RDFC-1.0's canonical issued identifiers map (input blank node id -> `_:c14nN`), which
    the selective-disclosure suites relabel from (vc-di-ecdsa §3.4 labelReplacementCanonicalizeNQuads)."""
    algorithm = _Rdfc10(quads, max_ndegree_calls)
    algorithm.run()
    return dict(algorithm.canonical.issued)


def canonize_checked(document: Any, loader: OfflineLoader | None = None) -> tuple[str, list[Finding]]:
    """Canonical N-Quads of a JSON-LD document plus its safe-mode findings, in one expansion
    (a `@direction` the dataset cannot carry is one of them: jsonld.to_dataset_checked).

    Raises `jsonld.ContextError` (unknown context), `jsonld.JsonLdError` (invalid JSON-LD),
    `CanonicalizationError` (poison dataset).
    """
    loader = loader or default_loader()
    expanded, findings = expand_safely(document, loader)
    dataset, direction_findings = to_dataset_checked(expanded, loader.rdf_direction, document)
    return canonicalize_dataset(dataset), findings + direction_findings


def canonize(document: Any, loader: OfflineLoader | None = None) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document (offline contexts, `base: None`)."""
    return canonize_checked(document, loader)[0]
