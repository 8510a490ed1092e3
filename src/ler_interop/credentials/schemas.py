"""Open Badges 3.0 and CLR 2.0 profile checks: JSON Schema + semantic rules, as Findings.

`check_ob3` / `check_clr2` validate against the suite's own Draft 2020-12 schemas (package
data in ler_interop/schemas/, written from the 1EdTech data models) and then apply the rules
in obv3.py. A schema error becomes `Finding(rule, path, message)` where `path` is the JSON
path of the offending value (for a missing property: where it should be) and `rule` is
`<profile>.<class>.<property>.<required|invalid>`, the class being the schema `$defs` entry
the error came from, e.g. `ob3.achievement.criteria.required`.

`check_all` dispatches by type and adds the VCDM 2.0 findings (datamodel.py).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Literal
from urllib.parse import urljoin

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource

from . import datamodel, obv3
from .datamodel import as_list, child, rebase, types_of
from .findings import Finding

Profile = Literal["ob3", "clr2"]

OB3_SCHEMA = "ob_v3p0_achievementcredential.json"
CLR2_SCHEMA = "clr_v2p0_clrcredential.json"
OB3_TYPES = ("OpenBadgeCredential", "AchievementCredential")
CLR2_TYPES = ("ClrCredential",)
_MAX_MESSAGE = 300


def detect_profile(doc: Any) -> Profile | None:
    """Which 1EdTech profile a credential claims, by its `type`."""
    kinds = types_of(doc)
    if any(t in kinds for t in CLR2_TYPES):
        return "clr2"
    if any(t in kinds for t in OB3_TYPES):
        return "ob3"
    return None


def check_ob3(doc: Any) -> list[Finding]:
    """OB 3.0 AchievementCredential: schema findings then semantic findings."""
    if not isinstance(doc, dict):
        return [Finding("ob3.document.object", "$", "an AchievementCredential must be a JSON object")]
    return _schema_findings(doc, OB3_SCHEMA, "ob3") + obv3.ob3_semantics(doc)


def check_clr2(doc: Any) -> list[Finding]:
    """CLR 2.0 ClrCredential, and each bundled OB 3.0 credential (paths point inside)."""
    if not isinstance(doc, dict):
        return [Finding("clr2.document.object", "$", "a ClrCredential must be a JSON object")]
    out = _schema_findings(doc, CLR2_SCHEMA, "clr2") + obv3.clr2_semantics(doc)
    for path, vc in bundled_credentials(doc):
        if detect_profile(vc) == "ob3":
            out += rebase(check_ob3(vc), path)
    return out


def check_all(doc: Any) -> list[Finding]:
    """VCDM 2.0 findings plus those of the profile the document claims (if any).

    A presentation is checked as one, and each credential it carries against its profile.
    A CLR's bundled credentials are checked as VCDM 2.0 credentials too.
    """
    if "VerifiablePresentation" in types_of(doc):
        out = datamodel.check_presentation(doc)
        items = doc.get("verifiableCredential")
        for i, vc in enumerate(as_list(items) if items is not None else []):
            path = child("$.verifiableCredential", i) if isinstance(items, list) else "$.verifiableCredential"
            out += rebase(_profile_findings(vc), path)
        return out
    out = datamodel.check_credential(doc) + _profile_findings(doc)
    if detect_profile(doc) == "clr2":
        for path, vc in bundled_credentials(doc):
            out += rebase(datamodel.check_credential(vc), path)
    return out


def bundled_credentials(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(path, credential) for each object in `credentialSubject.verifiableCredential`."""
    subject = doc.get("credentialSubject")
    items = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if not isinstance(items, list):
        return []
    base = "$.credentialSubject.verifiableCredential"
    return [(child(base, i), vc) for i, vc in enumerate(items) if isinstance(vc, dict)]


def _profile_findings(doc: Any) -> list[Finding]:
    profile = detect_profile(doc)
    if profile == "clr2":
        return check_clr2(doc)
    if profile == "ob3":
        return check_ob3(doc)
    return []


# ---- schema machinery ----------------------------------------------------------------------

@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """A bundled schema by file name (package data, never fetched)."""
    text = resources.files("ler_interop.schemas").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _registry() -> Registry:
    # Both schemas under their $id, so the CLR schema's references to OB classes resolve
    # offline; there is no retrieve hook, so an unknown $ref fails instead of downloading.
    schemas = [load_schema(OB3_SCHEMA), load_schema(CLR2_SCHEMA)]
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)


