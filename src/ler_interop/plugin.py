"""pytest plugin for ler-interop (pytest11 entry point `ler_interop`).

Here: options, the `check` marker, vendor parametrisation, fixtures, health and capability
gating, per-check time limits and Allure labels. Outcome capture and the results stream are in
plugin_results.py, session state in plugin_state.py, what a check sees of a vendor in vendors.py.
The plugin is inert unless vendors are in play (`--vendors`, `--reference`, `--fault`, or a
`suites/` path among the arguments), so the suite's own tests run untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import secrets
import shutil
import signal
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from . import net
from .applicability import NotApplicable, why_not_applicable
from .checks import ROLES, CheckMeta, CheckMetaError
from .outcomes import CheckTimeout, Unsupported, VendorError
from .plugin_results import ResultsSink, StreamListener
from .plugin_results import pytest_report_teststatus, pytest_runtest_makereport  # noqa: F401  (hooks)
from .plan import MATRIX_MODES
from .plugin_state import (DEFAULT_CHECK_TIMEOUT, META, NOT_RUN, PARTICIPANTS, RECORDER, STATE, VENDOR_ROLE,
                           PluginState, item_vendors, state_of, uses_vendors)
from .shard import in_shard, parse_shard
from .vendors import VendorContext, loopback_http


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    group = parser.getgroup("ler-interop", "LER interoperability conformance")
    group.addoption("--vendors", metavar="FILE", help="vendor manifest (YAML, manifest v1)")
    group.addoption("--vendor", metavar="ID", action="append", default=[], help="only this vendor (repeatable)")
    group.addoption("--role", choices=ROLES, help="only checks of this role")
    group.addoption("--results-dir", metavar="DIR", help="where results.jsonl and reports go (default reports/<run-id>)")
    group.addoption("--run-id", metavar="ID", help="run id (default: UTC timestamp + random suffix)")
    group.addoption("--fault", metavar="NAME", action="append", default=[],
                    help="run the embedded reference vendors with this fault (repeatable); "
                         "with --vendors it is only recorded in the results header")
    group.addoption("--reference", action="store_true", help="run against the embedded reference vendors")
    group.addoption("--with-reference", action="store_true",
                    help="with --vendors: the embedded reference issuer, wallet and verifier join the cross-vendor "
                         "cells (learner's journeys, issuer x verifier); their own checks are not run")
    group.addoption("--check-timeout", type=float, default=DEFAULT_CHECK_TIMEOUT, metavar="S",
                    help=f"seconds one check may run before it is an error (default {DEFAULT_CHECK_TIMEOUT:g}; 0: none)")
    group.addoption("--key-dir", metavar="DIR",
                    help="the suite's issuer keys and X.509 CA: loaded from DIR when present, written there "
                         "(private keys 0600) when absent, so a verifier can trust them once (default: fresh per run)")
    group.addoption("--matrix", choices=MATRIX_MODES, default="covering",
                    help="learner's journeys: `covering` (default) plans every issuer-wallet and wallet-verifier pair "
                         "at least once, O(N^2); `full` runs every issuer x wallet x verifier (the issuer x verifier "
                         "cells are always complete)")
    group.addoption("--shard", metavar="K/N", type=parse_shard,
                    help="run only the K-th of N deterministic slices of the checks and cells (by stable test id); "
                         "merge the N results streams with `ler-interop report`")
    group.addoption("--ler-catalog", action="store_true", help=argparse.SUPPRESS)
    from .counterparts import options as counterpart_options  # --counterpart-url, --counterpart-bind

    counterpart_options.add_options(group)
    pluginmanager.register(counterpart_options.OptionsPlugin(), "ler-interop-counterpart-options")


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "check(id, title, principles, level, spec, role, protocol, profiles=[], requires=[]): "
        "ler-interop check metadata (exactly one per check in suites/)",
    )
    opt = config.option
    state = PluginState(is_controller=not hasattr(config, "workerinput"), role=opt.role,
                        check_timeout=opt.check_timeout, run_id=opt.run_id or new_run_id(),
                        key_dir=opt.key_dir, matrix=opt.matrix, shard=opt.shard)
    config.stash[STATE] = state
    if opt.ler_catalog:
        state.catalog = True
        return
    handed_over = getattr(config, "workerinput", {}).get("ler_interop")
    if handed_over:  # an xdist worker: the controller already resolved the vendors
        state.faults, state.run_id = handed_over["faults"], handed_over["run_id"]
        state.key_dir = handed_over.get("key_dir")  # the controller's keys, so its verifier trusts ours
        state.interop_only = set(handed_over.get("interop_only", ()))
        state.load(Path(handed_over["manifest"]), [*opt.vendor, *state.interop_only] if opt.vendor else [])
        return
    # The embedded wallet must reach the counterparts wherever they are advertised.
    public = getattr(opt, "counterpart_url", None)
    counterpart_hosts = [net.host_of(public)] if public else []
    if opt.with_reference and opt.fault:
        raise pytest.UsageError("--with-reference makes the reference vendors the known-good side of each cell: "
                                "drop --fault")
    if opt.vendors and opt.with_reference:
        path = state.start_reference_beside(Path(opt.vendors), opt.fault, counterpart_hosts, opt.vendor)
        state.load(path, [*opt.vendor, *state.interop_only] if opt.vendor else [])
    elif opt.vendors:
        state.faults = sorted(set(opt.fault))
        state.load(Path(opt.vendors), opt.vendor)
    elif opt.reference or opt.fault or _collects_suites(config):
        state.load(state.start_reference(opt.fault, counterpart_hosts), opt.vendor)
    if state.interop_only or not opt.vendors:
        if public and state.is_controller and state.active:
            from .counterparts.options import route_workers_locally

            route_workers_locally(config)
    results_dir = Path(opt.results_dir) if opt.results_dir else config.rootpath / "reports" / state.run_id
    if state.active:
        # Every process of the run (the controller, each xdist worker) shares which vendors were
        # cut off after timeouts, so a vendor's cells on another worker end at once too.
        state.cut_off_dir = results_dir / ".cut-off"
    if state.active and state.is_controller:
        state.sink = ResultsSink(results_dir, state.run_id)
        config.pluginmanager.register(StreamListener(state.sink), "ler_interop_stream")


def _collects_suites(config: pytest.Config) -> bool:
    for arg in config.args:
        path = Path(arg.split("::")[0]).resolve()
        if "suites" in path.parts or (path / "suites").is_dir():
            return True
    return False


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist: each vendor's checks on one worker, one after another; vendors side by side
    (plugin_xdist.py)."""
    state = state_of(config)
    if state.active:
        from .plugin_xdist import VendorsApart

        return VendorsApart(config, log, [v.id for v in state.vendors])
    return None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: hand the controller's resolved manifest to each worker (no second reference)."""
    state = state_of(node.config)
    if state.active:
        node.workerinput["ler_interop"] = {"manifest": str(state.manifest_path), "faults": state.faults,
                                           "run_id": state.run_id, "interop_only": sorted(state.interop_only),
                                           "key_dir": state.suite_keys().key_dir_text()}


