"""The plugin's per-session state: which vendors are in play (from --vendors, from the embedded
reference vendors, or handed over by the xdist controller), their expected failures and
attestations, and their liveness (a session-scoped health check per vendor and process)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import net, redact
from .checks import CheckMeta
from .manifest import Attestation, ExpectedFailure, ManifestError, Vendor, load_attestation, load_expected, load_manifest

DEFAULT_CHECK_TIMEOUT = 60.0
REFERENCE_ID = "reference"
HEALTH_TIMEOUT = 5.0


MAX_CONSECUTIVE_TIMEOUTS = 3


@dataclass
class Health:
    alive: bool
    reason: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class PluginState:
    active: bool = False  # vendors are in play; otherwise the plugin stays out of the way
    catalog: bool = False  # `ler-interop checks`: collect only, contact nobody
    is_controller: bool = True
    manifest_path: Path | None = None
    vendors: list[Vendor] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    run_id: str = ""
    role: str | None = None
    check_timeout: float = DEFAULT_CHECK_TIMEOUT
    expected: dict[str, list[ExpectedFailure]] = field(default_factory=dict)
    attested: dict[str, list[Attestation]] = field(default_factory=dict)
    health: dict[str, Health] = field(default_factory=dict)
    timeouts: dict[str, int] = field(default_factory=dict)
    sink: Any = None  # plugin_results.ResultsSink on the controller
    cleanup: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    # Vendors that take part in cross-vendor cells only (the reference, with --with-reference).
    interop_only: set[str] = field(default_factory=set)
    key_dir: str | None = None  # --key-dir (the controller's, on an xdist worker)
    keys: Any = None  # suite_keys.SuiteKeys, made on first use
    matrix: str = "covering"  # --matrix: which learner's journeys are planned (plan.py)
    shard: tuple[int, int] | None = None  # --shard K/N (shard.py)
    plan: Any = None  # plan.Plan, made on first use
    cut_off_dir: Path | None = None  # where every process of the run notes the vendors cut off

    def journey_plan(self) -> Any:
        """The learner's journeys this run plans (the same in every process and shard)."""
        if self.plan is None:
            from .plan import journey_plan

            self.plan = journey_plan(self.with_role, self.declared, self.interop_only, self.matrix)
        return self.plan

    def declared(self, vendor_id: str, role: str) -> frozenset[str]:
        config = self.vendor(vendor_id).roles.get(role)
        return config.declared() if config else frozenset()

    def run_shape(self) -> dict[str, Any]:
        """What a shard's stream must share with the others to be merged (results.py): the
        manifest's fingerprint (ids, names, profiles, declared capabilities; not endpoints, which
        a reference started per shard changes) and the plan; and the slice it ran."""
        declared = [[v.id, v.name, sorted(v.profiles), {role: sorted(c.declared()) for role, c in sorted(v.roles.items())}]
                    for v in self.vendors]
        text = json.dumps(declared, sort_keys=True, ensure_ascii=True)
        shape: dict[str, Any] = {"manifest": "sha256:" + hashlib.sha256(text.encode()).hexdigest(),
                                 "plan": self.journey_plan().describe()}
        if self.shard:
            shape["shard"] = {"index": self.shard[0], "of": self.shard[1]}
        return shape

    def suite_keys(self, shared: bool = False) -> Any:
        """The run's issuer keys: --key-dir's; else, on a controller with vendors in play, a
        temporary folder the workers share (the reference verifier trusts the same CA); else
        in memory (the suite's own tests)."""
        if self.keys is None:
            from .suite_keys import SuiteKeys

            if self.key_dir is None and self.is_controller and (self.active or shared):
                self.key_dir = tempfile.mkdtemp(prefix="ler-interop-keys-")
                self.cleanup.callback(shutil.rmtree, self.key_dir, True)
            self.keys = SuiteKeys(self.key_dir).prepare()
        return self.keys

    def vendor(self, vendor_id: str) -> Vendor:
        return next(v for v in self.vendors if v.id == vendor_id)

    def with_role(self, role: str) -> list[str]:
        return [v.id for v in self.vendors if role in v.roles]

    def load(self, path: Path, only: list[str]) -> None:
        """Read the manifest and each vendor's expected-failures and attestation files."""
        try:
            manifest = load_manifest(path, selected=only)
            known = [v.id for v in manifest.vendors]
            unknown = [v for v in only if v not in known]
            if unknown:
                raise pytest.UsageError(f"unknown vendor(s) {', '.join(unknown)}; the manifest has {', '.join(known) or 'none'}")
            self.vendors = [v for v in manifest.vendors if not only or v.id in only]
            for vendor in self.vendors:
                if vendor.expected:
                    self.expected[vendor.id] = load_expected(vendor.expected)
                if vendor.attestation:
                    self.attested[vendor.id] = load_attestation(vendor.attestation)
        except ManifestError as exc:
            lines = getattr(exc, "lines", None) or [str(exc)]
            raise pytest.UsageError(f"cannot use manifest {path}: " + "; ".join(lines)) from None
        except OSError as exc:
            raise pytest.UsageError(f"cannot read manifest {path}: {exc.strerror or exc}") from None
        self.manifest_path, self.active = path, True

    def start_reference(self, faults: list[str], wallet_hosts: tuple[str, ...] | list[str] = ()) -> Path:
        """Start the embedded reference vendors (with faults) and write a manifest for them."""
        try:
            from .reference.faults import UnknownFault, parse_faults
            from .reference.servers import start_reference  # type: ignore[import-not-found]
        except ImportError as exc:
            raise pytest.UsageError(f"the embedded reference vendors are not available ({exc}); pass --vendors FILE") from None
        try:
            chosen = parse_faults(faults)
        except UnknownFault as exc:
            raise pytest.UsageError(str(exc)) from None
        self.faults = sorted(chosen)
        # The reference issuer requires a bearer token, so the auth checks run on it too;
        # the token is registered as a secret and never reaches a report.
        token = secrets.token_urlsafe(24)
        redact.register_secret(token)
        # Every port this run's servers open, in any process, is known (the reference wallet and
        # verifier may reach loopback only there).
        from .reference import run_ports

        ports_folder = Path(tempfile.mkdtemp(prefix="ler-interop-ports-"))
        self.cleanup.callback(shutil.rmtree, ports_folder, True)
        self.cleanup.callback(run_ports.share_with_workers(ports_folder))
        servers = self.cleanup.enter_context(start_reference(set(chosen), token=token, wallet_hosts=wallet_hosts,
                                                             own_ports_only=True, keys=self.suite_keys(shared=True)))
        return self._write_manifest([servers.manifest_vendor()])

    def start_reference_beside(self, manifest: Path, faults: list[str], extra_hosts: list[str],
                               only: list[str] = ()) -> Path:
        """`--with-reference`: the embedded reference vendors join the manifest's vendors in the
        cross-vendor cells (journeys, issuer x verifier) only, so a vendor with one role is still
        seen end to end. Returns a combined manifest (relative file paths made absolute)."""
        try:
            raw = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
            declared = load_manifest(manifest, selected=only).vendors
        except (OSError, yaml.YAMLError, ManifestError):
            return manifest  # load() reports what is wrong with it, in one line
        vendors = [dict(v) for v in raw.get("vendors", []) if isinstance(v, dict)]
        if any(v.get("id") == REFERENCE_ID for v in vendors):
            raise pytest.UsageError(f"--with-reference: the manifest already has a vendor {REFERENCE_ID!r}; rename it")
        for vendor in vendors:
            for key in ("attestation", "expected"):
                if isinstance(vendor.get(key), str):
                    vendor[key] = str((manifest.parent / vendor[key]).resolve())
        hosts = sorted({host for v in declared for host in v.declared_hosts()} | set(extra_hosts))
        combined = self.start_reference(faults, hosts)
        reference = yaml.safe_load(combined.read_text(encoding="utf-8"))["vendors"]
        self.interop_only = {REFERENCE_ID}
        return self._write_manifest([*vendors, *reference], {k: v for k, v in raw.items() if k != "vendors"})

    def _write_manifest(self, vendors: list[dict], top: dict | None = None) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="ler-interop-reference-"))
        self.cleanup.callback(shutil.rmtree, folder, True)
        path = folder / "reference-manifest.yaml"
        manifest = {**(top or {}), "manifest_version": 1, "vendors": vendors}
        path.write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
        return path

    def note_outcome(self, vendor_id: str, timed_out: bool) -> None:
        """A circuit breaker: a vendor that is up but times out on MAX_CONSECUTIVE_TIMEOUTS checks
        in a row is treated as dead, so its remaining checks are `error` at once instead of each
        costing a full timeout (one hanging vendor must not stretch the run by hours)."""
        if not timed_out:
            self.timeouts[vendor_id] = 0
            return
        self.timeouts[vendor_id] = self.timeouts.get(vendor_id, 0) + 1
        if self.timeouts[vendor_id] >= MAX_CONSECUTIVE_TIMEOUTS:
            reason = (f"vendor {vendor_id!r} timed out on {self.timeouts[vendor_id]} checks in a row; "
                      "its remaining checks were not run")
            self.health[vendor_id] = Health(False, reason)
            marker = self._cut_off_marker(vendor_id)
            if marker is not None:
                with contextlib.suppress(OSError):
                    marker.parent.mkdir(parents=True, exist_ok=True)
                    marker.write_text(reason, encoding="utf-8")

    def _cut_off_marker(self, vendor_id: str) -> Path | None:
        if self.cut_off_dir is None:
            return None
        return self.cut_off_dir / hashlib.sha256(vendor_id.encode()).hexdigest()[:32]

    def health_of(self, vendor_id: str) -> Health:
        """Any HTTP answer from the vendor's health URL is alive; a transport error or timeout
        is not, and then every check of the vendor is `error` at once (DESIGN.md §3 Outcomes)."""
        if vendor_id not in self.health:
            vendor = self.vendor(vendor_id)
            self.health[vendor_id] = Health(True) if not vendor.health else _probe(vendor)
        marker = self._cut_off_marker(vendor_id) if self.health[vendor_id].alive else None
        if marker is not None and marker.is_file():  # cut off by another process of this run
            with contextlib.suppress(OSError):
                self.health[vendor_id] = Health(False, marker.read_text(encoding="utf-8"))
        return self.health[vendor_id]


