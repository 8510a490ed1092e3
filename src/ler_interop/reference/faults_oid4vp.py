"""Fault switches of the reference OpenID4VP verifier (names start with ``verifier.oid4vp-``).

Merged into faults.CATALOG; each breaks exactly one rule a VER-OID4VP check tests.
"""

OID4VP_FAULTS: dict[str, str] = {
}
