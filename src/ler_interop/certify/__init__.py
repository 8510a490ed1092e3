"""Certification: a verifiable conformance certificate (an Open Badges 3.0 credential) issued
from a results stream, its badge image, and its revocation list (issue 14)."""
