"""Issue one certificate: read the stream, judge the scope, sign, publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..credentials.crafting import Signer
from ..credentials.dataintegrity import SigningError
from ..credentials.keys import Key
from ..credentials.samples import xsd_datetime
from ..credentials.statuslist import status_entry
from ..reference.didweb import verification_method_id
from ..report.summary import vendor_entries, vendor_summary
from ..results import ResultsError, Stream, read_results
from . import claim, publish, status
from .digest import file_sha256
from .errors import CertifyError
from .scope import Scope, require_conformance, scoped_results


@dataclass
class Issued:
    credential: dict[str, Any]
    json_path: Path
    svg: str
    did_document: Path | None


def signer_for(key: Key, issuer: str | None) -> Signer:
    """did:key of the key by default; did:web:HOST[:path] names the certifier's own host."""
    own = Signer.did_key(key)
    if issuer is None or issuer == own.did:
        return own
    if issuer.startswith("did:web:") and len(issuer) > len("did:web:"):
        return Signer(key, issuer, verification_method_id(issuer, key))
    if issuer.startswith("did:key:"):
        raise CertifyError(f"--issuer {issuer} is not this key's did:key ({own.did})")
    raise CertifyError(f"--issuer {issuer!r}: expected did:web:HOST[:path] (or leave it out for the key's did:key)")


def read_stream(path: Path) -> Stream:
    try:
        stream = read_results(path, light=True)
    except (OSError, ResultsError) as exc:
        raise CertifyError(f"cannot read results stream {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if not stream.header:
        raise CertifyError(f"{path} is not a results stream (no header line)")
    if stream.problems:  # a certificate cannot rest on a record with holes
        raise CertifyError(f"{path} has unreadable lines ({stream.problems[0]}); certify an intact stream")
    if stream.footer is None:
        raise CertifyError(f"{path} has no footer line: the run did not finish; certify a finished run")
    return stream


def find_vendor(stream: Stream, vendor_id: str, path: Path) -> dict[str, Any]:
    for vendor in stream.header.get("vendors", []):
        if vendor.get("id") == vendor_id:
            return {"roles": [], "profiles": [], **vendor}
    known = ", ".join(v.get("id", "?") for v in stream.header.get("vendors", []))
    raise CertifyError(f"vendor {vendor_id!r} is not in {path} (its vendors: {known or 'none'})")


def load_attested(stream: Stream, vendor_id: str, override: str | None) -> list[dict[str, Any]]:
    if override is None:
        return [a for a in stream.attested if a.get("vendor") == vendor_id]
    from ..manifest import ManifestError, load_attestation

    try:
        items = load_attestation(override)
    except ManifestError as exc:
        raise CertifyError(f"--attestation {override}: {exc.lines[0] if exc.lines else exc}") from None
    return [{"vendor": vendor_id, "principle": a.principle, "claim": a.claim, "evidence_url": a.evidence_url} for a in items]


def issue(*, results_path: Path, vendor_id: str, key: Key, issuer: str | None, issuer_name: str, out: Path,
          scope: Scope, valid_days: int, status_url: str | None, attestation: str | None) -> Issued:
    stream = read_stream(results_path)
    vendor = find_vendor(stream, vendor_id, results_path)
    signer = signer_for(key, issuer)
    url = status_url or status.default_status_url(signer.did)
    if url is None:
        raise CertifyError("a did:key issuer has no web home for its revocation list: give --status-url URL "
                           "(where you will publish certificates/status-list.json) or --issuer did:web:HOST")
    entry = next(v for v in vendor_entries(stream) if v["id"] == vendor_id)
    summary = vendor_summary(entry, stream)  # the same verdicts summary.json and the HTML show
    mine = [r for r in stream.results if r.get("vendor") == vendor_id]
    covered = scoped_results(scope, vendor, mine)
    require_conformance(scope, vendor_id, summary, covered)

    try:
        with publish.locked(out) as cert_dir:  # from drawing the index to recording it: one certify at a time
            list_path = cert_dir / status.STATUS_FILE
            entries = publish.read_index(out)
            if list_path.exists() and not (cert_dir / publish.INDEX_FILE).exists():
                raise CertifyError(f"{list_path} exists but {cert_dir / publish.INDEX_FILE} does not: it records the "
                                   f"status-list indices in use; restore it (the published copy) before certifying")
            statuslist = status.load_list(list_path, url, signer)
            index = status.allocate(statuslist, publish.taken_indices(entries))
            now = datetime.now(timezone.utc).replace(microsecond=0)
            unsigned = claim.build_credential(
                header=stream.header, footer=stream.footer or {}, vendor=vendor, summary=summary, scope=scope,
                covered=covered, everything=mine, attested=load_attested(stream, vendor_id, attestation),
                issuer={"id": signer.did, "type": ["Profile"], "name": issuer_name},
                valid_from=xsd_datetime(now), valid_until=xsd_datetime(now + timedelta(days=valid_days)),
                status_entry=status_entry(url, index, status.PURPOSE),
                stream_hex=file_sha256(results_path), stream_name=results_path.name)
            try:
                credential = signer.sign(unsigned)
            except SigningError as exc:  # a vendor name or claim the contexts cannot carry
                raise CertifyError(f"cannot sign the certificate: {str(exc)[:200]}") from None

            stem = f"{publish.file_slug(vendor_id)}--{scope.slug}"
            json_path = cert_dir / f"{stem}.json"
            publish.write_json(json_path, credential)
            status.write_list(list_path, url, signer, statuslist)  # unchanged bits, re-signed: the list exists
            did_doc = publish.write_did_document(out, signer.did, key) if signer.did.startswith("did:web:") else None
            svg = publish.write_badge(out, stem, credential, vendor=vendor.get("name", vendor_id), scope=scope.text)
            publish.record(out, {"vendor": vendor_id, "scope": scope.text, "json": json_path.relative_to(out).as_posix(),
                                 "svg": svg, "validFrom": credential["validFrom"], "validUntil": credential["validUntil"],
                                 "revoked": False, "statusListIndex": str(index)})
    except OSError as exc:  # a read-only folder, a disk full: one line, nothing half recorded is trusted
        raise CertifyError(f"cannot write into {out / publish.CERT_DIR}: {exc.strerror or exc}") from None
    publish.rebuild_report(out)
    return Issued(credential, json_path, svg, did_doc)
