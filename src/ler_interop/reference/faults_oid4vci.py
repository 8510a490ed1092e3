"""Fault switches of the reference OpenID4VCI issuer (names start with ``issuer.oid4vci-``).

Merged into faults.CATALOG; each breaks exactly one rule an ISS-OID4VCI check tests.
"""

OID4VCI_FAULTS: dict[str, str] = {
}
