"""The two ways `certify` says no: bad input (exit 2) and a vendor that does not conform (exit 1)."""

from __future__ import annotations


class CertifyError(Exception):
    """Bad input: a file, key, vendor or option to fix. One line; exit 2."""


class NotConforming(Exception):
    """The vendor does not conform on the scope: no certificate. One line; exit 1."""
