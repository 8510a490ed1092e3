"""Offline JSON-LD: the bundled-context document loader and "safe mode" expansion.

Contexts come only from the bundle (src/ler_interop/contexts/index.json) or from contexts
the caller hands in (the CLI's `--context URL=FILE`). A context outside both raises
`ContextError`, which callers report as a finding: the suite never downloads a context
(DESIGN §6).

pyld has no safe mode (https://www.w3.org/TR/vc-data-model-2.0/#securing-mechanism-specifications
asks securing mechanisms to reject documents whose terms do not all expand), so
`expand_safely` runs pyld's expansion with a thin subclass that tracks the JSON path of each
node and records every property the expansion dropped and every relative `@id`/`@type`
(those produce no triple, so a signature would not cover them).
pyld is pinned (3.3.0); the subclass hooks `_expand`, `_expand_object` and `_expand_value`.

Base direction: `{"@value", "@language", "@direction"}` objects reach the RDF dataset only
when toRdf is given `rdfDirection` (JSON-LD 1.1 API §8.6 and "The i18n Namespace",
https://www.w3.org/TR/json-ld11/#the-i18n-namespace). Deployed Data Integrity
implementations (Digital Bazaar's eddsa-rdfc-2022 / ecdsa-rdfc-2019 cryptosuites) pass
`rdfDirection: 'i18n-datatype'`, which turns `"x"@ar` + rtl into `"x"^^<https://www.w3.org/ns/i18n#ar_rtl>`;
so does `to_dataset`. pyld 3.3 implements that option correctly (language lower-cased at
expansion, as jsonld.js does). A direction that still does not reach the dataset (a number
or boolean `@value`, or a loader configured without `rdfDirection`) is a finding: VC Data
Integrity 1.0 "Securing Data Losslessly" makes any data a JSON-LD processor drops an error.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from cachetools import LRUCache
from pyld import jsonld as pyld_jsonld
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from .findings import Finding

# Rule ids of safe-mode findings (stable: checks and reports match on them).
RULE_UNKNOWN_CONTEXT = "jsonld.context.unknown"
RULE_DROPPED_TERM = "jsonld.safe-mode.dropped-term"
RULE_RELATIVE_ID = "jsonld.safe-mode.relative-id"
RULE_RELATIVE_TYPE = "jsonld.safe-mode.relative-type"
RULE_INVALID = "jsonld.invalid"
RULE_DROPPED_DIRECTION = "jsonld.safe-mode.dropped-direction"

# How toRdf represents @direction: what deployed rdfc cryptosuites use (module docstring).
RDF_DIRECTION = "i18n-datatype"
I18N_NAMESPACE = "https://www.w3.org/ns/i18n#"

# JSON-LD 1.1 §9.2 (https://www.w3.org/TR/json-ld11/#iris): an absolute IRI has a scheme.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_PLAIN_KEY = re.compile(r"^[A-Za-z_@][A-Za-z0-9_@\-]*$")
# How many processed-context entries one loader keeps (URL contexts + scoped contexts).
_RESOLVED_CACHE_SIZE = 512
_PROCESSED_CACHE_SIZE = 2048


class ContextError(Exception):
    """A context URL that is neither bundled nor supplied by the caller."""

    def __init__(self, url: str, message: str | None = None):
        self.url = url
        super().__init__(message or f"unknown JSON-LD context {url!r} (not bundled; contexts are never downloaded)")

    def to_finding(self, path: str = "$['@context']") -> Finding:
        return Finding(RULE_UNKNOWN_CONTEXT, path, str(self))


class JsonLdError(Exception):
    """The document is not valid JSON-LD (pyld refused it)."""


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, str]]:
    text = resources.files("ler_interop").joinpath("contexts/index.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _bundled_document(file: str) -> Any:
    text = resources.files("ler_interop").joinpath("contexts", file).read_text("utf-8")
    return json.loads(text)


def bundled_context(url: str) -> Any:
    """The parsed bundled context for `url`; `ContextError` when it is not bundled."""
    entry = _index().get(url)
    if entry is None:
        raise ContextError(url)
    return _bundled_document(entry["file"])


class _OfflineContextResolver(ContextResolver):
    """pyld's resolver, refusing a relative context reference before pyld resolves it.

    With no base IRI (`base: None`, below), pyld's IRI resolver raises a bare ValueError
    for `"@context": ""` or `"https2//…"`; a context that names no bundled URL is the same
    finding as an unknown one (JSON-LD 1.1 API §4.1.2 step 5.2: a context reference is an
    IRI resolved against the base, and a document without one cannot be loaded).
    """

    def _resolve_remote_context(self, active_ctx, url, base, cycles):
        if not _ABSOLUTE_IRI.match(url):
            raise ContextError(url, f"relative JSON-LD context reference {url!r} (no base IRI; "
                                    "contexts are never downloaded)")
        return super()._resolve_remote_context(active_ctx, url, base, cycles)


class OfflineLoader:
    """A pyld document loader that serves bundled (and caller-supplied) contexts only.

    Results carry `'tag': 'static'`: pyld caches a context's processed form only for tagged
    results, which is what makes repeated verification fast. Each loader owns its cache, so
    a caller-supplied context can never leak into another loader's results.
    """

    def __init__(self, extra_contexts: Mapping[str, Any] | None = None, *,
                 rdf_direction: str | None = RDF_DIRECTION):
        self.extra_contexts: dict[str, Any] = dict(extra_contexts or {})
        # toRdf's `rdfDirection`; None only to reproduce direction-blind processors (a fault).
        self.rdf_direction = rdf_direction
        self._resolved_cache: LRUCache = LRUCache(maxsize=_RESOLVED_CACHE_SIZE)
        # (active context id, local context key, flags) -> processed active context; see
        # _SafeModeProcessor._process_context.
        self.processed_contexts: LRUCache = LRUCache(maxsize=_PROCESSED_CACHE_SIZE)

    def knows(self, url: str) -> bool:
        return url in self.extra_contexts or url in _index()

    def document(self, url: str) -> Any:
        if url in self.extra_contexts:
            return self.extra_contexts[url]
        return bundled_context(url)

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
        doc = self.document(url)
        # pyld may add keys to what it gets; hand it a copy so the bundle stays pristine.
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(doc),
            "tag": "static",
        }

    def pyld_options(self) -> dict[str, Any]:
        """Options for any pyld call: this loader, its shared context cache, and no base.

        `base: None` keeps relative IRIs relative instead of resolving them against pyld's
        default `http://example.org/base/` (DESIGN §4), so they are caught as findings.
        """
        return {
            "documentLoader": self,
            "contextResolver": _OfflineContextResolver(self._resolved_cache, self),
            "base": None,
            "processingMode": "json-ld-1.1",
        }


@lru_cache(maxsize=1)
def default_loader() -> OfflineLoader:
    """The process-wide loader over the bundled contexts (its context cache is shared)."""
    return OfflineLoader()


def loader_with(extra_contexts: Mapping[str, Any] | None) -> OfflineLoader:
    return OfflineLoader(extra_contexts) if extra_contexts else default_loader()


def _context_error_in(exc: BaseException) -> ContextError | None:
    """pyld wraps loader errors in its own; find ours in the cause chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ContextError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _child_path(parent: str, key: str) -> str:
    return f"{parent}.{key}" if _PLAIN_KEY.match(key) else f"{parent}[{json.dumps(key)}]"