def pytest_sessionstart(session: pytest.Session) -> None:
    state = state_of(session.config)
    if state.sink is not None:
        vendors = [{"id": v.id, "name": v.name, "roles": v.role_names(), "profiles": list(v.profiles)}
                   for v in state.vendors if v.id not in state.interop_only]  # the reference only joins cells
        opt = session.config.option
        selection = {k: v for k, v in (("keyword", opt.keyword), ("role", opt.role), ("vendor", opt.vendor)) if v}
        state.sink.start(vendors, state.faults, state.attested, selection, state.run_shape())


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Also runs after Ctrl-C or a crash: the footer and the reports cover whatever ran.
    state = state_of(session.config)
    if state.sink is not None:
        state.sink.finish()
        if state.cut_off_dir is not None:  # the workers' shared notes are no report
            shutil.rmtree(state.cut_off_dir, ignore_errors=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    state_of(config).cleanup.close()


# --- collection --------------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so `-k ISS-VCAPI-004` selects by check id
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Validate the check markers (a broken marker stops the run) and apply --role and --shard."""
    state = state_of(config)
    problems: list[str] = []
    selected, deselected = [], []
    for item in items:
        markers = list(item.iter_markers("check"))
        if len(markers) != 1:
            if markers or "suites" in Path(str(item.path)).parts:
                problems.append(f"{item.nodeid}: needs exactly one @pytest.mark.check(...), has {len(markers)}")
            selected.append(item)
            continue
        try:
            item.stash[META] = meta = CheckMeta.from_marker(markers[0], item.nodeid)
        except CheckMetaError as exc:
            problems.append(str(exc))
            continue
        item.extra_keyword_matches.add(meta.id)
        excluded = (state.role and meta.role != state.role) or (state.shard and not in_shard(item, state.shard))
        (deselected if excluded else selected).append(item)
    if problems:
        raise pytest.UsageError("invalid check markers:\n  " + "\n  ".join(problems))
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`vendor`: one run per manifest vendor playing the check's role; `issuer_vendor`,
    `verifier_vendor`: one run per cell of the cross-vendor matrix; with `wallet_vendor` too (and
    `fmt`), one run per journey of the run's plan (--matrix)."""
    marker = metafunc.definition.get_closest_marker("check")
    if marker is None:
        return
    state = state_of(metafunc.config)
    role = str(marker.kwargs.get("role"))
    if "vendor" in metafunc.fixturenames:
        ids = [i for i in state.with_role(VENDOR_ROLE.get(role, role)) if i not in state.interop_only]
        metafunc.parametrize("vendor", ids, indirect=True, ids=ids)
    wanted = [name for name in PARTICIPANTS if name in metafunc.fixturenames]
    if len(wanted) == len(PARTICIPANTS):  # a learner's journey: the planned ones (plan.py)
        journeys = state.journey_plan().journeys
        if "fmt" in metafunc.fixturenames:
            metafunc.parametrize([*wanted, "fmt"], journeys, indirect=wanted,
                                 ids=["->".join(j[:3]) + "-" + j[3] for j in journeys])
        else:
            cells = list(dict.fromkeys(j[:3] for j in journeys))
            metafunc.parametrize(wanted, cells, indirect=True, ids=["->".join(cell) for cell in cells])
    elif wanted:
        cells = [cell for cell in itertools.product(*(state.with_role(PARTICIPANTS[name]) for name in wanted))
                 if not set(cell) <= state.interop_only]  # the reference alone: not what was asked
        metafunc.parametrize(wanted, cells, indirect=True, ids=["->".join(cell) for cell in cells])


# --- fixtures ----------------------------------------------------------------------------


def _context(request: pytest.FixtureRequest, role: str | None) -> Iterator[VendorContext]:
    state = state_of(request.config)
    recorder = request.node.stash.setdefault(RECORDER, net.Recorder())
    context = VendorContext(state.vendor(request.param), role, recorder)
    yield context
    context.close()


@pytest.fixture
def vendor(request: pytest.FixtureRequest) -> Iterator[VendorContext]:
    """The vendor under test, in the check's role (parametrised over the manifest)."""
    meta = request.node.stash.get(META, None)
    yield from _context(request, VENDOR_ROLE.get(meta.role, meta.role) if meta else None)


@pytest.fixture
def issuer_vendor(request: pytest.FixtureRequest) -> Iterator[VendorContext]:
    yield from _context(request, "issuer")


@pytest.fixture
def wallet_vendor(request: pytest.FixtureRequest) -> Iterator[VendorContext]:
    yield from _context(request, "wallet")


@pytest.fixture
def verifier_vendor(request: pytest.FixtureRequest) -> Iterator[VendorContext]:
    yield from _context(request, "verifier")


@pytest.fixture
def suite_http(request: pytest.FixtureRequest) -> Iterator[net.Http]:
    """A client for the suite's own loopback servers, recording into the check's evidence."""
    client = loopback_http(request.node.stash.setdefault(RECORDER, net.Recorder()))
    yield client
    client.close()


@pytest.fixture(scope="session")
def suite_keys(request: pytest.FixtureRequest) -> Any:
    """The run's issuer keys and X.509 CA (suite_keys.py; stable with --key-dir)."""
    return state_of(request.config).suite_keys()


@pytest.fixture(scope="session")
def counterparts(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The suite's counterparts on one origin B (--counterpart-url; loopback by default): two
    OpenID4VCI issuers, an OpenID4VP verifier, did:web documents and status lists; started
    once per process."""
    from .counterparts import options as counterpart_options

    running = counterpart_options.start(request.config, state_of(request.config).suite_keys())
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def counterpart(counterparts: Any) -> Any:
    """The counterparts' host (did:web documents, status lists), as the verifier suites use it."""
    return counterparts.host


@pytest.fixture
def now() -> datetime:
    """The check's notion of the current time (UTC, whole seconds), fixed for the check."""
    return datetime.now(timezone.utc).replace(microsecond=0)


# --- running a check ---------------------------------------------------------------------


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Dead vendor -> `error` at once; undeclared protocol or capability -> `unsupported` before
    any fixture runs."""
    state = state_of(item.config)
    meta = item.stash.get(META, None)
    if meta is None or not state.active:
        return
    item.stash[RECORDER] = net.Recorder()
    primary, _, participants = item_vendors(item)
    dead = [health for health in (state.health_of(vendor_id) for vendor_id in
                                  sorted({v for v, _ in participants}, key=lambda v: v != primary)) if not health.alive]
    if dead and state.health_of(primary).alive:
        # A cell's issuer or wallet is dead (at the probe, or cut off after timeouts): the cell
        # cannot be fed, and the vendor it judges is not charged (CONTRACTS.md, interop cells).
        pytest.skip(f"{dead[0].reason}; this cell needs it, so it was not run")
    if dead:
        raise VendorError(dead[0].reason)
    # Decided from the manifest before any fixture reads it (applicability.py).
    why = applicability(item)
    if why:
        item.stash[NOT_RUN] = True
        raise Unsupported(why.reason, why.kind)


def applicability(item: pytest.Item) -> NotApplicable | None:
    """Why the check item does not apply to its vendors (from the manifest alone), or None."""
    meta = item.stash.get(META, None)
    if meta is None:
        return None
    state = state_of(item.config)
    _, _, participants = item_vendors(item)
    return why_not_applicable(meta, participants, state.declared)


def will_run(item: pytest.Item) -> bool:
    """Whether the item is a check that will run: not an empty parametrisation (no vendor plays
    its role) and applicable to its vendors. The progress bar's total counts these."""
    if item.stash.get(META, None) is None or not state_of(item.config).active:
        return True
    primary, _, _ = item_vendors(item)
    if primary is None and uses_vendors(item):
        return False
    return applicability(item) is None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    state = state_of(item.config)
    meta = item.stash.get(META, None)
    if meta is None or not state.active:
        return (yield)
    _allure_labels(item, meta)
    try:
        with _time_limit(state.check_timeout, meta.id):
            return (yield)
    finally:
        _allure_evidence(item)


@contextlib.contextmanager
def _time_limit(seconds: float, check_id: str) -> Iterator[None]:
    """A SIGALRM budget so one vendor cannot hang the run. Only in the main thread, which is
    where pytest (and each xdist worker) runs tests; elsewhere net.Http's own timeouts apply."""
    if seconds <= 0 or not hasattr(signal, "SIGALRM") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise CheckTimeout(f"{check_id} exceeded its {seconds:g}s time limit")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- Allure (only with --alluredir) ------------------------------------------------------


def _allure_active(item: pytest.Item) -> bool:
    return bool(getattr(item.config.option, "allure_report_dir", None))


def _allure_labels(item: pytest.Item, meta: CheckMeta) -> None:
    if _allure_active(item):
        from .report.allure_labels import apply_allure_labels

        vendor_id, _, _ = item_vendors(item)
        apply_allure_labels(meta.to_dict(), vendor_id)


def _allure_evidence(item: pytest.Item) -> None:
    recorder = item.stash.get(RECORDER, None)
    if _allure_active(item) and recorder is not None and recorder.exchanges:
        from .report.allure_labels import attach_exchanges

        attach_exchanges(e.to_dict() for e in recorder.exchanges)
