"""The selective-disclosure primitives of Data Integrity ECDSA Cryptosuites v1.0 §3.4
"Selective Disclosure Functions" (https://www.w3.org/TR/vc-di-ecdsa/#selective-disclosure-functions):
JSON pointer selection (selectJsonLd), skolemization, label-replacement canonicalization and
canonicalizeAndGroup.

Blank nodes are carried as RDF terms (canon.py's tuples), not re-parsed from N-Quads text:
skolem IRIs are turned back into blank nodes term by term (deskolemizeNQuads), and the
label maps name blank nodes without their `_:` prefix, as the spec's maps do.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld as pyld_jsonld

from .canon import Quad, canonical_labels, quads_from_dataset, serialize_quad
from .findings import Finding
from .jsonld import JsonLdError, OfflineLoader, default_loader, expand_safely, to_dataset_checked
from .keys import b64url_decode, b64url_encode

# canonicalIdMap (input blank node id -> "c14nN") -> label map (input blank node id -> new label)
LabelMapFactory = Callable[[dict[str, str]], dict[str, str]]
_UNSET = object()  # a hole in a selected array (JavaScript's `undefined`), removed at the end


class SelectionError(ValueError):
    """A JSON pointer does not match the document (PROOF_GENERATION_ERROR in the spec)."""


class LabelMapError(ValueError):
    """A canonical blank node has no entry in the label map the proof carries."""


# -- label maps (§3.4.3 createLabelMapFunction, §3.4.4 createHmacIdLabelMapFunction) ----
def hmac_label_map_factory(hmac_key: bytes) -> LabelMapFactory:
    """Each canonical label ("c14n0") becomes "u" + base64url(HMAC-SHA-256(key, label))."""
    def factory(canonical_id_map: dict[str, str]) -> dict[str, str]:
        return {node: "u" + b64url_encode(hmac.new(hmac_key, label.encode("utf-8"), hashlib.sha256).digest())
                for node, label in canonical_id_map.items()}
    return factory


def label_map_factory(label_map: dict[str, str]) -> LabelMapFactory:
    """The verifier's: canonical label -> the label the issuer signed (from the derived proof)."""
    def factory(canonical_id_map: dict[str, str]) -> dict[str, str]:
        out = {}
        for node, label in canonical_id_map.items():
            if label not in label_map:
                raise LabelMapError(f"the proof's label map has no entry for blank node _:{label}")
            out[node] = label_map[label]
        return out
    return factory


def compress_label_map(label_map: dict[str, str]) -> dict[int, bytes]:
    """§3.5.5 compressLabelMap: "c14nN" -> N, "u<base64url>" -> bytes."""
    return {int(k.removeprefix("c14n")): b64url_decode(v[1:]) for k, v in label_map.items()}


def decompress_label_map(compressed: dict[int, bytes]) -> dict[str, str]:
    """§3.5.6 decompressLabelMap."""
    return {f"c14n{k}": "u" + b64url_encode(v) for k, v in compressed.items()}


# -- canonical N-Quads with replaced labels (§3.4.1 / §3.4.2) ---------------------------
def _strip(node: str) -> str:
    return node[2:] if node.startswith("_:") else node


def relabel(quads: list[Quad], label_map: dict[str, str]) -> list[str]:
    """§3.4.10 relabelBlankNodes: each quad as an N-Quad string with its blank nodes renamed."""
    def label(node: str) -> str:
        try:
            return "_:" + label_map[_strip(node)]
        except KeyError:
            raise LabelMapError(f"blank node {node} has no label") from None
    return [serialize_quad(q, label) for q in quads]


def label_replacement_canonicalize(quads: list[Quad], factory: LabelMapFactory) -> tuple[list[str], dict[str, str]]:
    """§3.4.1 labelReplacementCanonicalizeNQuads: (sorted relabeled N-Quads, label map)."""
    canonical = {_strip(k): _strip(v) for k, v in canonical_labels(quads).items()}
    label_map = factory(canonical)
    return sorted(relabel(quads, label_map)), label_map


