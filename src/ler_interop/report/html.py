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
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from .. import scoring
from .certificates import load_certificates
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
# Past this many vendors, each gets its own page (vendors/<id>.html) and index.html keeps the
# verdicts, the links and the matrix: one page of dozens of vendors' evidence is unreadable.
INLINE_VENDORS = 5
VENDOR_DIR = "vendors"
# A body shown in the page: the stream keeps up to net.EVIDENCE_BODY_CAP, the page less.
HTML_BODY_CAP = 4 * 1024


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
    """Indent a JSON body for reading; anything else is shown as recorded. Capped: the whole
    body (as recorded) is in results.jsonl."""
    if not isinstance(body, str) or not body:
        return "" if body is None else str(body)[:HTML_BODY_CAP]
    try:
        shown = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):  # hand-made or merged streams may hold anything
        shown = body
    if len(shown) <= HTML_BODY_CAP:
        return shown
    return shown[:HTML_BODY_CAP] + f"\n... [{len(shown)} chars; the rest is in results.jsonl]"


def vendor_page(vendor_id: str) -> str:
    """vendors/<id>.html, with any character outside [A-Za-z0-9._-] replaced (ids name files)."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in vendor_id).lstrip(".") or "_"
    return f"{VENDOR_DIR}/{safe}-{hashlib.sha256(vendor_id.encode()).hexdigest()[:8]}.html"


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


def _vendor_view(vendor: Mapping[str, Any], results: Iterable[Mapping[str, Any]], index: int,
                 certificates: list[dict[str, Any]] = ()) -> dict[str, Any]:
    return {
        **vendor,
        "anchor": f"vendor-{index}",
        "page": None,
        "conforms": scoring.vendor_conforms(vendor),
        "chart": _chart(vendor["principles"]),
        # Checks of protocols the vendor never claimed are one line (summary not_declared), not a
        # list of "unsupported" that reads as missing features.
        "groups": _groups([r for r in results if not is_not_declared(r)]),
        "attested": [{**a, "href": safe_href(a.get("evidence_url"))} for a in vendor.get("attested", [])],
        "certificates": [c for c in certificates if c["vendor"] == vendor["id"]],
    }


def _shown_counts(results: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    shown_counts = {o: 0 for o in SHOWN_ORDER}
    for result in results:
        if not is_not_declared(result):  # not listed, so not in the filter's counts
            shown_counts[scoring.effective_outcome(result)] += 1
    return shown_counts


def _by_vendor(stream: Stream) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in stream.results:
        grouped[result.get("vendor", "")].append(result)
    return grouped


def _shown(value: Any) -> Any:
    # Our own CSS and script arrive as Markup (`| safe`); everything else may be vendor text.
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return neutralise(value, keep_newlines=True)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, finalize=_shown,
    )
    env.filters["score"] = lambda s: "n/a" if s is None else (f"{s:.0f}" if float(s).is_integer() else f"{s:.1f}")
    return env


def _script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _page_context(stream: Stream, root: str = "") -> dict[str, Any]:
    # root: the way from the page to the report folder ("" for index.html, "../" for vendors/*.html)
    script = (TEMPLATES / "filter.js").read_text(encoding="utf-8")
    return {"header": stream.header, "root": root, "principles": scoring.PRINCIPLES, "bar_width": CHART_BAR_WIDTH,
            "style": (TEMPLATES / "style.css").read_text(encoding="utf-8"), "script": script,
            "script_hash": _script_hash(script)}


def _index_context(stream: Stream, summary: Mapping[str, Any], vendors: list[dict[str, Any]], split: bool,
                   certificates: list[dict[str, Any]]) -> dict[str, Any]:
    names = {v["id"]: v.get("name") or v["id"] for v in summary["vendors"]}
    return {**_page_context(stream), "footer": stream.footer or {}, "summary": summary,
            "certificates": [{**c, "vendor_name": names.get(c["vendor"], c["vendor"])} for c in certificates],
            "counts": count_outcomes(stream.results), "shown_counts": _shown_counts(stream.results),
            "problems": stream.problems,
            "vendors": vendors, "matrix": matrix_grid(summary["matrix"]), "split": split}


def render_html(stream: Stream, summary: Mapping[str, Any], certificates: list[dict[str, Any]] = ()) -> str:
    """index.html as one page with every vendor's checks (the small-run layout); `certificates`
    as certificates.load_certificates gives them."""
    grouped = _by_vendor(stream)
    certificates = list(certificates)
    vendors = [_vendor_view(v, stream.whole(grouped.get(v["id"], [])), i, certificates)
               for i, v in enumerate(summary["vendors"], start=1)]
    return _environment().get_template("index.html.j2").render(**_index_context(stream, summary, vendors, False, certificates))


def write_html(stream: Stream, summary: Mapping[str, Any], out_dir: Path, index_name: str = "index.html") -> None:
    """index.html, and past INLINE_VENDORS vendors one page per vendor, each written as it is
    rendered so only one vendor's evidence is in memory at a time (read back from disk after a
    light read of the stream). Certificates issued into out_dir (certificates/index.json) are
    shown and linked."""
    certificates = load_certificates(out_dir)
    if len(summary["vendors"]) <= INLINE_VENDORS:
        (out_dir / index_name).write_text(render_html(stream, summary, certificates), encoding="utf-8")
        return
    env = _environment()
    grouped = _by_vendor(stream)
    (out_dir / VENDOR_DIR).mkdir(parents=True, exist_ok=True)
    rows = []
    for index, vendor in enumerate(summary["vendors"], start=1):
        results = grouped.get(vendor["id"], [])
        view = _vendor_view(vendor, stream.whole(results), index, certificates)
        env.get_template("vendor.html.j2").stream(
            **_page_context(stream, "../"), vendor=view, shown_counts=_shown_counts(results),
        ).dump(str(out_dir / vendor_page(vendor["id"])), encoding="utf-8")
        rows.append({**vendor, "anchor": view["anchor"], "page": vendor_page(vendor["id"]), "conforms": view["conforms"],
                     "certificates": view["certificates"]})
        del view
    env.get_template("index.html.j2").stream(**_index_context(stream, summary, rows, True, certificates)).dump(
        str(out_dir / index_name), encoding="utf-8")
