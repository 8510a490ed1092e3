"""The JSON-lines results stream: the one record of a run, from which every report is derived.

A stream is a header line, result lines, attested lines and a footer line
(see docs/CONTRACTS.md, "Results stream"). Lines are flushed as they are written so a crash
loses nothing already recorded, and a reader tolerates a torn last line. Shards and xdist
workers write separate streams; `merge` joins them and refuses streams of different suite or
spec versions, because their check ids and rules need not mean the same thing.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

OUTCOMES: tuple[str, ...] = ("pass", "fail", "warn", "unsupported", "error", "skip")
KINDS: tuple[str, ...] = ("header", "result", "attested", "footer")

# Keys a result line must carry; the writer fills the optional ones with neutral defaults.
REQUIRED_RESULT_KEYS: tuple[str, ...] = ("vendor", "check", "outcome")
RESULT_DEFAULTS: Mapping[str, Any] = {
    "title": "",
    "params": {},
    "nodeid": "",
    "expected_failure": None,
    "level": "MUST",
    "principles": [],
    "role": "",
    "protocol": "none",
    "profiles": [],
    "spec": "",
    "duration_ms": 0.0,
    "message": "",
    "evidence": [],
}


# Header keys that say what a run covered; shards of one run agree on all but `shard`.
SHAPE_KEYS: tuple[str, ...] = ("manifest", "plan", "shard")


class ResultsError(Exception):
    """Base class for problems with a results stream."""


class ResultsFormatError(ResultsError):
    """A line of a stream is not what the contract says (names the file and line)."""


class MergeRefused(ResultsError):
    """Streams that cannot be merged (different suite or spec versions)."""


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def count_outcomes(results: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Counts of the six raw outcomes, every key present."""
    tally = Counter(r.get("outcome") for r in results)
    return {outcome: tally.get(outcome, 0) for outcome in OUTCOMES}