def _probe(vendor: Vendor) -> Health:
    recorder = net.Recorder()
    url = str(vendor.health)
    try:
        with net.Http(vendor.declared_hosts(), timeout=HEALTH_TIMEOUT, recorder=recorder) as http:
            http.get(url)
    except net.NetError as exc:
        evidence = [e.to_dict() for e in recorder.exchanges]
        return Health(False, f"vendor {vendor.id!r} is unreachable (health check {url}): {exc}", evidence)
    return Health(True)


STATE = pytest.StashKey[PluginState]()


def state_of(config: pytest.Config) -> PluginState:
    return config.stash.get(STATE, None) or PluginState()


# --- per-item state ------------------------------------------------------------------------

META = pytest.StashKey[CheckMeta]()
RECORDER = pytest.StashKey[net.Recorder]()
# Set when the check was not run at all (not applicable to its vendors, decided at setup).
NOT_RUN = pytest.StashKey[bool]()
# Callables that add late evidence (what the suite's counterparts received) just before the
# check's result is written; fixtures register them with add_evidence_source().
EVIDENCE_SOURCES = pytest.StashKey[list]()


def add_evidence_source(node: pytest.Item, source: Any) -> None:
    node.stash.setdefault(EVIDENCE_SOURCES, []).append(source)
# Fixtures that stand for one participant of an interop cell (issuer A -> wallet W -> verifier B).
PARTICIPANTS = {"issuer_vendor": "issuer", "wallet_vendor": "wallet", "verifier_vendor": "verifier"}
# Whose entry a check of each role runs against; credential checks judge what issuers produce.
VENDOR_ROLE = {"issuer": "issuer", "verifier": "verifier", "wallet": "wallet", "credential": "issuer", "interop": "verifier"}
NO_VENDOR = "suite"  # result `vendor` of a check that involves no vendor


