"""One typed options object for a run, instead of keyword soup through every stage."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import DEFAULT_MAX_BYTES


def default_db() -> Path:
    """The embedded store: $EVENTWATCH_DB, else a file under the user's data directory."""
    if os.environ.get("EVENTWATCH_DB"):
        return Path(os.environ["EVENTWATCH_DB"])
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "eventwatch" / "eventwatch.db"


@dataclass
class Options:
    db: Path = field(default_factory=default_db)
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
