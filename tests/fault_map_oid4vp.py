"""VER-OID4VP check id -> the reference fault that makes it fail (merged into
test_fault_coverage.FAULT_FOR)."""

FAULT_FOR: dict[str, str] = {
}
