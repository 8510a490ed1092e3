"""Conformance certificates: a signed Open Badges 3.0 credential per vendor and scope, and its baked badge."""
