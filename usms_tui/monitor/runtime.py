"""Wiring: the receipt client, cache, watchlist and poller built from effective settings."""

from __future__ import annotations

from typing import Any

import httpx

from usms_tui.api.client import ReceiptClient, make_http_client
from usms_tui.config.settings import Settings


def build_client(settings: Settings, http: httpx.AsyncClient | None = None, **kwargs: Any) -> ReceiptClient:
    """A client from effective settings (raises ConfigError when credentials are missing)."""
    return ReceiptClient(
        http if http is not None else make_http_client(settings.timeout),
        settings.credentials(),
        base_url=settings.base_url,
        project_id=settings.project_id,
        region=settings.region,
        batch_size=settings.batch_size,
        concurrency=settings.concurrency,
        allow_http=settings.allow_http,
        **kwargs,
    )
