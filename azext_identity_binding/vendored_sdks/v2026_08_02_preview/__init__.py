"""Client for Microsoft.ContainerService identity bindings at api-version 2026-08-02-preview."""

from ._client import API_VERSION, IdentityBindingsClient
from ._polling import GrowingIntervalPolling

__all__ = ["API_VERSION", "IdentityBindingsClient", "GrowingIntervalPolling"]
