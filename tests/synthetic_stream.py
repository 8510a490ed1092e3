"""A synthetic results stream of many vendors (for the report's scale tests): each result
carries an exchange with bodies near the net layer's evidence cap, as hostile vendors' do."""

from __future__ import annotations

from pathlib import Path

from ler_interop.results import ResultsWriter

OUTCOMES = ("pass", "fail", "error", "warn", "unsupported", "skip")


def write_stream(path: Path, vendors: int = 40, per_vendor: int = 300, body_chars: int = 4000) -> Path:
    ids = [f"vendor-{v:02d}" for v in range(vendors)]
    filler = "x" * body_chars
    with ResultsWriter(path) as writer:
        writer.header(run_id="synthetic", suite_version="0", spec_versions={"vc": "2.0"},
                      vendors=[{"id": v, "name": f"Vendor {v}", "roles": ["issuer", "verifier"], "profiles": []}
                               for v in ids])
        for vendor in ids:
            for n in range(per_vendor):
                body = f'{{"detail": "{vendor} {n} {filler}"}}'  # its own string, as a vendor's answer is
                role = ("issuer", "verifier")[n % 2]
                writer.result({
                    "vendor": vendor, "check": f"ISS-VCAPI-{n % 90:03d}", "title": f"check {n}", "params": {"n": n},
                    "nodeid": f"suites/test_x.py::test_{n}[{vendor}]", "outcome": OUTCOMES[n % len(OUTCOMES)],
                    "level": "MUST", "principles": ["P1"], "role": role, "protocol": "vc-api",
                    "spec": "https://www.w3.org/TR/vc-data-model-2.0/", "message": f"message {n}",
                    "evidence": [{"method": "POST", "url": f"https://{vendor}.example/credentials/issue",
                                  "request_headers": {"content-type": "application/json"}, "request_body": body,
                                  "status": 200, "response_headers": {"content-type": "application/json"},
                                  "response_body": body, "duration_ms": 1.0, "error": None}],
                })
    return path