@dataclass
class Stream:
    """A parsed (or merged) results stream. `header` is {} for a zero-byte stream."""

    header: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] = field(default_factory=list)
    attested: list[dict[str, Any]] = field(default_factory=list)
    footer: dict[str, Any] | None = None
    # Lines the reader skipped, one sentence each (file:line: why); shown in every report.
    problems: list[str] = field(default_factory=list)
    # A light read (read_results(light=True)) keeps no evidence bodies in memory; this says where
    # each result's whole line is (by id of the result dict), to be read back one at a time.
    locations: dict[int, tuple[Path, int]] = field(default_factory=dict)

    @property
    def suite_version(self) -> str | None:
        return self.header.get("suite_version")

    def whole(self, results: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The given results with their evidence bodies, read back from disk after a light read."""
        handles: dict[Path, IO[bytes]] = {}
        try:
            for result in results:
                where = self.locations.get(id(result))
                if where is None:
                    yield result
                    continue
                handle = handles.get(where[0]) or handles.setdefault(where[0], where[0].open("rb"))
                handle.seek(where[1])
                yield json.loads(handle.readline())
        finally:
            for handle in handles.values():
                handle.close()

    def raw_line(self, result: dict[str, Any]) -> str:
        """A result's line as stored (byte-exact after a light read, re-serialised otherwise)."""
        where = self.locations.get(id(result))
        if where is None:
            return _dumps(result)
        with where[0].open("rb") as handle:
            handle.seek(where[1])
            return handle.readline().decode("utf-8").rstrip("\n")


# Raw in JSON text, these would break a line for some reader (str.splitlines() splits on
# U+0085, U+2028, U+2029) or cannot be encoded at all (lone surrogates, from a vendor's "\\ud800").
# JSON escapes C0 controls itself; outside strings JSON text is ASCII, so escaping these
# anywhere in the output is escaping them inside strings, which json.loads reads back exactly.
_RAW_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def json_text(value: Any, *, indent: int | None = None, separators: tuple[str, str] | None = (",", ":")) -> str:
    """JSON that round-trips any text a vendor sends and never holds a raw line separator.
    ensure_ascii=False keeps vendor Unicode (P7 evidence) readable in the raw stream."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=None if indent else separators, default=str)
    return _RAW_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _dumps(record: Mapping[str, Any]) -> str:
    return json_text(record)


class ResultsWriter:
    """Thread-safe appender for one stream file.

    Usage: `with ResultsWriter(path) as w: w.header(...); w.result({...}); ...` — leaving the
    block writes the footer with the counts of the results written through this writer.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # One writer, one stream: each xdist worker or shard writes its own file and `merge` joins
        # them, so the file is started afresh rather than appended to (two headers would not read).
        self._file: IO[str] | None = self.path.open("w", encoding="utf-8")
        self._header_written = False
        # Only the tally for the footer: a line is on disk once written, never kept in memory.
        self._tally: Counter[str] = Counter()

    def __enter__(self) -> "ResultsWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, record: Mapping[str, Any]) -> None:
        # Called with the lock held. One write + flush per line: a crash leaves whole lines.
        if self._file is None:
            raise ResultsError(f"results stream {self.path} is already closed")
        self._file.write(_dumps(record) + "\n")
        self._file.flush()

    def header(
        self,
        *,
        run_id: str,
        suite_version: str,
        spec_versions: Mapping[str, str],
        vendors: list[Mapping[str, Any]],
        faults: Iterable[str] = (),
        started: str | None = None,
        selection: Mapping[str, Any] | None = None,
        shape: Mapping[str, Any] | None = None,
    ) -> None:
        record = {
            "kind": "header",
            "run_id": run_id,
            "started": started or utc_now(),
            "suite_version": suite_version,
            "spec_versions": dict(spec_versions),
            "vendors": [dict(v) for v in vendors],
            "faults": sorted(faults),
        }
        if selection:  # a partial run (-k, --role, --vendor): its verdicts cover only what ran
            record["selection"] = dict(selection)
        # manifest fingerprint, journey plan, shard (plugin_state.run_shape): what a merge compares
        record.update({k: v for k, v in (shape or {}).items() if k in SHAPE_KEYS})
        with self._lock:
            if self._header_written:
                raise ResultsError(f"results stream {self.path} already has a header")
            self._write(record)
            self._header_written = True

    def result(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Append one result line; fills optional keys with defaults and returns the line written."""
        missing = [key for key in REQUIRED_RESULT_KEYS if not record.get(key)]
        if missing:
            raise ResultsFormatError(f"result record lacks {', '.join(missing)}: {dict(record)!r}"[:300])
        if record["outcome"] not in OUTCOMES:
            raise ResultsFormatError(f"unknown outcome {record['outcome']!r}; expected one of {', '.join(OUTCOMES)}")
        line = {"kind": "result", **{k: _fresh(v) for k, v in RESULT_DEFAULTS.items()}}
        line.update({k: v for k, v in record.items() if k != "kind"})
        with self._lock:
            self._require_header()
            self._write(line)
            self._tally[line["outcome"]] += 1
        return line

    def attested(self, *, vendor: str, principle: str, claim: str, evidence_url: str) -> None:
        record = {"kind": "attested", "vendor": vendor, "principle": principle, "claim": claim, "evidence_url": evidence_url}
        with self._lock:
            self._require_header()
            self._write(record)

    def close(self, finished: str | None = None) -> None:
        """Write the footer (once) and close the file."""
        with self._lock:
            if self._file is None:
                return
            if self._header_written:
                self._write(_footer(sum(self._tally.values()), self._tally, finished))
            self._file.close()
            self._file = None

    def _require_header(self) -> None:
        if not self._header_written:
            raise ResultsError(f"results stream {self.path}: write the header first")


def _fresh(value: Any) -> Any:
    # Defaults are shared mappings/lists; give each line its own copy.
    return type(value)() if isinstance(value, (dict, list)) else value


def footer_for(results: list[Mapping[str, Any]], finished: str | None = None) -> dict[str, Any]:
    return _footer(len(results), count_outcomes(results), finished)


def _footer(executed: int, counts: Mapping[str, int], finished: str | None) -> dict[str, Any]:
    return {
        "kind": "footer",
        "finished": finished or utc_now(),
        "checks_executed": executed,
        "counts": {outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
    }


# What a light read keeps of each exchange: enough for the summary, junit and the matrix.
LIGHT_EXCHANGE_KEYS = ("method", "url", "status", "error", "duration_ms")


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(byte offset, bytes) of each line, split on "\\n" only (a binary file iterates on LF; the
    writer escapes every other line separator), read one at a time, never the whole file."""
    offset = 0
    with path.open("rb") as handle:
        for raw in handle:
            yield offset, raw.rstrip(b"\n")
            offset += len(raw)


def _lighten(record: dict[str, Any]) -> None:
    evidence = record.get("evidence")
    if isinstance(evidence, list):
        record["evidence"] = [{k: ex.get(k) for k in LIGHT_EXCHANGE_KEYS if k in ex} if isinstance(ex, dict) else ex
                              for ex in evidence]


def read_results(path: str | os.PathLike[str], *, light: bool = False) -> Stream:
    """Parse a stream file. A line that cannot be read is skipped and named in
    `Stream.problems`: one bad line never costs the others. A torn last line (a crash
    mid-write) is reported the same way.

    `light=True` drops evidence bodies and headers from memory (the stream's `whole` reads them
    back), so reports over many vendors need memory for the verdicts, not for the evidence."""
    path = Path(path)
    stream = Stream()
    previous: tuple[int, str] | None = None  # a not-JSON line: torn only if nothing follows it
    for number, (offset, raw) in enumerate(_lines(path), start=1):
        if previous is not None:
            stream.problems.append(f"{path}:{previous[0]}: skipped: {previous[1]}")
            previous = None
        if not raw.strip():
            continue
        try:
            problem = _read_line(stream, raw, light=light, where=(path, offset))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            previous = (number, f"not JSON ({getattr(exc, 'msg', None) or getattr(exc, 'reason', None) or type(exc).__name__})")
            continue
        if problem:
            stream.problems.append(f"{path}:{number}: skipped: {problem}")
    if previous is not None:
        stream.problems.append(f"{path}:{previous[0]}: skipped: {previous[1]} (a torn last line: the run stopped mid-write)")
    return stream


def _read_line(stream: Stream, raw: bytes, *, light: bool, where: tuple[Path, int]) -> str | None:
    """Add one line to the stream; the reason it was skipped, or None."""
    record = json.loads(raw.decode("utf-8"))
    kind = record.get("kind") if isinstance(record, dict) else None
    if kind not in KINDS:
        return f"unknown line kind {str(kind)[:40]!r}; expected one of {', '.join(KINDS)}"
    if kind == "header":
        if stream.header:
            return "a second header line; merge streams with `ler-interop report`, do not concatenate them"
        stream.header = record
    elif kind == "result":
        if record.get("outcome") not in OUTCOMES:
            return f"unknown outcome {str(record.get('outcome'))[:40]!r}"
        if not stream.header:
            return "a result line before the header line"
        if light:
            _lighten(record)
            stream.locations[id(record)] = where
        stream.results.append(record)
    elif kind == "attested":
        stream.attested.append(record)
    else:
        stream.footer = record
    return None


def merge(paths: Iterable[str | os.PathLike[str]], *, light: bool = False) -> Stream:
    """Merge streams (xdist workers, shards, re-runs), in the order given.

    A result whose nodeid (and vendor) was already seen replaces the earlier one, so a re-run
    given later wins. Streams with no header (zero-byte, a run that died at start) add nothing.
    """
    streams = [(Path(p), read_results(p, light=light)) for p in paths]
    return merge_streams(streams)


def merge_streams(streams: list[tuple[Path, Stream]]) -> Stream:
    headed = [(p, s) for p, s in streams if s.header]
    if not headed:
        return Stream()
    first_path, first = headed[0]
    # Shards must be slices of one run: the same manifest, plan, selection and faults, all present.
    sharded = any(s.header.get("shard") for _, s in headed)
    agreed = ("suite_version", "spec_versions", *((*SHARD_AGREES, "shard_count") if sharded else ()))
    for path, stream in headed[1:]:
        for key in agreed:
            if _shape_value(stream.header, key) != _shape_value(first.header, key):
                raise MergeRefused(f"cannot merge {path} into {first_path}: {key} {_shape_value(stream.header, key)!r} "
                                   f"!= {_shape_value(first.header, key)!r}" + (" (not shards of one run)" if sharded else ""))
    if sharded:
        count = _shape_value(first.header, "shard_count")
        missing = sorted(set(range(1, count + 1)) - {s.header["shard"].get("index") for _, s in headed})
        if missing:
            raise MergeRefused(f"cannot merge: shard{'s' if len(missing) > 1 else ''} "
                               f"{', '.join(f'{k}/{count}' for k in missing)} missing; give every shard's results.jsonl")
    results: dict[tuple[str, str], dict[str, Any]] = {}
    attested: dict[str, dict[str, Any]] = {}
    for _, stream in headed:
        for result in stream.results:
            key = (result.get("vendor", ""), result.get("nodeid") or _fallback_id(result))
            results.pop(key, None)  # re-insert so order follows the last occurrence
            results[key] = result
        for item in stream.attested:
            attested[_dumps(item)] = item
    header = {
        "kind": "header",
        "run_id": "+".join(dict.fromkeys(s.header.get("run_id", "") for _, s in headed)),
        "started": min(s.header.get("started", "") for _, s in headed),
        "suite_version": first.header.get("suite_version"),
        "spec_versions": first.header.get("spec_versions", {}),
        "vendors": _union_vendors(s.header.get("vendors", []) for _, s in headed),
        "faults": sorted({f for _, s in headed for f in s.header.get("faults", [])}),
    }
    # What every stream agrees on stays said (a merged partial run is still partial); a merged
    # set of shards is the whole run, so no `shard`.
    for key in ("selection", "manifest", "plan"):
        values = [s.header.get(key) for _, s in headed]
        if values[0] and all(v == values[0] for v in values):
            header[key] = values[0]
    merged = list(results.values())
    finished = max((s.footer or {}).get("finished", "") for _, s in headed)
    # No shard finished (all crashed): the merge has no footer either, so no one reads a finish time.
    footer = footer_for(merged, finished) if finished else None
    problems = [problem for _, s in streams for problem in s.problems]
    # Only the winners' locations: a replaced result's id may be reused once it is freed.
    every = {key: where for _, s in headed for key, where in s.locations.items()}
    locations = {id(r): every[id(r)] for r in merged if id(r) in every}
    return Stream(header, merged, list(attested.values()), footer, problems, locations)


SHARD_AGREES: tuple[str, ...] = ("manifest", "plan", "selection", "faults")


def _shape_value(header: Mapping[str, Any], key: str) -> Any:
    if key == "shard_count":  # unsharded counts as 1/1, so it cannot pose as one shard of N
        return (header.get("shard") or {}).get("of", 1)
    return header.get(key) or None


def _fallback_id(result: Mapping[str, Any]) -> str:
    return f"{result.get('check')}{_dumps(result.get('params') or {})}"


def _union_vendors(vendor_lists: Iterable[list[Mapping[str, Any]]]) -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for vendors in vendor_lists:
        for vendor in vendors:
            entry = by_id.setdefault(vendor["id"], {"id": vendor["id"], "name": vendor.get("name", vendor["id"]), "roles": [], "profiles": []})
            for key in ("roles", "profiles"):
                entry[key].extend(x for x in vendor.get(key, []) if x not in entry[key])
    return list(by_id.values())


def write_stream(stream: Stream, path: str | os.PathLike[str]) -> None:
    """Write a (merged) stream to a file, e.g. reports/<run>/results.jsonl after a merge.

    Written beside and then renamed over `path`: after a light read, `path` may be one of the
    files the results are read back from while writing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        if stream.header:
            out.write(_dumps(stream.header) + "\n")
        for result in stream.results:  # as stored: byte-exact, one line in memory at a time
            out.write(stream.raw_line(result) + "\n")
        for record in stream.attested:
            out.write(_dumps(record) + "\n")
        if stream.footer:
            out.write(_dumps(stream.footer) + "\n")
    os.replace(partial, path)
