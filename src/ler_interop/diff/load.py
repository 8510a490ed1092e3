"""Find and read the stream a diff argument names: a results.jsonl, or a report folder."""

from __future__ import annotations

from pathlib import Path

from ..results import ResultsError, Stream, merge, read_results

RESULTS_FILE = "results.jsonl"


class DiffInputError(Exception):
    """An argument that names no readable results stream (one line: what to give instead)."""


def stream_files(path: Path) -> list[Path]:
    """The stream file(s) an argument names. A folder is a report folder (its results.jsonl) or,
    lacking one, a folder of shard or worker streams (*.jsonl), merged as `ler-interop report` would."""
    if path.is_file():
        return [path]
    if path.is_dir():
        if (path / RESULTS_FILE).is_file():
            return [path / RESULTS_FILE]
        shards = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        if shards:
            return shards
        raise DiffInputError(f"{path} holds no {RESULTS_FILE} (nor any *.jsonl stream): give a results stream or a report folder")
    raise DiffInputError(f"{path}: no such file or folder")


def load_stream(path: str | Path) -> Stream:
    """The stream at `path`, read light (no evidence bodies: a diff needs outcomes only).
    Raises DiffInputError when nothing readable is there; skipped lines stay in `problems`."""
    files = stream_files(Path(path))
    try:
        stream = read_results(files[0], light=True) if len(files) == 1 else merge(files, light=True)
    except (OSError, ResultsError) as exc:  # unreadable, a folder named .jsonl, shards that refuse to merge
        raise DiffInputError(f"{path}: {exc}") from None
    if not stream.header:
        raise DiffInputError(f"{path} is not a results stream (no header line): give a results.jsonl "
                             f"written by `ler-interop run` or a report folder holding one")
    return stream