class _ActiveContext(dict):
    """An active context whose `@vocab` may be removed when it has none.

    JSON-LD 1.1 API §4.1.2 step 5.8.2: "If value is null, remove any vocabulary mapping from
    result" (a no-op when there is none). pyld does `del rval['@vocab']`, a KeyError for a
    context that sets `"@vocab": null` without an inherited @vocab.
    """

    def __delitem__(self, key):
        if key == "@vocab" and key not in self:
            return
        super().__delitem__(key)


class _SafeModeProcessor(pyld_jsonld.JsonLdProcessor):
    """pyld's processor plus the bookkeeping safe mode needs: JSON paths and findings."""

    def _clone_active_context(self, active_ctx):
        # Every context pyld modifies is first cloned here (see _ActiveContext).
        return _ActiveContext(super()._clone_active_context(active_ctx))

    def __init__(self) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self.findings: list[Finding] = []
        # (element, JSON path) of the values being expanded, innermost last.
        self._stack: list[tuple[Any, str]] = []
        # (active context, element, path, keys already reported) of the node being expanded.
        self._nodes: list[tuple[dict, dict, str, set[str]]] = []

    def _process_context(self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                         validate_scoped=True, cycles=None):
        """Memoized context processing: the speed of verification.

        pyld caches a processed context per (resolved context, active context), but a
        type-scoped context (`@propagate: false`, which OB 3.0 and VC 2.0 use for every type)
        is processed onto a fresh clone each time, so it misses that cache and every typed
        node re-processes its scoped context (~60% of a verify). Active contexts are
        immutable once they carry a `_uuid`, and scoped contexts are objects held by cached
        term definitions, so (uuid, context identity, flags) names the result exactly.
        """
        memo = getattr(options.get("documentLoader"), "processed_contexts", None)
        uuid = active_ctx.get("_uuid")
        if memo is None or uuid is None:
            return super()._process_context(active_ctx, local_ctx, options, override_protected, propagate,
                                             validate_scoped, cycles)
        key = (uuid, _context_key(local_ctx), override_protected, propagate, validate_scoped)
        try:
            hit = memo.get(key)
        except KeyError:  # cachetools is not thread-safe; a concurrent eviction is just a miss
            hit = None
        if hit is not None:
            return hit[0]
        result = super()._process_context(active_ctx, local_ctx, options, override_protected, propagate,
                                          validate_scoped, cycles)
        try:
            # Keep local_ctx alive with the entry so the id() in the key cannot be reused.
            memo[key] = (result, local_ctx)
        except KeyError:
            pass
        return result

    def _expand(self, active_ctx, active_property, element, options, *args, **kwargs):
        if not self._stack:
            path = "$"
        else:
            parent, parent_path = self._stack[-1]
            if isinstance(parent, list):
                index = next((i for i, item in enumerate(parent) if item is element), None)
                path = f"{parent_path}[{index}]" if index is not None else parent_path
            elif isinstance(active_property, str) and active_property not in ("@list", "@set"):
                path = _child_path(parent_path, active_property)
            else:
                path = parent_path
        self._stack.append((element, path))
        try:
            return super()._expand(active_ctx, active_property, element, options, *args, **kwargs)
        finally:
            self._stack.pop()

    def _expand_object(self, active_ctx, active_property, expanded_active_property, element,
                       expanded_parent, options, *args, **kwargs):
        path = self._stack[-1][1] if self._stack else "$"
        self._nodes.append((active_ctx, element, path, set()))
        try:
            super()._expand_object(active_ctx, active_property, expanded_active_property, element,
                                   expanded_parent, options, *args, **kwargs)
        finally:
            self._nodes.pop()
        node_id = expanded_parent.get("@id")
        if isinstance(node_id, str) and not _is_absolute_or_blank(node_id):
            self.findings.append(Finding(
                RULE_RELATIVE_ID, _child_path(path, "id"),
                f"@id {node_id!r} is a relative IRI: it produces no triple, so no proof covers it"))
        types = expanded_parent.get("@type")
        for value in types if isinstance(types, list) else [types] if types else []:
            if isinstance(value, str) and not _is_absolute_or_blank(value) and value != "@json":
                self.findings.append(Finding(
                    RULE_RELATIVE_TYPE, _child_path(path, "type"),
                    f"type {value!r} does not expand to an absolute IRI (no term, no @vocab)"))

    def _expand_value(self, active_ctx, active_property, value, options):
        result = super()._expand_value(active_ctx, active_property, value, options)
        if isinstance(result, dict) and isinstance(result.get("@id"), str) \
                and not _is_absolute_or_blank(result["@id"]):
            path = self._stack[-1][1] if self._stack else "$"
            self.findings.append(Finding(
                RULE_RELATIVE_ID, path,
                f"IRI value {result['@id']!r} is relative: it produces no triple, so no proof covers it"))
        return result

    def _dropped(self, expanded_property: str | None) -> None:
        if not self._nodes:
            self.findings.append(Finding(RULE_DROPPED_TERM, "$", f"property {expanded_property!r} dropped"))
            return
        active_ctx, element, path, reported = self._nodes[-1]
        # pyld reports the expansion, not the key; find the (sorted, first unreported) key
        # that expands to it, in the order pyld walks the keys.
        key = next(
            (k for k in sorted(element) if k != "@context" and k not in reported
             and self._expand_iri(active_ctx, k, vocab=True) == expanded_property),
            expanded_property or "?",
        )
        reported.add(key)
        self.findings.append(Finding(
            RULE_DROPPED_TERM, _child_path(path, key),
            f"property {key!r} is not defined by any context (it would be silently dropped, "
            "so no proof covers it)"))


