"""Allure glue for the plugin: labels from a check's metadata, evidence as attachments.

Pure mapping (`allure_labels`) plus thin appliers, so the plugin calls one function per test
and allure-pytest does the rest when `--alluredir` is given (a no-op otherwise).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

import allure

from ..scoring import PRINCIPLES

# A MUST not met blocks conformance; Allure's severities are only for sorting its UI.
SEVERITY_BY_LEVEL: dict[str, str] = {"MUST": "critical", "SHOULD": "normal", "MAY": "minor"}


def allure_labels(meta: Mapping[str, Any], vendor: str | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs: epic = role, feature = protocol, story = check id, tags = principles."""
    labels = [
        ("epic", str(meta.get("role", ""))),
        ("feature", str(meta.get("protocol", ""))),
        ("story", str(meta.get("id") or meta.get("check", ""))),
        ("severity", SEVERITY_BY_LEVEL.get(str(meta.get("level", "MUST")), "normal")),
    ]
    labels += [("tag", f"{p} {PRINCIPLES.get(p, '')}".strip()) for p in meta.get("principles", [])]
    labels += [("tag", f"profile:{p}") for p in meta.get("profiles", [])]
    if vendor:
        labels.append(("suite", vendor))
    return labels


def apply_allure_labels(meta: Mapping[str, Any], vendor: str | None = None) -> None:
    for name, value in allure_labels(meta, vendor):
        allure.dynamic.label(name, value)
    if meta.get("spec"):
        allure.dynamic.link(str(meta["spec"]), name="spec")


def attach_exchanges(exchanges: Iterable[Mapping[str, Any]]) -> None:
    """Attach recorded (already redacted) HTTP exchanges, one JSON attachment each."""
    for index, exchange in enumerate(exchanges, start=1):
        name = f"{index}. {exchange.get('method', '')} {exchange.get('url', '')} -> {exchange.get('status')}"
        allure.attach(json.dumps(dict(exchange), indent=2, ensure_ascii=False, default=str), name=name,
                      attachment_type=allure.attachment_type.JSON)
