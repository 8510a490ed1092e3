"""What a certificate covers (`--scope`): the whole suite, one role, or one declared profile,
and the verdict on it, from the same scoring rules as every report (scoring.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .. import scoring
from .errors import CertifyError, NotConforming

ROLES = ("issuer", "wallet", "verifier")


@dataclass(frozen=True)
class Scope:
    kind: str  # "all", "role" or "profile"
    name: str = ""

    @property
    def text(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.name}"

    @property
    def slug(self) -> str:
        from .publish import file_slug

        return "all" if self.kind == "all" else f"{self.kind}-{file_slug(self.name)}"

    @property
    def label(self) -> str:
        """How the achievement names it: 'the whole suite', 'the issuer role', 'profile ob3'."""
        return {"all": "the whole suite", "role": f"the {self.name} role", "profile": f"profile {self.name}"}[self.kind]


def parse_scope(text: str) -> Scope:
    if text == "all":
        return Scope("all")
    kind, sep, name = text.partition(":")
    if sep and kind == "role" and name in ROLES:
        return Scope("role", name)
    if sep and kind == "profile" and name:
        return Scope("profile", name)
    raise CertifyError(f"--scope {text!r}: expected all, role:issuer, role:wallet, role:verifier or profile:NAME")


def scoped_results(scope: Scope, vendor: Mapping[str, Any], results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The vendor's results the scope covers; CertifyError for a role or profile it never claimed."""
    if scope.kind == "all":
        return results
    if scope.kind == "role":
        if scope.name not in vendor.get("roles", []):
            raise CertifyError(f"vendor {vendor['id']} declares no {scope.name} role "
                               f"(its roles: {', '.join(vendor.get('roles', [])) or 'none'})")
        return [r for r in results if r.get("role") == scope.name]
    if scope.name not in vendor.get("profiles", []):
        raise CertifyError(f"vendor {vendor['id']} does not claim profile {scope.name} "
                           f"(its profiles: {', '.join(vendor.get('profiles', [])) or 'none'})")
    return [r for r in results if scope.name in r.get("profiles", [])]


def require_conformance(scope: Scope, vendor_id: str, summary: Mapping[str, Any], covered: list[dict[str, Any]]) -> None:
    """NotConforming, naming the first failing checks, unless the vendor conforms on the scope.

    all / role: no applicable MUST check fails or errors (scoring.breaks_conformance), as
    scoring.vendor_conforms judges the whole vendor. profile: every check of it passes
    (scoring.profile_verdicts). Either way something must have been judged: a scope whose
    every check was unsupported or skipped shows nothing."""
    if scope.kind == "profile":
        failing = [r for r in covered if r["outcome"] not in ("pass", "skip")]
        conforms = summary["profiles"].get(scope.name, {}).get("conforms", False)
    else:
        failing = [r for r in covered if scoring.breaks_conformance(r)]
        conforms = not failing and (scope.kind != "all" or scoring.vendor_conforms(summary))
    judged = [r for r in covered if r["outcome"] not in scoring.NOT_APPLICABLE]
    if conforms and judged:
        return
    if not judged:
        raise NotConforming(f"vendor {vendor_id} is not certified on {scope.text}: no check of it was judged")
    names = list(dict.fromkeys(f"{r['check']} ({r['outcome']})" for r in failing))
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    raise NotConforming(f"vendor {vendor_id} does not conform on {scope.text}: {shown or 'see the report'}")