def document_quads(document: Any, loader: OfflineLoader) -> tuple[list[Quad], list[Finding]]:
    """JSON-LD -> RDF quads (with the safe-mode findings of the expansion)."""
    expanded, findings = expand_safely(document, loader)
    dataset, direction_findings = to_dataset_checked(expanded, loader.rdf_direction, document)
    return quads_from_dataset(dataset), findings + direction_findings


# -- JSON pointers and selection (§3.4.12 - §3.4.15) ------------------------------------
def json_pointer_paths(pointer: str) -> list[str | int]:
    """§3.4.12 jsonPointerToPaths (RFC 6901)."""
    if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
        raise SelectionError(f"{pointer!r} is not a JSON pointer")
    paths: list[str | int] = []
    for part in pointer.split("/")[1:]:
        if "~" in part:
            paths.append(part.replace("~1", "/").replace("~0", "~"))
        else:
            paths.append(int(part) if part.isdigit() else part)
    return paths


def _initial_selection(source: dict[str, Any]) -> dict[str, Any]:
    """§3.4.13 createInitialSelection: non-blank `id` and `type` of every node on a path."""
    selection: dict[str, Any] = {}
    node_id = source.get("id")
    if isinstance(node_id, str) and not node_id.startswith("_:"):
        selection["id"] = node_id
    if "type" in source:
        selection["type"] = copy.deepcopy(source["type"])
    return selection


def _child(container: Any, path: str | int, pointer: str) -> Any:
    if isinstance(container, list):
        if isinstance(path, int) and 0 <= path < len(container):
            return container[path]
    elif isinstance(container, dict) and str(path) in container:
        return container[str(path)]
    raise SelectionError(f"JSON pointer {pointer!r} does not match the document")


def _get(selected: Any, path: str | int) -> Any:
    if isinstance(selected, list):
        return selected[path] if isinstance(path, int) and path < len(selected) else _UNSET
    return selected.get(str(path), _UNSET)


def _set(selected: Any, path: str | int, value: Any) -> None:
    if isinstance(selected, list):
        assert isinstance(path, int)
        selected.extend([_UNSET] * (path + 1 - len(selected)))
        selected[path] = value
    else:
        selected[str(path)] = value


def _select_paths(document: Any, paths: list[str | int], selection: dict, arrays: list[list], pointer: str) -> None:
    """§3.4.14 selectPaths."""
    value: Any = document
    selected_parent: Any = selection
    selected_value: Any = selection
    for path in paths:
        selected_parent = selected_value
        value = _child(value, path, pointer)
        selected_value = _get(selected_parent, path)
        if selected_value is _UNSET:
            if isinstance(value, list):
                selected_value = []
                arrays.append(selected_value)
            elif isinstance(value, dict):
                selected_value = _initial_selection(value)
            else:
                selected_value = {}
            _set(selected_parent, path, selected_value)
    if isinstance(value, dict):
        selected_value = {**selected_value, **copy.deepcopy(value)} if isinstance(selected_value, dict) \
            else copy.deepcopy(value)
    else:
        selected_value = copy.deepcopy(value)
    if not paths:  # the empty pointer selects the whole document
        selection.update(copy.deepcopy(document))
        return
    _set(selected_parent, paths[-1], selected_value)


def select_json_ld(pointers: list[str], document: dict[str, Any]) -> dict[str, Any] | None:
    """§3.4.15 selectJsonLd: the part of a compact document the pointers reach, with the `id`
    and `type` of every node on the way (null when nothing is selected)."""
    if not pointers:
        return None
    arrays: list[list] = []
    selection = {"@context": copy.deepcopy(document["@context"])} if "@context" in document else {}
    selection.update(_initial_selection(document))
    for pointer in pointers:
        _select_paths(document, json_pointer_paths(pointer), selection, arrays, pointer)
    for array in arrays:
        array[:] = [item for item in array if item is not _UNSET]
    return selection


