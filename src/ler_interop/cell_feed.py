"""How a cross-vendor cell treats the parties it does not judge.

A cell judges one vendor (its verifier). Whatever goes wrong while its issuer or wallet
provides the artifact to judge with — a dead host, a hang, garbage, a refusal, an artifact the
suite's own verifier rejects, even a crash of the suite's reading of it — leaves nothing to
judge the verifier by: the cell is `skip`, never an `error` or `fail` charged to the verifier
(docs/CONTRACTS.md, interop cells). That party's own checks report the defect.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import pytest

from .outcomes import CheckTimeout, Unsupported


@contextlib.contextmanager
def fed_by(party: str) -> Iterator[None]:
    """Run the part of a cell that `party` (e.g. "issuer acme") feeds; any failure skips the cell.
    `unsupported` (a capability not declared) and pytest's own outcomes pass through."""
    try:
        yield
    except Unsupported:
        raise
    except (Exception, CheckTimeout) as exc:  # CheckTimeout: the check's time ran out on that side
        pytest.skip(f"{party} could not feed this cell ({type(exc).__name__}: {str(exc)[:300]}); "
                    "its own checks report it")
