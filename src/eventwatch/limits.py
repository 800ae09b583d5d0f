"""The limits of ``data/limits.toml``: thresholds that protect a run or the server, kept
as data so an operator can change them without touching code."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def limits() -> dict:
    return tomllib.loads((resources.files("eventwatch") / "data" / "limits.toml").read_text("utf-8"))


def store(key: str):
    return limits()["store"][key]


def api(key: str):
    return limits()["api"][key]
