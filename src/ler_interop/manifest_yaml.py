"""YAML documents that remember where every value came from, validated by a bundled JSON Schema.

A vendor writes the manifest by hand, so every complaint names FILE:LINE:COL and says what to
do. PyYAML's `compose` keeps a start mark on every node; we walk the node tree beside the
constructed data and index marks by JSON path, then turn each jsonschema error into one line.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Iterable

import jsonschema
import yaml

Path_ = tuple[str | int, ...]


class ManifestError(ValueError):
    """A manifest (or a file it references) is unusable; `lines` holds one message per problem."""

    def __init__(self, lines: Iterable[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))

    def one_line(self, path: object) -> str:
        """The first problem, and how many more `manifest check` would list: for commands whose
        usage errors are one line (`run`, `manifest vendors`)."""
        more = len(self.lines) - 1
        return self.lines[0] + (f" (and {more} more; see `ler-interop manifest check {path}`)" if more else "")


@dataclass
class SourceDoc:
    """Parsed data plus, when it came from text, the line/column of every value and key."""

    source: str
    data: Any
    value_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int] | None:
        """(line, column) of the value (or key) at `path`, else of its nearest marked ancestor."""
        if key and tuple(path) in self.key_marks:
            return self.key_marks[tuple(path)]
        probe = tuple(path)
        while probe and probe not in self.value_marks:
            probe = probe[:-1]
        return self.value_marks.get(probe)

    def where(self, path: Path_, *, key: bool = False) -> str:
        """`FILE:LINE:COL`, or just the source name for data that never was text."""
        mark = self.position(path, key=key)
        return f"{self.source}:{mark[0]}:{mark[1]}" if mark else self.source

    def error(self, path: Path_, message: str, *, key: bool = False) -> str:
        return f"{self.where(path, key=key)}: {dotted(path)}: {message}"


def dotted(path: Path_) -> str:
    """vendors[0].issuer.vc-api — how a person would name the spot."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _index(node: yaml.Node, path: Path_, doc: SourceDoc, problems: list[str]) -> None:
    doc.value_marks[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                # PyYAML silently keeps the last duplicate; a hand-written manifest deserves better.
                problems.append(
                    f"{doc.source}:{_mark(key_node)[0]}:{_mark(key_node)[1]}: {dotted(path)}: "
                    f"duplicate key {key!r} (first given on line {seen[key]}); keep one"
                )
                continue
            seen[key] = _mark(key_node)[0]
            doc.key_marks[path + (key,)] = _mark(key_node)
            _index(value_node, path + (key,), doc, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, path + (i,), doc, problems)


def parse_yaml(text: str, source: str) -> SourceDoc:
    """Parse one YAML document, keeping marks; YAML syntax errors become ManifestError lines."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ManifestError([f"{source}:1:1: the file is empty"])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        raise ManifestError([f"{where}: YAML syntax error: {exc.problem or exc}"]) from None
    finally:
        loader.dispose()
    doc = SourceDoc(source, data)
    problems: list[str] = []
    _index(node, (), doc, problems)
    if problems:
        raise ManifestError(problems)
    return doc


def read_yaml_file(path: Any, source: str | None = None) -> SourceDoc:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise ManifestError([f"{source or path}: cannot read: {exc.strerror or exc}"]) from None
    return parse_yaml(text, source or str(path))


def load_schema(name: str) -> dict[str, Any]:
    return json.loads(resources.files("ler_interop.schemas").joinpath(name).read_text(encoding="utf-8"))


# Friendlier words for the patterns our schemas use (keyed by the pattern string itself).
_PATTERN_HINTS = {
    "^[a-z0-9][a-z0-9-]*$": "must be a slug: lowercase letters, digits and '-', starting with a letter or digit",
    "^https?://[^\\s/?#]+[^\\s]*$": "must be an absolute http(s) URL",
    "^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$": "must be a bare host name (no scheme, port or path)",
    "^[A-Za-z_][A-Za-z0-9_]*$": "must be the NAME of an environment variable (letters, digits, '_'), never the secret itself",
    "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$": "must be a check id such as ISS-VCAPI-004",
}

_ENV_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"

_JSON_TYPES = {dict: "a mapping", list: "a list", str: "a string", bool: "true/false", int: "a number",
               float: "a number", type(None): "empty"}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _describe(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _messages(error: jsonschema.ValidationError) -> list[tuple[Path_, bool, str]]:
    path: Path_ = tuple(error.absolute_path)
    kind, expected, instance, schema = error.validator, error.validator_value, error.instance, error.schema
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        return [
            (path + (k,), True, f"unknown key {k!r}{did_you_mean(k, allowed)} (allowed here: {', '.join(allowed)})")
            for k in extra
        ]
    if kind == "required" and isinstance(instance, dict):
        return [(path, False, f"missing required key {k!r}") for k in expected if k not in instance]
    if kind == "type":
        wanted = expected if isinstance(expected, str) else " or ".join(expected)
        words = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number"}
        return [(path, False, f"expected {words.get(wanted, wanted)}, found {_describe(instance)}")]
    if kind == "pattern":
        hint = _PATTERN_HINTS.get(expected, f"must match {expected}")
        if expected == _ENV_NAME_PATTERN:
            return [(path, False, hint)]  # never echo it: the value may be a pasted secret
        return [(path, False, f"{instance!r} {hint}")]
    if kind == "enum":
        options = ", ".join(map(str, expected))
        return [(path, False, f"{instance!r} is not one of: {options}{did_you_mean(str(instance), map(str, expected))}")]
    if kind == "const" and expected == "none":
        # `auth: <string>`: never echo it (it may be a pasted token)
        return [(path, False, "must be 'none' or a mapping with `type: bearer` or `type: oauth2`")]
    if kind == "const":
        return [(path, False, f"must be {expected!r}, found {instance!r}")]
    if kind == "not" and schema.get("description"):
        return [(path, False, f"{instance!r}: {schema['description']}")]
    if kind == "minItems":
        return [(path, False, f"must list at least {expected} entr{'y' if expected == 1 else 'ies'}")]
    if kind == "uniqueItems":
        return [(path, False, "lists the same entry twice; keep one")]
    if kind in ("minLength", "maxLength"):
        return [(path, False, f"{instance!r} is too {'short' if kind == 'minLength' else 'long'} ({kind} {expected})")]
    return [(path, False, error.message)]


def schema_problems(doc: SourceDoc, schema_name: str) -> list[str]:
    """Every schema violation as one `FILE:LINE:COL: path: message` line, in file order."""
    validator = jsonschema.Draft202012Validator(load_schema(schema_name))
    found: dict[str, tuple[int, int]] = {}
    for error in validator.iter_errors(doc.data):
        for path, key, message in _messages(error):
            line = doc.error(path, message, key=key)
            found.setdefault(line, doc.position(path, key=key) or (0, 0))
    return sorted(found, key=lambda line: found[line])