@lru_cache(maxsize=None)
def _validator(name: str) -> Draft202012Validator:
    # The bundled schemas are checked against the 2020-12 metaschema by tests/test_schemas.py,
    # not here: that check alone cost `verify` 160 ms per process (the test does it once).
    return Draft202012Validator(load_schema(name), registry=_registry())


def _schema_findings(doc: dict[str, Any], schema_name: str, profile: str) -> list[Finding]:
    errors = sorted(_validator(schema_name).iter_errors(doc), key=lambda e: list(e.absolute_path))
    out: list[Finding] = []
    seen: set[tuple] = set()
    for error in errors:
        if error.validator == "required":
            # jsonschema raises one `required` error per missing property, each carrying the
            # whole list and none naming its property: one site gives one finding per property.
            site = (tuple(error.absolute_path), tuple(error.absolute_schema_path))
            if site in seen:
                continue
            seen.add(site)
        out += _to_findings(error, load_schema(schema_name), profile)
    return out


def _to_findings(error: ValidationError, root: dict[str, Any], profile: str) -> list[Finding]:
    try:
        cls, prop, kind = _origin(error, root)
    except (KeyError, IndexError, TypeError):  # a schema shape _origin does not know: still report
        cls, prop, kind = "document", None, None
    path = "$"
    for key in error.absolute_path:
        path = child(path, key)
    if error.validator == "required":
        missing = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        return [Finding(f"{profile}.{cls}.{name}.required", child(path, name) if name else path,
                        f"{name} is required on {cls[0].upper() + cls[1:]}") for name in missing or [prop]]
    message = _describe(error, kind)
    if error.context:  # anyOf/oneOf: say which alternative came closest
        # An alternative of the wrong JSON type is the least informative answer.
        informative = [e for e in error.context if e.validator != "type" or e.path]
        closest = best_match(informative or error.context)
        if closest is not None:
            message = f"{_shown(error.instance)} matches none of the allowed shapes; closest: {_describe(closest, None)}"
    return [Finding(f"{profile}.{cls}.{prop or 'value'}.invalid", path, _trim(message))]


def _origin(error: ValidationError, root: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """(class, property, last $defs entry) of the schema location that failed."""
    node: Any = root
    base = root["$id"]
    cls, prop, previous, kind = root.get("title", "document"), None, None, None
    referrer: tuple[str, str | None] = (cls, None)
    for segment in error.absolute_schema_path:
        # jsonschema leaves `$ref` out of schema paths: follow it when the next segment is
        # not in the referring node (also accept an explicit `$ref` segment).
        while isinstance(node, dict) and "$ref" in node and (segment == "$ref" or segment not in node):
            kind = node["$ref"].rsplit("/", 1)[-1]
            base, node, title = _resolve(base, node["$ref"])
            if title:  # entered a class: properties from here on are its own
                referrer, cls, prop = (cls, prop), title, None
        if segment == "$ref":
            continue
        if previous == "properties":
            prop = "context" if segment == "@context" else str(segment)
        node = node[segment]
        previous = segment
    # The class value itself is wrong (not an object, say): name the property that holds it.
    # A missing property, though, belongs to the class that requires it.
    if prop is None and referrer[1] is not None and error.validator != "required":
        cls, prop = referrer
    return cls[0].lower() + cls[1:], prop, kind


def _resolve(base: str, ref: str) -> tuple[str, Any, str | None]:
    """(document id, schema node, class title or None) that `ref` points to from `base`."""
    target, _, pointer = urljoin(base, ref).partition("#")
    node: Any = _registry().contents(target)
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    return target, node, node.get("title") if isinstance(node, dict) else None


def _describe(error: ValidationError, kind: str | None) -> str:
    """The error in words; a regex is replaced by what it stands for."""
    if error.validator != "pattern":
        return error.message
    what = error.schema.get("description") if isinstance(error.schema, dict) else None
    return f"{_shown(error.instance)} is not {what or 'a valid ' + (kind or 'value')}"


def _shown(instance: Any) -> str:
    value = json.dumps(instance, ensure_ascii=False)
    return value if len(value) <= 60 else value[:57] + "..."


def _trim(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 3] + "..."