# -- skolemization (§3.4.7 - §3.4.9) ----------------------------------------------------
class _Skolemizer:
    """Names every node object with an IRI under a per-run random prefix, so selections of the
    compact document keep their nodes' identity; `deskolemize` turns exactly those back."""

    def __init__(self) -> None:
        self.prefix = f"urn:bnid:{secrets.token_hex(8)}_"
        self.count = 0

    def expanded(self, items: list[Any]) -> list[Any]:
        """§3.4.7 skolemizeExpandedJsonLd."""
        out = []
        for element in items:
            if not isinstance(element, dict) or "@value" in element:
                out.append(copy.deepcopy(element))
                continue
            node = {key: self.expanded(value) if isinstance(value, list) else self.expanded([value])[0]
                    for key, value in element.items()}
            if "@list" in node or "@set" in node:
                pass  # a list object is not a node: it takes no @id
            elif "@id" not in node:
                node["@id"] = f"{self.prefix}{self.count}"
                self.count += 1
            elif isinstance(node["@id"], str) and node["@id"].startswith("_:"):
                node["@id"] = f"{self.prefix}b{node['@id'][2:]}"
            out.append(node)
        return out

    def deskolemize(self, quads: list[Quad]) -> list[Quad]:
        """§3.4.6 deskolemizeNQuads, on terms."""
        def term(t: Any) -> Any:
            if t is not None and t[0] == "I" and t[1].startswith(self.prefix):
                return ("B", "_:" + t[1][len(self.prefix):])
            return t
        return [(term(s), p, term(o), term(g)) for s, p, o, g in quads]


# -- canonicalizeAndGroup (§3.4.17) -----------------------------------------------------
@dataclass
class Group:
    matching: dict[int, str] = field(default_factory=dict)
    non_matching: dict[int, str] = field(default_factory=dict)
    deskolemized_quads: list[Quad] = field(default_factory=list)


@dataclass
class Grouped:
    nquads: list[str]
    label_map: dict[str, str]
    groups: dict[str, Group]
    findings: list[Finding]


def _dataset_of_expanded(expanded: list, loader: OfflineLoader) -> list[Quad]:
    dataset, _ = to_dataset_checked(expanded, loader.rdf_direction)
    return quads_from_dataset(dataset)


def canonicalize_and_group(document: dict[str, Any], factory: LabelMapFactory,
                           group_definitions: dict[str, list[str]],
                           loader: OfflineLoader | None = None) -> Grouped:
    """Canonical N-Quads of `document` (labels from `factory`) and, per named group of JSON
    pointers, which of them the selection produces (matching) and which not.

    Raises SelectionError, LabelMapError, jsonld.ContextError / JsonLdError."""
    loader = loader or default_loader()
    if "@context" not in document:
        raise JsonLdError("an ecdsa-sd-2023 document needs an @context")
    expanded, findings = expand_safely(document, loader)
    skolem = _Skolemizer()
    skolemized_expanded = skolem.expanded(expanded)
    try:
        compact = pyld_jsonld.compact(skolemized_expanded, {"@context": document["@context"]},
                                      loader.pyld_options())
    except pyld_jsonld.JsonLdError as exc:
        raise JsonLdError(f"cannot compact the skolemized document: {exc}") from None
    quads = skolem.deskolemize(_dataset_of_expanded(skolemized_expanded, loader))
    nquads, label_map = label_replacement_canonicalize(quads, factory)
    groups: dict[str, Group] = {}
    for name, pointers in group_definitions.items():
        selection = select_json_ld(pointers, compact)
        group = Group()
        if selection is not None:
            selected_expanded, _ = expand_safely(selection, loader)
            group.deskolemized_quads = skolem.deskolemize(_dataset_of_expanded(selected_expanded, loader))
        selected = set(relabel(group.deskolemized_quads, label_map))
        for index, nq in enumerate(nquads):
            (group.matching if nq in selected else group.non_matching)[index] = nq
        groups[name] = group
    return Grouped(nquads, label_map, groups, findings)
