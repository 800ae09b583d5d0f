"""The watcher's schedule: the feeds file, which feeds are due, passes in a loop, and a
clean stop on Ctrl-C or SIGTERM (the pass in hand ends between two articles and what it
fetched is stored; nothing is left half-written).
"""
from __future__ import annotations

import signal
import threading
import tomllib
from pathlib import Path
from typing import Callable

from .reader import Source, is_url


def load_feeds(path: Path) -> list[Source]:
    """The ``[[feed]]`` entries of a feeds file (name, url, optional every and outlet), or
    ValueError naming the file and the entry that is wrong."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as e:
        raise ValueError(f"feeds file {path}: cannot be read ({e.strerror or e})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ValueError(f"feeds file {path}: not valid TOML ({e})") from None
    entries = data.get("feed")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"feeds file {path}: no [[feed]] entries (each needs name and url)")
    out, names = [], set()
    for i, e in enumerate(entries, 1):
        where = f"feeds file {path}, feed {i}"
        if not isinstance(e, dict):
            raise ValueError(f"{where}: not a table")
        unknown = set(e) - {"name", "url", "every", "outlet"}
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; expected name, url, every, outlet")
        name, url = e.get("name"), e.get("url")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: 'name' must be a non-empty string")
        if name in names:
            raise ValueError(f"{where}: name {name!r} is used twice")
        names.add(name)
        if not isinstance(url, str) or not is_url(url):
            raise ValueError(f"{where} ({name}): 'url' must be an http:// or https:// URL")
        every = e.get("every")
        if every is not None and (isinstance(every, bool) or not isinstance(every, (int, float)) or every <= 0):
            raise ValueError(f"{where} ({name}): 'every' must be a positive number of minutes")
        outlet = e.get("outlet")
        if outlet is not None and not isinstance(outlet, str):
            raise ValueError(f"{where} ({name}): 'outlet' must be a string")
        out.append(Source(url=url, name=name, outlet=outlet, every=float(every) if every is not None else None))
    return out


def due(sources: list[Source], checked: Callable[[Source], float | None], every: float, now: float) -> list[Source]:
    """The feeds whose last check is older than their ``every`` (else the default) minutes."""
    return [s for s in sources if (last := checked(s)) is None or now - last >= 60 * (s.every or every) - 1]


class Stopper:
    """Turns SIGINT and SIGTERM into a flag the pass looks at, and a sleep they cut short.
    A second Ctrl-C stops at once."""

    def __init__(self):
        self.event = threading.Event()
        self._old: dict[int, object] = {}

    def __enter__(self) -> "Stopper":
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def _handle(self, signum, frame) -> None:
        if self.event.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.event.set()

    def stopped(self) -> bool:
        return self.event.is_set()

    def sleep(self, seconds: float) -> None:
        self.event.wait(max(0.0, seconds))


def loop(one_pass: Callable[[int], None], every: float, once: bool, stopper: Stopper) -> int:
    """Run passes every ``every`` minutes until stopped (or once); the number of passes run."""
    n = 0
    while not stopper.stopped():
        n += 1
        one_pass(n)
        if once:
            break
        stopper.sleep(every * 60)
    return n
