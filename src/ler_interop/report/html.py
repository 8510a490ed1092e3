"""index.html: one self-contained page (inline CSS, SVG and a little JS; no external asset),
readable from file:// by a vendor.

Everything shown comes from the stream and much of it from vendors (messages, URLs, headers,
bodies), so it is hostile text: Jinja autoescaping is on for every value, links are emitted
only for http(s) URLs, and a Content-Security-Policy allows no script but our own (by hash),
so even a missed escape could not run code. Every value shown also passes `neutralise` (Jinja's
finalize): a raw ESC, CR or bidi override from a vendor is shown as a visible escape.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .. import scoring
from ..results import RESULT_DEFAULTS, Stream, count_outcomes
from ..safe_text import neutralise
from .matrix import matrix_grid
from .summary import is_not_declared

TEMPLATES = Path(__file__).parent / "templates"
# Display order: what needs a reader's attention first.
SHOWN_ORDER: tuple[str, ...] = (
    scoring.UNEXPECTED_PASS, "fail", "error", "warn", scoring.EXPECTED_FAIL, "pass", "unsupported", "skip",
)
CHART_BAR_WIDTH = 300


def safe_href(url: Any) -> str | None:
    """The URL if it may become a link (http/https only), else None — never javascript:/data:."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def pretty_body(body: Any) -> str:
    """Indent a JSON body for reading; anything else is shown as recorded."""
    if not isinstance(body, str) or not body:
        return "" if body is None else str(body)
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # hand-made or merged streams may hold anything
        return body


def _check_view(result: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **RESULT_DEFAULTS,
        **result,
        "shown": scoring.effective_outcome(result),
        "spec_href": safe_href(result.get("spec")),
        "principle_names": [(p, scoring.PRINCIPLES.get(p, p)) for p in result.get("principles", [])],
        "evidence": [
            {**exchange, "url_href": safe_href(exchange.get("url")),
             "request_pretty": pretty_body(exchange.get("request_body")),
             "response_pretty": pretty_body(exchange.get("response_body"))}
            for exchange in result.get("evidence") or []
            if isinstance(exchange, Mapping)
        ],
    }


def _groups(results: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for result in results:
        grouped[(result.get("role") or "-", result.get("protocol") or "none")].append(_check_view(result))
    rank = {outcome: i for i, outcome in enumerate(SHOWN_ORDER)}
    return [
        {"role": role, "protocol": protocol,
         "checks": sorted(checks, key=lambda c: (rank.get(c["shown"], 0), c.get("check", ""), json.dumps(c.get("params") or {}, sort_keys=True)))}
        for (role, protocol), checks in sorted(grouped.items())
    ]


def _chart(principles: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    bars = []
    for index, (code, name) in enumerate(scoring.PRINCIPLES.items()):
        verdict = principles.get(code, {"score": None, "conforms": True})
        score = verdict["score"]
        bars.append({
            "y": index * 30, "code": code, "name": name, "score": score, "conforms": verdict["conforms"],
            "width": 0 if score is None else round(CHART_BAR_WIDTH * score / 100, 1),
        })
    return bars


def _vendor_view(vendor: Mapping[str, Any], stream: Stream) -> dict[str, Any]:
    results = [r for r in stream.results if r.get("vendor") == vendor["id"]]
    return {
        **vendor,
        "conforms": scoring.vendor_conforms(vendor),
        "chart": _chart(vendor["principles"]),
        # Checks of protocols the vendor never claimed are one line (summary not_declared), not a
        # list of "unsupported" that reads as missing features.
        "groups": _groups([r for r in results if not is_not_declared(r)]),
        "attested": [{**a, "href": safe_href(a.get("evidence_url"))} for a in vendor.get("attested", [])],
    }


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, finalize=_shown,
    )
    env.filters["score"] = lambda s: "n/a" if s is None else (f"{s:.0f}" if float(s).is_integer() else f"{s:.1f}")
    return env


def _shown(value: Any) -> Any:
    # Our own CSS and script arrive as Markup (`| safe`); everything else may be vendor text.
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return neutralise(value, keep_newlines=True)


def _script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render_html(stream: Stream, summary: Mapping[str, Any]) -> str:
    env = _environment()
    script = (TEMPLATES / "filter.js").read_text(encoding="utf-8")
    shown_counts = {o: 0 for o in SHOWN_ORDER}
    for result in stream.results:
        if not is_not_declared(result):  # not listed, so not in the filter's counts
            shown_counts[scoring.effective_outcome(result)] += 1
    return env.get_template("index.html.j2").render(
        header=stream.header,
        problems=stream.problems,
        footer=stream.footer or {},
        summary=summary,
        counts=count_outcomes(stream.results),
        shown_counts=shown_counts,
        vendors=[_vendor_view(v, stream) for v in summary["vendors"]],
        matrix=matrix_grid(summary["matrix"]),
        principles=scoring.PRINCIPLES,
        style=(TEMPLATES / "style.css").read_text(encoding="utf-8"),
        script=script,
        script_hash=_script_hash(script),
        bar_width=CHART_BAR_WIDTH,
    )
