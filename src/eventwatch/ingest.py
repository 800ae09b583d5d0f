"""Ingest: turn input paths into raw documents, refusing what cannot be read.

Inputs are any mix of ``.txt``, ``.html``/``.htm``, ``.jsonl`` files and folders of
them. The raw bytes are kept as read; decoding and cleaning are the next stage's job.
Every refusal is a :class:`Rejected` naming the document, never an exception, so one
bad file never costs the others.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Iterator

from .model import RawDocument, Rejected, utf16_encoding

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_JSONL_FIELDS = ("id", "text", "html", "url", "title", "outlet", "published")
# Other names the same fields go by in common news dumps (the first one present wins).
FIELD_ALIASES = {
    "id": ("doc_id", "document_id", "uuid"),
    "text": ("body", "content", "maintext"),
    "outlet": ("source", "source_name", "site_name", "sitename", "publisher"),
    "published": ("publication_date", "date_publish", "published_at", "pubdate", "date", "dct"),
    "url": ("link", "source_url"),
    "title": ("headline",),
}


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _binary_reason(data: bytes) -> str | None:
    """Text never holds NUL bytes and is mostly printable; say so when a file is not."""
    head = data[:8192]
    if b"\x00" in head:
        return "binary file (contains NUL bytes), not text"
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if head and control / len(head) > 0.05:
        return "binary file (mostly control bytes), not text"
    return None


def check_bytes(doc_id: str, source: str, data: bytes, max_bytes: int) -> Rejected | None:
    """Why these bytes cannot be a document (empty, too large, binary), or None."""
    if not data.strip():
        return Rejected(doc_id, source, "empty document")
    if len(data) > max_bytes:
        return Rejected(doc_id, source, f"too large ({_mb(len(data))} > {_mb(max_bytes)} limit; raise --max-bytes)")
    reason = None if utf16_encoding(data) else _binary_reason(data)
    return Rejected(doc_id, source, reason) if reason else None


def _link_refused(path: Path, what: str) -> Rejected:
    return Rejected(path.name, str(path), f"{what} is a symbolic link (to {os.readlink(path)}); "
                    "eventwatch does not follow links unless given --follow-links")


def _walk(root: Path, follow_links: bool) -> Iterator[Path | Rejected]:
    """Files under ``root`` in path order, hidden ones skipped; a link met on the way is
    refused by name unless links are followed (a link can point anywhere, /etc included)."""
    found: list[Path | Rejected] = []
    for folder, dirs, files in os.walk(root, followlinks=follow_links):
        here = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if not follow_links:
            found.extend(_link_refused(here / d, "folder") for d in dirs if (here / d).is_symlink())
        for name in files:
            f = here / name
            if name.startswith(".") or f.suffix.lower() not in SUPPORTED:
                continue
            if f.is_symlink() and not follow_links:
                found.append(_link_refused(f, "file"))
            elif f.is_file():
                found.append(f)
    yield from sorted(found, key=lambda x: x if isinstance(x, Path) else Path(x.source))


def _expand(paths: Iterable[str | Path], follow_links: bool = False) -> Iterator[Path | Rejected]:
    for p in paths:
        path = Path(p)
        if path.is_symlink() and not follow_links:
            yield _link_refused(path, "folder" if path.is_dir() else "file")
        elif path.is_dir():
            yield from _walk(path, follow_links)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED:
                yield path
            else:
                yield Rejected(path.name, str(path), f"unsupported file type '{path.suffix or '(none)'}'; expected .txt, .html or .jsonl")
        else:
            yield Rejected(path.name or str(path), str(path), "no such file or folder")


def _from_file(path: Path, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    doc_id = path.name
    size = path.stat().st_size
    if size > max_bytes:
        yield Rejected(doc_id, str(path), f"too large ({_mb(size)} > {_mb(max_bytes)} limit; raise --max-bytes)")
        return
    data = path.read_bytes()
    bad = check_bytes(doc_id, str(path), data, max_bytes)
    if bad:
        yield bad
        return
    kind = "html" if path.suffix.lower() in HTML_SUFFIXES else "text"
    yield RawDocument(id=doc_id, source=str(path), raw=data, kind=kind)


def _from_jsonl(path: Path, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """One document a line; a bad line is rejected by its line number, the rest go on."""
    with path.open("rb") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                obj = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError as e:
                yield Rejected(where, str(path), f"line {lineno} is not valid UTF-8 ({e.reason} at byte {e.start})")
                continue
            except json.JSONDecodeError as e:
                yield Rejected(where, str(path), f"line {lineno} is not valid JSON ({e.msg} at column {e.colno})")
                continue
            if not isinstance(obj, dict):
                yield Rejected(where, str(path), f"line {lineno} is not a JSON object")
                continue
            obj = {field: next((obj[k] for k in (field, *FIELD_ALIASES.get(field, ()))
                                if isinstance(obj.get(k), (str, int, float)) and str(obj[k]).strip()), None)
                   for field in _JSONL_FIELDS}
            doc_id = str(obj.get("id") or where)
            body, kind = (obj.get("html"), "html") if obj.get("html") else (obj.get("text"), "text")
            if not isinstance(body, str) or not body.strip():
                yield Rejected(doc_id, where, "no 'text' or 'html' field with content")
                continue
            bad = check_bytes(doc_id, where, body.encode("utf-8"), max_bytes)
            if bad:
                yield bad
                continue
            meta = {k: (str(obj[k]) if obj.get(k) is not None else None) for k in ("url", "title", "outlet", "published")}
            yield RawDocument(id=doc_id, source=where, raw=body.encode("utf-8"), kind=kind, **meta)


def read_inputs(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES,
                follow_links: bool = False) -> Iterator[RawDocument | Rejected]:
    """Yield every document found under ``paths``, lazily, in a stable order.

    A document id is the JSONL ``id`` or the file name; when two files share a name,
    the later one is named by its path so that neither overwrites the other. Two JSONL
    documents that give one id to different texts cannot both be stored under it: the
    later one is refused by name rather than silently replacing the first.
    """
    seen: dict[str, tuple[str, str]] = {}  # id -> (where it came from, sha256 of its bytes)
    for item in _expand(paths, follow_links):
        if isinstance(item, Rejected):
            yield item
            continue
        reader = _from_jsonl if item.suffix.lower() in JSONL_SUFFIXES else _from_file
        try:
            for doc in reader(item, max_bytes):
                if isinstance(doc, RawDocument) and doc.id in seen and doc.source == str(item):
                    doc.id = str(item)
                if isinstance(doc, RawDocument):
                    digest = hashlib.sha256(doc.raw).hexdigest()
                    first = seen.get(doc.id)
                    if first is not None and first[1] != digest:
                        yield Rejected(doc.id, doc.source, f"id {doc.id!r} is already used by {first[0]} for a different "
                                       "text; give every document its own id")
                        continue
                    seen.setdefault(doc.id, (doc.source, digest))
                yield doc
        except OSError as e:
            yield Rejected(item.name, str(item), f"cannot be read ({e.strerror or e})")