def _context_key(local_ctx: Any) -> Any:
    """A hashable name for a local context: URLs by value, objects by identity."""
    if isinstance(local_ctx, str) or local_ctx is None:
        return local_ctx
    if isinstance(local_ctx, list):
        return tuple(_context_key(item) for item in local_ctx)
    return ("object", id(local_ctx))


def _is_absolute_or_blank(iri: str) -> bool:
    return iri.startswith("_:") or bool(_ABSOLUTE_IRI.match(iri))


def expand_safely(document: Any, loader: OfflineLoader | None = None) -> tuple[list, list[Finding]]:
    """Expand `document`; return the expanded form and the safe-mode findings.

    Raises `ContextError` for an unknown context and `JsonLdError` for invalid JSON-LD.
    """
    loader = loader or default_loader()
    processor = _SafeModeProcessor()
    try:
        expanded = processor.expand(document, loader.pyld_options())
    except pyld_jsonld.JsonLdError as exc:
        context_error = _context_error_in(exc)
        if context_error is not None:
            raise context_error from None
        raise JsonLdError(_describe(exc)) from exc
    return expanded, processor.findings


def _describe(exc: pyld_jsonld.JsonLdError) -> str:
    parts = []
    seen: BaseException | None = exc
    while seen is not None and len(parts) < 4:
        code = getattr(seen, "code", None)
        parts.append(f"{seen.args[0] if seen.args else seen}" + (f" ({code})" if code else ""))
        seen = seen.__cause__
    return "; ".join(parts)


