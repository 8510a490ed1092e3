"""Import a W3C vc-test-suite-implementations file into the ler-interop manifest format.

The W3C format (https://github.com/w3c/vc-test-suite-implementations#adding-a-new-implementation)
lists, per implementation, `issuers[]`, `verifiers[]` and `vpVerifiers[]` endpoints, each with
`id`, `endpoint`, optional `options`, `tags` (which test suites apply), `supportedEcdsaKeyTypes`,
and authorization by `oauth2` (top-level or per endpoint) or `zcap`. Tags become `supports`
tokens; OAuth2 becomes `client_secret_env` with a generated variable name (the W3C file's
`clientSecret` itself is never copied); zcap endpoints are skipped, as the suite cannot invoke
capabilities. Our manifest gives a vendor one issuer and one verifier, so a file with several
distinct issuer (or verifier) configurations becomes several vendors.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .manifest import ManifestError, manifest_from_data

# W3C tag -> supports tokens (README "Tags" section of the W3C repository).
TAG_TOKENS: dict[str, tuple[str, ...]] = {
    "eddsa-rdfc-2022": ("eddsa-rdfc-2022",),
    "eddsa-jcs-2022": ("eddsa-jcs-2022",),
    "ecdsa-rdfc-2019": ("ecdsa-rdfc-2019",),
    "ecdsa-jcs-2019": ("ecdsa-jcs-2019",),
    "ecdsa-sd-2023": ("ecdsa-sd-2023",),
    "vc2.0": ("vc2.0",),
    # The Bitstring Status List suite exercises the revocation purpose; suspension is not implied.
    "BitstringStatusList": ("status:revocation",),
    "P-256": ("ecdsa:P-256",),
    "P-384": ("ecdsa:P-384",),
}
# Tags that carry no capability for us (implied by the role, or the W3C runner's own concerns).
SILENT_TAGS = frozenset({"vc-api", "vcHolder"})
CRYPTOSUITE_TOKENS = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019", "eddsa-jcs-2022", "ecdsa-jcs-2019", "ecdsa-sd-2023")
ROLE_LISTS = ("issuers", "verifiers", "vpVerifiers")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ImportProblem(ValueError):
    """The W3C file cannot be imported; the message is one line."""


@dataclass
class _Endpoint:
    kind: str  # issuers | verifiers | vpVerifiers
    index: int
    url: str
    issuer_id: str | None
    options: dict[str, Any]
    tokens: list[str]
    auth_key: str | None  # key into ImportResult.auth_blocks


@dataclass
class ImportResult:
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    env_vars: dict[str, str] = field(default_factory=dict)  # generated env var -> what to put in it


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48].strip("-") or "vendor"


def convert_w3c(data: Any, source: str = "W3C file") -> ImportResult:
    """The manifest dict for one W3C implementation object, with notes for a person to read."""
    if not isinstance(data, dict) or not any(isinstance(data.get(k), list) for k in ROLE_LISTS):
        raise ImportProblem(f"{source}: not a W3C implementation file (no issuers, verifiers or vpVerifiers list)")
    name = str(data.get("name") or data.get("implementation") or "").strip()
    vendor_name = str((data.get("vendor") or {}).get("name") or "").strip() if isinstance(data.get("vendor"), dict) else ""
    if not name and not vendor_name:
        raise ImportProblem(f"{source}: the file has no `name`")
    display = name if not vendor_name or vendor_name.lower() in name.lower() else f"{name} ({vendor_name})"
    slug = slugify(name or vendor_name)
    result = ImportResult({"manifest_version": 1, "vendors": []})
    auth_blocks: dict[str, dict[str, Any]] = {}
    top_auth = _oauth2(data.get("oauth2"), "oauth2", slug, auth_blocks, result) if data.get("oauth2") else None

    endpoints: list[_Endpoint] = []
    for kind in ROLE_LISTS:
        for index, entry in enumerate(data.get(kind) or []):
            endpoint = _endpoint(kind, index, entry, slug, top_auth, auth_blocks, result)
            if endpoint is not None:
                endpoints.append(endpoint)
    for key, value in data.items():
        if isinstance(value, list) and key not in ROLE_LISTS:
            result.notes.append(f"{key}[] ({len(value)} entr{'y' if len(value) == 1 else 'ies'}) not imported: "
                                "ler-interop has no such role")

    issuers = _group([e for e in endpoints if e.kind == "issuers"])
    verifiers = _group([e for e in endpoints if e.kind == "verifiers"])
    verifiers = _attach_vp_verifiers(verifiers, [e for e in endpoints if e.kind == "vpVerifiers"])
    if not issuers and not verifiers:
        raise ImportProblem(f"{source}: nothing importable (every endpoint was skipped; see the notes)")

    def role_block(group: list[_Endpoint], role: str) -> dict[str, Any]:
        first = group[0]
        block: dict[str, Any] = {}
        if first.auth_key and first.auth_key != top_auth:
            block["auth"] = dict(auth_blocks[first.auth_key])
        if role == "issuer":
            api: dict[str, Any] = {"issue": first.url}
            if first.issuer_id:
                api["issuer_id"] = first.issuer_id
        else:
            api = {}
            for e in group:
                api["credentials_verify" if e.kind == "verifiers" else "presentations_verify"] = e.url
        if first.options:
            api["options"] = first.options
        block["vc-api"] = api
        tokens = _unique(t for e in group for t in e.tokens)
        if any(e.kind == "vpVerifiers" for e in group):
            tokens.append("presentations")
        if first.auth_key and role == "issuer":
            tokens.append("auth-required")  # the vendor protects issuing; a check confirms it does
        block["supports"] = _unique(tokens)
        return block

    def vendor(vendor_id: str, label: str, roles: dict[str, dict[str, Any]]) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": vendor_id, "name": label}
        if top_auth:
            entry["auth"] = dict(auth_blocks[top_auth])  # a copy: shared objects would dump as YAML anchors
        entry.update(roles)
        return entry

    if len(issuers) <= 1 and len(verifiers) <= 1:
        roles = {}
        if issuers:
            roles["issuer"] = role_block(issuers[0], "issuer")
        if verifiers:
            roles["verifier"] = role_block(verifiers[0], "verifier")
        result.manifest["vendors"].append(vendor(slug, display, roles))
    else:
        result.notes.append(f"{len(issuers)} issuer and {len(verifiers)} verifier configurations: one vendor "
                            "each, since a ler-interop vendor has one issuer and one verifier")
        used: set[str] = set()
        for role, groups in (("issuer", issuers), ("verifier", verifiers)):
            for group in groups:
                suffix = _suffix(group, role, len(groups), used)
                vendor_id = f"{slug}-{suffix}"
                result.manifest["vendors"].append(vendor(vendor_id, f"{display} [{suffix}]", {role: role_block(group, role)}))
    return result


def _endpoint(kind: str, index: int, entry: Any, slug: str, top_auth: str | None,
              auth_blocks: dict[str, dict[str, Any]], result: ImportResult) -> _Endpoint | None:
    where = f"{kind}[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("endpoint"), str):
        result.notes.append(f"{where}: skipped: no endpoint URL")
        return None
    url = entry["endpoint"]
    if not url.startswith(("http://", "https://")):
        result.notes.append(f"{where}: skipped: endpoint {url!r} is not an http(s) URL")
        return None
    if entry.get("zcap"):
        result.notes.append(f"{where} ({url}): skipped: zcap authorization is not supported by ler-interop")
        return None
    auth_key = _oauth2(entry["oauth2"], f"{where}.oauth2", slug, auth_blocks, result) if entry.get("oauth2") else top_auth
    tokens: list[str] = []
    dropped: list[str] = []
    for tag in entry.get("tags") or []:
        if tag in TAG_TOKENS:
            tokens += TAG_TOKENS[tag]
        elif tag not in SILENT_TAGS:
            dropped.append(str(tag))
    for key_type in entry.get("supportedEcdsaKeyTypes") or []:
        token = TAG_TOKENS.get(str(key_type))
        if token:
            tokens += token
        else:
            result.notes.append(f"{where}: ECDSA key type {key_type!r} is not tested by ler-interop; dropped")
    versions = (entry.get("supports") or {}).get("vc") if isinstance(entry.get("supports"), dict) else None
    if isinstance(versions, list) and "2.0" in versions:
        tokens.append("vc2.0")
    if entry.get("headers"):
        result.notes.append(f"{where}: custom request headers are not imported; add auth to the manifest if needed")
    if not tokens:
        result.notes.append(f"{where} ({url}): skipped: none of its tags is something ler-interop tests"
                            + (f" ({', '.join(dropped)})" if dropped else ""))
        return None
    if dropped:
        result.notes.append(f"{where}: tags with no ler-interop capability dropped: {', '.join(dropped)}")
    options = entry.get("options") if isinstance(entry.get("options"), dict) else {}
    issuer_id = entry.get("id") if kind == "issuers" and isinstance(entry.get("id"), str) else None
    return _Endpoint(kind, index, url, issuer_id, dict(options), _unique(tokens), auth_key)


def _oauth2(block: Any, where: str, slug: str, auth_blocks: dict[str, dict[str, Any]], result: ImportResult) -> str | None:
    if not isinstance(block, dict) or not block.get("tokenEndpoint") or not block.get("clientId"):
        result.notes.append(f"{where}: incomplete (needs tokenEndpoint and clientId); imported without auth")
        return None
    key = json.dumps([block.get("tokenEndpoint"), block.get("clientId"), block.get("tokenAudience"),
                      block.get("scopes")], sort_keys=True)
    if key in auth_blocks:
        return key
    env = f"{slug.upper().replace('-', '_')}_CLIENT_SECRET" + (f"_{len(auth_blocks) + 1}" if auth_blocks else "")
    auth: dict[str, Any] = {"type": "oauth2", "token_url": block["tokenEndpoint"], "client_id": block["clientId"],
                            "client_secret_env": env}
    scopes = block.get("scopes")
    if isinstance(scopes, list) and scopes:
        auth["scope"] = " ".join(map(str, scopes))
    if block.get("tokenAudience"):
        auth["audience"] = block["tokenAudience"]
    auth["method"] = "post"  # the W3C runner sends client_id/client_secret in the form body
    auth_blocks[key] = auth
    named = block.get("clientSecret")
    # W3C convention: clientSecret holds the NAME of an env var. Say so only when it looks like one,
    # so a secret committed by mistake is never echoed.
    origin = (f" (the W3C file names it ${named})" if isinstance(named, str) and ENV_NAME.match(named)
              else " (the W3C clientSecret value was not copied)" if named else "")
    result.env_vars[env] = f"the OAuth2 client secret of client {block['clientId']!r}{origin}"
    return key


def _group(endpoints: list[_Endpoint]) -> list[list[_Endpoint]]:
    """One group per distinct configuration (URL, issuer id, options, auth); tags merge."""
    groups: dict[str, list[_Endpoint]] = {}
    for e in endpoints:
        key = json.dumps([e.url, e.issuer_id, e.options, e.auth_key], sort_keys=True)
        groups.setdefault(key, []).append(e)
    return list(groups.values())


def _attach_vp_verifiers(verifiers: list[list[_Endpoint]], vp: list[_Endpoint]) -> list[list[_Endpoint]]:
    """Put each presentations endpoint beside the credentials endpoint of the same service."""
    for e in vp:
        twin = e.url.replace("/presentations/verify", "/credentials/verify")
        same_origin = [g for g in verifiers if _origin(g[0].url) == _origin(e.url) and g[0].auth_key == e.auth_key
                       and not any(x.kind == "vpVerifiers" for x in g)]
        exact = [g for g in same_origin if g[0].url == twin]
        target = exact[0] if exact else same_origin[0] if len(same_origin) == 1 else None
        if target is None:
            verifiers.append([e])
        else:
            target.append(e)
    return verifiers


def _suffix(group: list[_Endpoint], role: str, count: int, used: set[str]) -> str:
    tokens = [t for e in group for t in e.tokens]
    suite = next((t for t in CRYPTOSUITE_TOKENS if t in tokens), None)
    curve = next((t.split(":")[1].lower() for t in tokens if t.startswith("ecdsa:")), None)
    base = role if count == 1 or not suite else f"{role}-{suite}" + (f"-{curve}" if curve and suite.startswith("ecdsa") else "")
    suffix, n = base, 2
    while suffix in used:
        suffix, n = f"{base}-{n}", n + 1
    used.add(suffix)
    return suffix


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def import_w3c(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest dict imported from a W3C implementation JSON file (notes: `convert_w3c`)."""
    return convert_w3c(_read(Path(path)), Path(path).name).manifest


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportProblem(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise ImportProblem(f"{path}: not JSON: {exc}") from None


class _ManifestDumper(yaml.SafeDumper):
    """Lists of plain strings (supports, hosts) in flow style, as a person would write them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = bool(data) and all(isinstance(item, str) for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_ManifestDumper.add_representer(list, _represent_list)


def render_yaml(result: ImportResult, source_name: str) -> str:
    """The manifest as YAML with a comment header: origin, env vars to export, notes."""
    header = [
        f"# Imported by `ler-interop manifest import` from {source_name}",
        "# (W3C vc-test-suite-implementations format). Review it: capabilities come from W3C tags,",
        "# and ler-interop may test more than the W3C suites did. See docs/MANIFEST.md.",
    ]
    if result.env_vars:
        header.append("# Secrets are not in this file. Before a run, export:")
        header += [f"#   {env}: {what}" for env, what in result.env_vars.items()]
    if result.notes:
        header.append("# Import notes:")
        header += [f"#   - {note}" for note in result.notes]
    body = yaml.dump(result.manifest, Dumper=_ManifestDumper, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(header) + "\n" + body


def import_command(path: str | os.PathLike[str], out: str | os.PathLike[str] | None = None) -> int:
    """`ler-interop manifest import W3C.json [-o OUT]`: 0 written, 2 with a one-line error on stderr."""
    try:
        result = convert_w3c(_read(Path(path)), Path(path).name)
        # Our own output must load; a failure here is a bug in the importer, said plainly.
        manifest_from_data(result.manifest, source=f"import of {path}", require_secrets=False)
    except ImportProblem as exc:
        print(f"ler-interop manifest import: {exc}", file=sys.stderr)
        return 2
    except ManifestError as exc:
        print(f"ler-interop manifest import: produced an invalid manifest (a bug): {exc.lines[0]}", file=sys.stderr)
        return 2
    text = render_yaml(result, Path(path).name)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    for env, what in result.env_vars.items():
        print(f"note: export {env}: {what}", file=sys.stderr)
    if out is None:
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
        print(f"wrote {out}: {len(result.manifest['vendors'])} vendor(s)", file=sys.stderr)
    return 0