def uses_vendors(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "vendor" in names or any(p in names for p in PARTICIPANTS)


def item_vendors(item: pytest.Item) -> tuple[str | None, dict[str, str], list[tuple[str, str]]]:
    """(result vendor, interop cell params, [(vendor id, role)]) from the item's parametrisation.
    The result vendor of an interop cell is its verifier (docs/CONTRACTS.md, results stream)."""
    # Only real vendor ids: an empty parameter set leaves a placeholder that pytest skips.
    params = {k: v for k, v in getattr(getattr(item, "callspec", None), "params", {}).items()
              if isinstance(v, str) or (k != "vendor" and k not in PARTICIPANTS)}
    meta = item.stash.get(META, None)
    participants: list[tuple[str, str]] = []
    if "vendor" in params:
        participants.append((params["vendor"], VENDOR_ROLE.get(meta.role, meta.role) if meta else ""))
    cell = {PARTICIPANTS[name]: params[name] for name in PARTICIPANTS if name in params}
    participants.extend((vendor_id, role) for role, vendor_id in cell.items())
    # A cell is recorded under its verifier, unless that is the reference joining with
    # --with-reference (the known-good counterpart): then under the vendor the cell was run for.
    interop_only = state_of(item.config).interop_only
    judged = [cell.get(role) for role in ("verifier", "wallet", "issuer") if cell.get(role)]
    primary = params.get("vendor") or next((v for v in judged if v not in interop_only), judged[0] if judged else None)
    return primary, cell, participants
