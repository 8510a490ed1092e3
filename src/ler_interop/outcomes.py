"""The six outcomes of a check, and how an exception raised inside a check maps to one.

Contract (DESIGN.md §3 "Outcomes"): `pass`; `fail` = a MUST not met; `warn` = a SHOULD/MAY not
met; `unsupported` = the vendor did not declare the optional feature; `error` = the suite could
not judge (vendor unreachable, transport garbage, a crash, a timeout); `skip`.
"""

from __future__ import annotations

import re
from typing import NoReturn

PASS, FAIL, WARN, UNSUPPORTED, ERROR, SKIP = "pass", "fail", "warn", "unsupported", "error", "skip"
OUTCOMES: tuple[str, ...] = (PASS, FAIL, WARN, UNSUPPORTED, ERROR, SKIP)
# The `reason` of an `unsupported` result: the vendor does not declare the check's role protocol
# at all (the check was not run), or declares the protocol but not an optional capability.
NOT_DECLARED, CAPABILITY = "not-declared", "capability"


class Unsupported(Exception):
    """Raised (via `unsupported()`) when a check needs a capability the vendor did not declare;
    `kind` is NOT_DECLARED when the vendor does not declare the check's protocol at all."""

    def __init__(self, message: str = "", kind: str = CAPABILITY):
        super().__init__(message)
        self.kind = kind


class VendorError(Exception):
    """Raised (via `vendor_error()`) when the vendor's behaviour prevents any verdict."""


class ControlRefused(VendorError):
    """A negative check's positive control was refused: the vendor rejected the suite's valid
    artifact, so the check never reached the safeguard it is about (`error`, not judged). `cause`
    is the same sentence for every check it blocks, so a report states it once, at the top."""

    def __init__(self, cause: str, detail: str):
        self.cause = cause
        super().__init__(f"not judged: {cause}: {detail[:300]}" if detail else f"not judged: {cause}")


class CheckTimeout(BaseException):
    """The check ran past its time budget (one slow vendor must not hang the run). A
    BaseException, like KeyboardInterrupt: no `except Exception` in a verifier or a parser
    may swallow it and turn the interruption into a verdict."""


def unsupported(message: str) -> NoReturn:
    raise Unsupported(message)


def vendor_error(message: str) -> NoReturn:
    raise VendorError(message)


def control_refused(cause: str, detail: str = "") -> NoReturn:
    raise ControlRefused(cause, detail)


def classify(exc: BaseException | None, level: str) -> tuple[str, str]:
    """Map what a check raised to (outcome, message). `level` is MUST, SHOULD or MAY."""
    # Imported here so this module stays importable without the network layer's deps.
    from _pytest.outcomes import Failed, Skipped

    from .net import NetError

    if exc is None:
        return PASS, ""
    if isinstance(exc, Unsupported):
        return UNSUPPORTED, str(exc)
    if isinstance(exc, (VendorError, NetError, CheckTimeout)):
        return ERROR, str(exc)
    if isinstance(exc, Skipped):
        return SKIP, str(exc.msg) if getattr(exc, "msg", None) else "skipped"
    if isinstance(exc, (AssertionError, Failed)):  # `assert` or `pytest.fail(...)`: the rule is not met
        outcome = FAIL if level == "MUST" else WARN
        message = exc.msg if isinstance(exc, Failed) else str(exc)
        return outcome, _brief(str(message)) or "assertion failed"
    # Anything else (a KeyError on a malformed answer, a bug in a check) leaves the suite unable
    # to judge: `error`, with the exception type so the author can tell the two apart.
    return ERROR, f"check crashed: {type(exc).__name__}: {_brief(str(exc))}"


_INTROSPECTION = re.compile(r"^\s*(assert\b.*|\+\s+where\b.*)$")


def _brief(text: str, limit: int = 1000) -> str:
    """The check's own message, scrubbed and cut. pytest's assertion rewriting appends the
    evaluated expression: after a message the check wrote, everything from that `assert ...`
    line on repeats internals and is dropped; a bare `assert a == b` keeps its value diff
    (`- expected` / `+ got`) without the `assert` / `+ where` lines."""
    from .redact import scrub_text

    text = scrub_text(text.strip())  # scrub before cutting: a cut must not leave half a secret
    lines = text.splitlines()
    if len(lines) > 1 and not _INTROSPECTION.match(lines[0]):
        cut = next((i for i, line in enumerate(lines[1:], 1) if line.startswith("assert ")), len(lines))
        lines = lines[:cut]
    if len(lines) > 1:
        text = "\n".join([lines[0], *(line for line in lines[1:] if not _INTROSPECTION.match(line))]).strip()
    else:
        text = lines[0] if lines else ""
    return text if len(text) <= limit else text[:limit] + "..."
