"""The vendor manifest: which vendors to test, their endpoints, capabilities and auth.

Format and every key: docs/MANIFEST.md; schema: schemas/manifest.schema.json. Loading
validates the schema with line-precise errors, then the rules a schema cannot say
(unique vendor ids, at least one role and protocol, referenced files exist, named
environment variables are set). Secrets are never held here: only environment variable
names; the values are read (and registered for redaction) by `ler_interop.auth`.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from . import redact
from .auth import AuthConfig
from .manifest_yaml import ManifestError, SourceDoc, did_you_mean, dotted, read_yaml_file, schema_problems
from .net import guard_entry

__all__ = [
    "Attestation", "ExpectedFailure", "KNOWN_SUPPORTS", "Manifest", "ManifestError", "ROLES", "RoleConfig",
    "Vendor", "check_command", "import_command", "vendors_command", "load_attestation", "load_expected", "load_manifest",
    "manifest_from_data",
]

ROLES = ("issuer", "wallet", "verifier")
ROLE_PROTOCOLS = {"issuer": ("vc-api", "oid4vci"), "wallet": ("backchannel",), "verifier": ("vc-api", "oid4vp")}

# Capability tokens the suite's checks know (`requires=[...]` in a check marker). A token not
# listed here is allowed but warned about, since a typo silently turns checks `unsupported`.
KNOWN_SUPPORTS = frozenset({
    # cryptosuites and key types (https://www.w3.org/TR/vc-di-eddsa/, https://www.w3.org/TR/vc-di-ecdsa/)
    "eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023",
    "ecdsa:P-256", "ecdsa:P-384",
    # data model, securing and exchange formats
    "vc2.0", "vc-jose", "ldp_vc", "jwt_vc_json", "dc+sd-jwt",
    # Bitstring Status List purposes (https://www.w3.org/TR/vc-bitstring-status-list/)
    "status:revocation", "status:suspension",
    # DID methods the vendor resolves or issues with
    "did:key", "did:jwk", "did:web",
    # VC API and OpenID4VCI/VP features
    "presentations", "auth-required", "status-endpoint", "tx_code", "by-reference", "oid4vci", "oid4vp",
    # an extension to the VC API's issue options (which define no way to ask for a cryptosuite)
    "issue-option:cryptosuite",
    # wallet backchannel features
    "backchannel", "list", "delete", "decline", "export", "import",
    # how an SD-JWT VC names its issuer's key (credentials/issuer_keys.py): a DID URL, JWT VC
    # Issuer Metadata, or an x5c chain (https://datatracker.ietf.org/doc/html/draft-ietf-oauth-sd-jwt-vc#name-issuer-signature-mechanisms)
    "sd-jwt-key:did", "sd-jwt-key:jwt-vc-issuer", "sd-jwt-key:x5c",
})


@dataclass(frozen=True)
class RoleConfig:
    """One role of a vendor: the protocols it speaks (with endpoints), capabilities and auth."""

    role: str
    protocols: dict[str, dict[str, Any]]
    supports: frozenset[str]
    auth: AuthConfig | None
    # PEM files of X.509 trust anchors for the SD-JWT VCs this issuer signs with `x5c`.
    trust_anchors: tuple[Path, ...] = ()

    def declared(self) -> frozenset[str]:
        """Its capability tokens; a protocol section (`oid4vci:`, `oid4vp:`) declares its own
        token, so endpoints alone are enough to be tested over it."""
        return self.supports | frozenset(self.protocols)

    def endpoint(self, protocol: str, name: str) -> str | None:
        value = self.protocols.get(protocol, {}).get(name)
        return value if isinstance(value, str) else None

    def options(self, protocol: str) -> dict[str, Any]:
        return dict(self.protocols.get(protocol, {}).get("options", {}))

    def urls(self) -> list[str]:
        """Every endpoint URL of the role, in declaration order (options are not endpoints)."""
        return [
            value for settings in self.protocols.values() for key, value in settings.items()
            if key != "options" and isinstance(value, str) and value.startswith(("http://", "https://"))
        ]


@dataclass(frozen=True)
class Vendor:
    id: str
    name: str
    roles: dict[str, RoleConfig]
    profiles: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    attestation: Path | None = None
    expected: Path | None = None
    health: str | None = None
    auth: AuthConfig | None = None

    def declared_hosts(self) -> set[str]:
        """Hosts the suite may contact for this vendor: every endpoint's, `hosts`, and health."""
        urls = [url for role in self.roles.values() for url in role.urls()]
        if self.health:
            urls.append(self.health)
        return {guard_entry(url) for url in urls} | {h.lower() for h in self.hosts}

    def supports(self, role: str, token: str) -> bool:
        config = self.roles.get(role)
        return config is not None and token in config.declared()

    def role_names(self) -> list[str]:
        return [role for role in ROLES if role in self.roles]


@dataclass(frozen=True)
class Manifest:
    vendors: list[Vendor]
    path: Path | None
    warnings: tuple[str, ...] = ()

    def vendor(self, vendor_id: str) -> Vendor:
        for vendor in self.vendors:
            if vendor.id == vendor_id:
                return vendor
        known = [v.id for v in self.vendors]
        raise KeyError(f"no vendor {vendor_id!r} in the manifest{did_you_mean(vendor_id, known)} "
                       f"(vendors: {', '.join(known)})")


