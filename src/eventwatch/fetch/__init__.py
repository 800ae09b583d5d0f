"""Fetch: URLs, RSS/Atom feeds and sitemaps to raw documents, politely and safely.

``http`` is the client (SSRF guard, bounds, robots.txt, conditional GET, retries);
``feeds`` tells feeds, sitemaps and pages apart and lists their links; ``reader`` turns
sources into :class:`~eventwatch.model.RawDocument`; ``watch`` runs passes on a schedule.
The stage reads the store's fetch state only through the small protocol the pipeline
hands it, and writes nothing itself.
"""
from __future__ import annotations

from .http import Client, FetchError, Refused, Settings, settings
from .reader import Reader, Source, is_url

__all__ = ["Client", "FetchError", "Reader", "Refused", "Settings", "Source", "is_url", "settings"]
