"""Fixtures every role's suite shares."""

import pytest

from ler_interop.protocols.vcapi import VcApiClient


@pytest.fixture
def vcapi(vendor) -> VcApiClient:
    """The vendor's VC API endpoints, through its guarded, recording, authenticated client."""
    return VcApiClient(vendor.http)