@dataclass(frozen=True)
class ExpectedFailure:
    check: str
    params: dict[str, Any]
    reason: str
    outcome: str = "fail"
    spec: str | None = None


@dataclass(frozen=True)
class Attestation:
    principle: str
    claim: str
    evidence_url: str


def load_manifest(path: str | os.PathLike[str], *, require_secrets: bool = True,
                  selected: Iterable[str] = ()) -> Manifest:
    """Read, validate and resolve a manifest file; raises ManifestError (one line per problem).
    `selected` (vendor ids, e.g. `run --vendor X`): only those vendors' secrets are required, as a
    run never contacts the others (every vendor is still validated otherwise)."""
    path = Path(path)
    doc = read_yaml_file(path, str(path))
    return _build(doc, path.parent, path, require_secrets, frozenset(selected))


def manifest_from_data(
    data: dict[str, Any], *, source: str = "<embedded manifest>", base_dir: str | os.PathLike[str] | None = None,
    require_secrets: bool = True,
) -> Manifest:
    """The same, for a manifest built in code (e.g. the reference vendors' loopback manifest)."""
    return _build(SourceDoc(source, data), Path(base_dir or "."), None, require_secrets, frozenset())


def _build(doc: SourceDoc, base_dir: Path, path: Path | None, require_secrets: bool,
           selected: frozenset[str]) -> Manifest:
    problems = schema_problems(doc, "manifest.schema.json")
    if problems:
        raise ManifestError(problems)
    vendors: list[Vendor] = []
    warnings: list[str] = []
    first_id_at: dict[str, int] = {}
    for index, entry in enumerate(doc.data["vendors"]):
        at = ("vendors", index)
        if entry["id"] in first_id_at:
            problems.append(doc.error(at + ("id",), f"vendor id {entry['id']!r} is already used by "
                                      f"vendors[{first_id_at[entry['id']]}]; ids must be unique"))
            continue
        first_id_at[entry["id"]] = index
        secrets_needed = require_secrets and (not selected or entry["id"] in selected)
        vendor, vendor_problems, vendor_warnings = _vendor(doc, at, entry, base_dir, secrets_needed)
        problems += vendor_problems
        warnings += vendor_warnings
        if vendor is not None:
            vendors.append(vendor)
    if problems:
        raise ManifestError(problems)
    return Manifest(vendors, path, tuple(warnings))


def _auth(at: tuple, vendor_id: str, value: Any) -> AuthConfig | None:
    if value is None or value == "none":
        return None
    return AuthConfig.from_dict(vendor_id, value, where=dotted(at))


def _vendor(doc: SourceDoc, at: tuple, entry: dict[str, Any], base_dir: Path,
            require_secrets: bool) -> tuple[Vendor | None, list[str], list[str]]:
    problems: list[str] = []
    warnings: list[str] = []
    vendor_id = entry["id"]
    vendor_auth = _auth(at + ("auth",), vendor_id, entry.get("auth"))
    roles: dict[str, RoleConfig] = {}
    for role in ROLES:
        if role not in entry:
            continue
        settings = entry[role]
        role_at = at + (role,)
        protocols = {name: dict(settings[name]) for name in ROLE_PROTOCOLS[role] if name in settings}
        if not protocols:
            problems.append(doc.error(role_at, f"declares no protocol; add one of {', '.join(ROLE_PROTOCOLS[role])}"))
            continue
        vcapi = protocols.get("vc-api", {})
        if role == "verifier" and "vc-api" in protocols and not (
                "credentials_verify" in vcapi or "presentations_verify" in vcapi):
            problems.append(doc.error(role_at + ("vc-api",), "give credentials_verify, presentations_verify or both"))
        auth = _auth(role_at + ("auth",), vendor_id, settings["auth"]) if "auth" in settings else vendor_auth
        for i, token in enumerate(settings.get("supports", [])):
            if token not in KNOWN_SUPPORTS:
                warnings.append(doc.error(role_at + ("supports", i), f"capability {token!r} is not one any check "
                                          f"requires{did_you_mean(token, KNOWN_SUPPORTS)}; it has no effect"))
        declared = set(settings.get("supports", [])) | set(protocols)
        if role == "verifier" and "dc+sd-jwt" in declared and not any(t.startswith("sd-jwt-key:") for t in declared):
            # No default: the SD-JWT VC draft leaves DIDs to profiles (docs/MANIFEST.md, migration).
            warnings.append(doc.error(role_at + ("supports",), "declares dc+sd-jwt but no SD-JWT VC issuer key "
                                      "mechanism (sd-jwt-key:did, sd-jwt-key:jwt-vc-issuer, sd-jwt-key:x5c): "
                                      "its dc+sd-jwt checks are unsupported until it names the ones it accepts"))
        anchors = []
        for i, name in enumerate(settings.get("trust_anchors", [])):
            resolved = (base_dir / name).resolve()
            if not resolved.is_file():
                problems.append(doc.error(role_at + ("trust_anchors", i), f"no PEM file at {resolved} "
                                          "(paths are relative to the manifest's folder)"))
            anchors.append(resolved)
        roles[role] = RoleConfig(role, protocols, frozenset(settings.get("supports", [])), auth, tuple(anchors))
    if not any(role in entry for role in ROLES):
        problems.append(doc.error(at, f"vendor {vendor_id!r} declares no role; add issuer, wallet or verifier"))
    files: dict[str, Path | None] = {}
    for key, loader in (("attestation", load_attestation), ("expected", load_expected)):
        files[key] = None
        if key in entry:
            resolved = (base_dir / entry[key]).resolve()
            if not resolved.is_file():
                problems.append(doc.error(at + (key,), f"file {entry[key]!r} not found (looked for {resolved}); "
                                          "paths are relative to the manifest's folder"))
                continue
            try:
                loader(resolved)
            except ManifestError as exc:
                problems += exc.lines
            files[key] = resolved
    missing = _missing_secrets(doc, at, entry, vendor_id)  # registers the values that are set, for redaction
    if require_secrets:
        problems += missing
    if problems:
        return None, problems, warnings
    urls = [url for role in roles.values() for url in role.urls()]
    health = entry.get("health") or (_origin(urls[0]) if urls else None)
    vendor = Vendor(
        id=vendor_id, name=entry["name"], roles=roles, profiles=tuple(entry.get("profiles", [])),
        hosts=tuple(entry.get("hosts", [])), attestation=files["attestation"], expected=files["expected"],
        health=health, auth=vendor_auth,
    )
    return vendor, problems, warnings


