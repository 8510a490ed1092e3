"""`ler-interop serve --host H --port P`: the reference vendors on chosen ports (issuer P,
verifier P+1, wallet P+2), named so in the printed manifest entry; a busy port is one line."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from ler_interop.cli import main


def free_run_of_ports(count: int = 3) -> int:
    """A base port P with P .. P+count-1 all free right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        with contextlib.ExitStack() as held:
            try:
                for port in range(base, base + count):
                    sock = held.enter_context(socket.socket())
                    sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return base
    pytest.skip("no run of free ports found")


def test_serve_listens_on_the_chosen_ports_and_names_them_in_the_manifest(tmp_path: Path):
    base = free_run_of_ports()
    process = subprocess.Popen([sys.executable, "-m", "ler_interop.cli", "serve", "--host", "127.0.0.1",
                                "--port", str(base)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("serving;"):
                break
        text = "".join(lines)
        assert lines and lines[-1].startswith("serving;"), text + process.stderr.read()
        urls = dict(line.split(": ", 1) for line in lines[:3])
        assert {k: v.strip() for k, v in urls.items()} == {
            "issuer": f"http://127.0.0.1:{base}", "verifier": f"http://127.0.0.1:{base + 1}",
            "wallet": f"http://127.0.0.1:{base + 2}"}
        entry = yaml.safe_load(text.split("manifest entry (manifest_version: 1):\n", 1)[1].split("serving;")[0])
        vendor = entry["vendors"][0]
        assert vendor["issuer"]["vc-api"]["issue"] == f"http://127.0.0.1:{base}/credentials/issue"
        assert vendor["verifier"]["vc-api"]["credentials_verify"] == f"http://127.0.0.1:{base + 1}/credentials/verify"
        assert vendor["wallet"]["backchannel"]["url"].startswith(f"http://127.0.0.1:{base + 2}")
        assert httpx.get(f"http://127.0.0.1:{base}/health", timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        process.stdout.close()
        process.stderr.close()


def test_a_busy_port_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]):
    base = free_run_of_ports()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", base + 1))  # the verifier's port
        busy.listen()
        assert main(["serve", "--port", str(base)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"127.0.0.1:{base + 1}" in err[0] and "in use" in err[0]
    with socket.socket() as again:  # the issuer's port, bound first, was released
        again.bind(("127.0.0.1", base))


def test_a_port_without_room_for_three_is_a_usage_error():
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--port", "65535"])
    assert exited.value.code == 2