def safe_mode_findings(document: Any, loader: OfflineLoader | None = None) -> list[Finding]:
    """Everything a JSON-LD safe mode rejects, each naming a rule and a JSON path.

    Unknown contexts and invalid JSON-LD are findings here too (never exceptions).
    """
    try:
        _, findings = expand_safely(document, loader)
    except ContextError as exc:
        return [exc.to_finding()]
    except JsonLdError as exc:
        return [Finding(RULE_INVALID, "$", str(exc))]
    return findings


class _RdfProcessor(pyld_jsonld.JsonLdProcessor):
    """pyld's toRdf, noting every value whose `@direction` did not reach the dataset."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped_directions: list[dict] = []

    def _object_to_rdf(self, item, issuer, triples, options):
        result = super()._object_to_rdf(item, issuer, triples, options)
        if isinstance(item, dict) and "@direction" in item and "@value" in item:
            datatype = (result or {}).get("datatype") or ""
            if not datatype.startswith(I18N_NAMESPACE):
                self.dropped_directions.append(item)
        return result


def to_dataset(expanded: list, rdf_direction: str | None = RDF_DIRECTION) -> dict[str, list[dict]]:
    """The RDF dataset of an already-expanded document; see `to_dataset_checked`."""
    return to_dataset_checked(expanded, rdf_direction)[0]


def to_dataset_checked(expanded: list, rdf_direction: str | None = RDF_DIRECTION,
                       document: Any = None) -> tuple[dict[str, list[dict]], list[Finding]]:
    """The RDF dataset of an already-expanded document (JSON-LD 1.1 API §6.1 toRdf,
    https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm), without
    re-expanding it as `pyld.jsonld.to_rdf` would, plus a finding for each `@direction` the
    dataset lost (`document`, the unexpanded input, only locates them)."""
    processor = _RdfProcessor()
    issuer = IdentifierIssuer("_:b")
    node_map: dict[str, dict] = {"@default": {}}
    processor._create_node_map(expanded, node_map, "@default", issuer)
    options = {"produceGeneralizedRdf": False, "rdfDirection": rdf_direction, "processingMode": "json-ld-1.1"}
    dataset = {}
    for graph_name, graph in sorted(node_map.items()):
        # Named graphs with relative names produce nothing (toRdf step 1.1).
        if graph_name == "@default" or _is_absolute_or_blank(graph_name):
            dataset[graph_name] = processor._graph_to_rdf(graph, issuer, options)
    findings = [
        Finding(RULE_DROPPED_DIRECTION, _path_of_value(document, item["@value"]),
                f"@direction {item['@direction']!r} of {_preview(item['@value'])} does not reach the signed data "
                + ("(only string values carry a direction in RDF)" if not isinstance(item["@value"], str)
                   else f"(canonicalized without rdfDirection {RDF_DIRECTION!r})"))
        for item in processor.dropped_directions
    ]
    return dataset, findings


def _preview(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _path_of_value(document: Any, value: Any, path: str = "$", depth: int = 0) -> str:
    """The JSON path of the first value object (or string) holding `value`; "$" if none."""
    if depth > 64:
        return "$"
    if isinstance(document, dict):
        if "@value" in document and document["@value"] == value:
            return path
        for key, child in document.items():
            if key != "@context":
                found = _path_of_value(child, value, _child_path(path, key), depth + 1)
                if found != "$":
                    return found
    elif isinstance(document, list):
        for index, child in enumerate(document):
            found = _path_of_value(child, value, f"{path}[{index}]", depth + 1)
            if found != "$":
                return found
    elif isinstance(value, str) and document == value and path != "$":
        return path
    return "$"


# The name other modules use for `loader_with`.
make_loader = loader_with