def _missing_secrets(doc: SourceDoc, at: tuple, entry: dict[str, Any], vendor_id: str) -> list[str]:
    """Every env var an auth block names must be set; values are registered for redaction now."""
    problems = []
    blocks = [(at + ("auth",), entry.get("auth"))] + [
        (at + (role, "auth"), entry[role].get("auth")) for role in ROLES if role in entry
    ]
    for block_at, block in blocks:
        if not isinstance(block, dict):
            continue
        for key in ("token_env", "client_secret_env"):
            name = block.get(key)
            if not name:
                continue
            value = os.environ.get(name, "")
            if value:
                redact.register_secret(value)
                continue
            problems.append(doc.error(block_at + (key,), f"vendor {vendor_id}: environment variable {name} "
                                      f"(named by {dotted(block_at + (key,))}) is not set; export it before running"))
    return problems


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def load_expected(path: str | os.PathLike[str]) -> list[ExpectedFailure]:
    """A vendor's expected-failures file (schemas/expected.schema.json)."""
    doc = read_yaml_file(path, str(path))
    problems = schema_problems(doc, "expected.schema.json")
    if problems:
        raise ManifestError(problems)
    return [ExpectedFailure(e["check"], dict(e.get("params", {})), e["reason"], e.get("outcome", "fail"), e.get("spec"))
            for e in doc.data["expected"]]


def load_attestation(path: str | os.PathLike[str]) -> list[Attestation]:
    """A vendor's attestation file (schemas/attestation.schema.json)."""
    doc = read_yaml_file(path, str(path))
    problems = schema_problems(doc, "attestation.schema.json")
    if problems:
        raise ManifestError(problems)
    return [Attestation(a["principle"], a["claim"], a["evidence_url"]) for a in doc.data["attested"]]


def check_command(path: str | os.PathLike[str], *, require_secrets: bool = True) -> int:
    """`ler-interop manifest check FILE`: 0 when usable (warnings on stderr), 2 with one line per problem."""
    try:
        manifest = load_manifest(path, require_secrets=require_secrets)
    except ManifestError as exc:
        for line in exc.lines:
            print(redact.scrub_text(line), file=sys.stderr)
        return 2
    for line in manifest.warnings:
        print(f"warning: {line}", file=sys.stderr)
    summary = ", ".join(f"{v.id} ({'/'.join(v.role_names())})" for v in manifest.vendors)
    print(f"{path}: ok: {len(manifest.vendors)} vendor{'s' if len(manifest.vendors) != 1 else ''}: {summary}")
    return 0


def vendors_command(path: str | os.PathLike[str], *, as_json: bool = False) -> int:
    """`ler-interop manifest vendors FILE [--json]`: the vendor ids, one per line, or one JSON list
    on one line (a CI job matrix: GitHub's `fromJSON`, GitLab's `parallel: matrix`). Secrets are
    not required: the job that lists vendors is not the one that contacts them."""
    try:
        manifest = load_manifest(path, require_secrets=False)
    except ManifestError as exc:
        print(f"ler-interop manifest vendors: {redact.scrub_text(exc.one_line(path))}", file=sys.stderr)
        return 2
    ids = [vendor.id for vendor in manifest.vendors]
    print(json.dumps(ids) if as_json else "\n".join(ids))
    return 0


def import_command(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> int:
    """`ler-interop manifest import W3C.json [-o OUT]` (see `ler_interop.w3c_import`)."""
    from .w3c_import import import_command as run

    return run(path, out)
