"""What a check sees of one vendor: its roles, endpoints, declared capabilities and an HTTP
client restricted to its declared hosts that records every exchange as the check's evidence.

Wraps `manifest.Vendor` (the validated manifest entry); auth headers come from `auth.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from . import net
from .auth import auth_headers
from .manifest import RoleConfig, Vendor
from .outcomes import unsupported



@dataclass
class VendorContext:
    """One vendor as one check sees it (created per check, so `http` records into that check)."""

    vendor: Vendor
    check_role: str | None = None
    recorder: net.Recorder = field(default_factory=net.Recorder)
    timeout: float = net.DEFAULT_TIMEOUT
    _clients: dict[tuple[str | None, bool], net.Http] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return self.vendor.id

    @property
    def name(self) -> str:
        return self.vendor.name

    @property
    def profiles(self) -> tuple[str, ...]:
        return self.vendor.profiles

    @property
    def roles(self) -> list[str]:
        return self.vendor.role_names()

    def role(self, role: str) -> RoleConfig:
        """The role's configuration; `unsupported` when the vendor does not play that role."""
        if role not in self.vendor.roles:
            unsupported(f"vendor {self.id!r} declares no {role} role")
        return self.vendor.roles[role]

    def protocol(self, role: str, protocol: str) -> dict:
        """The role's settings for `protocol`; `unsupported` when the vendor declares no such
        section (a check never crashes on a protocol the vendor does not speak)."""
        settings = self.role(role).protocols.get(protocol)
        if settings is None:
            unsupported(f"vendor {self.id!r} declares no {role} {protocol} section")
        return settings

    def endpoint(self, role: str, protocol: str, name: str) -> str:
        """A configured endpoint URL; `unsupported` when the vendor declares none."""
        value = self.role(role).endpoint(protocol, name)
        if not value:
            unsupported(f"vendor {self.id!r} declares no {role} {protocol} `{name}`")
        return value

    def supports(self, role: str, token: str) -> bool:
        return self.vendor.supports(role, token)

    @property
    def http(self) -> net.Http:
        """Client for the check's role: declared hosts only, that role's auth, recording."""
        return self.http_for(self.check_role)

    def http_for(self, role: str | None, *, authorized: bool = True) -> net.Http:
        """Client for another role of the vendor, or (authorized=False) one sending no credentials
        (to show, e.g., that an issuing endpoint refuses anonymous requests)."""
        key = (role, authorized)
        if key not in self._clients:
            headers = {}
            if authorized:
                config = self.vendor.roles.get(role) if role else None
                # auth.AuthError is a NetError: a token that cannot be obtained makes the check `error`.
                headers = auth_headers(config.auth if config else self.vendor.auth, self._factory)
            self._clients[key] = net.Http(self.vendor.declared_hosts(), timeout=self.timeout,
                                          headers=headers, recorder=self.recorder, party=self.id)
        return self._clients[key]

    def _factory(self, hosts: set[str]) -> net.Http:
        # The OAuth2 token request is evidence too (redacted like every exchange).
        return net.Http(hosts, timeout=self.timeout, recorder=self.recorder, party=self.id)

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def loopback_http(recorder: net.Recorder, timeout: float = net.DEFAULT_TIMEOUT, extra_hosts: Iterable[str] = ()) -> net.Http:
    """Client for the suite's own loopback servers (counterpart host, reference vendors)."""
    return net.Http([*net.LOOPBACK_NAMES, *extra_hosts], timeout=timeout, recorder=recorder)
