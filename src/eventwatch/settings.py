"""One typed options object for a run, instead of keyword soup through every stage."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import DEFAULT_MAX_BYTES


def default_db() -> Path | str:
    """The store: $EVENTWATCH_DB (a file, or a postgresql:// URL, kept as text), else the
    embedded store, a file under the user's data directory."""
    if os.environ.get("EVENTWATCH_DB"):
        value = os.environ["EVENTWATCH_DB"]
        return value if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:/", value) else Path(value)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "eventwatch" / "eventwatch.db"


@dataclass
class Options:
    db: Path | str = field(default_factory=default_db)  # a SQLite file or a postgresql:// URL
    model: str | None = field(default_factory=lambda: os.environ.get("EVENTWATCH_MODEL") or None)
    actor_files: tuple[str, ...] = ()
    batch_size: int = 16
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    max_bytes: int = DEFAULT_MAX_BYTES
    reprocess: bool = False
    follow_links: bool = False  # symbolic links can point anywhere (/etc/passwd): off unless asked
    # Sentence embeddings as a second opinion where no trigger word fires: off by default,
    # since on the development sets it found no event the rules missed and costs ~5% of a run.
    second_opinion: bool = False
    # URLs on loopback, private, link-local or metadata addresses are refused (SSRF) unless asked.
    allow_private: bool = False
    # Per-document stages on a dask.distributed cluster: "local" (a LocalCluster of
    # ``workers`` processes) or a scheduler's address; None runs them in local processes.
    dask: str | None = None
    # With dask="local", a run of fewer new documents than this reads them in local
    # processes instead: a LocalCluster's start-up (2-3 s on 2 cores) outweighs its use
    # below ~250 documents (measured in docs/scaling.md). 0 always starts the cluster.
    dask_min_docs: int = 256
