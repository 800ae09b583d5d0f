"""The pipeline: the one place that composes the stages.

    ingest -> clean -> nlp (spaCy, batched) -> actors (mentions) -> timex -> attribution
           -> events -> [main process] actor resolution, stories -> store -> export

Documents stream in batches through worker processes, each holding one loaded spaCy
model; a worker returns small dataclasses, never spaCy objects, so the main process
only resolves actors across the batch and writes. Memory stays flat in corpus size:
at most ``2 x workers`` batches are in flight.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import actors as actors_stage
from . import attribution, clean, events, ingest, nlp, timex
from .model import Actor, Analysis, Document, Event, RawDocument, Rejected, best_mention
from .settings import Options
from .store import Store


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A hash of the package's code and rules: a stored document coded by another
    version is coded again, so improvements reach old documents."""
    h = hashlib.sha256()
    root = resources.files("eventwatch")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


# --- per-document work (runs in worker processes) --------------------------------------

class Reader:
    """Holds the loaded model and registry; analyses batches of raw documents."""

    def __init__(self, opts: Options, extra_actors: tuple[Actor, ...] = ()):
        self.registry = actors_stage.load_registry(tuple(opts.actor_files))
        for a in extra_actors:
            if self.registry.lookup(a.name) is None:
                self.registry.add(a)
        self.registry.finish()
        self.nlp = nlp.load(opts.model, self.registry.ruler_patterns())

    def analyse(self, raws: list[RawDocument]) -> list[Analysis | Rejected]:
        out: list[Analysis | Rejected] = []
        docs: list[Document] = []
        for raw in raws:
            try:
                docs.append(clean.clean(raw))
            except clean.CleanError as e:
                out.append(Rejected(raw.id, raw.source, str(e)))
        for doc, parsed in zip(docs, self.nlp.pipe((d.text for d in docs), batch_size=32)):
            out.append(self._analyse(doc, parsed))
        return out

    def _analyse(self, doc: Document, parsed) -> Analysis:
        reg = self.registry
        mentions = actors_stage.find_mentions(parsed, reg)
        timexes = timex.tag(doc.text, doc.published)
        quotes = attribution.find_quotes(parsed, doc.id)
        by_id = {m.id: m for m in mentions}

        def country_of(mid: int) -> str | None:
            return actors_stage.entity_of(by_id.get(mid) or mentions[mid], {m.id: m for m in mentions})["country"]

        ctx = events.Context(
            doc_id=doc.id, mentions=mentions, quotes=quotes, timexes=timexes, published=doc.published,
            outlet=doc.outlet, describe=lambda tok: actors_stage.describe(tok, reg, len(mentions)),
            country_of=country_of,
        )
        found = events.code(parsed, ctx)
        return Analysis(document=doc, sentences=[], mentions=mentions, timexes=timexes, quotes=quotes,
                        events=found, words=sum(1 for t in parsed if not t.is_punct and not t.is_space))


_reader: Reader | None = None


def _init_worker(opts: Options, extra: tuple[Actor, ...]) -> None:
    global _reader
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _reader = Reader(opts, extra)


def _work(raws: list[RawDocument]) -> list[Analysis | Rejected]:
    assert _reader is not None
    return _reader.analyse(raws)


# --- across documents (main process) ---------------------------------------------------

def _event_id(e: Event) -> str:
    rep = e.reports[0]
    key = "|".join([rep.doc, e.event, ",".join(sorted(x["name"] or "" for x in e.actor)),
                    ",".join(sorted(x["name"] or "" for x in e.recipient)), str(rep.evidence[0].start)])
    return "ev-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def finish(analyses: list[Analysis], people: list[Actor]) -> None:
    """Turn mention ids into the contract's entities; date precision; ids; stories."""
    person = {p.name: p for p in people}
    for a in analyses:
        by_id = {m.id: m for m in a.mentions}
        ent = lambda mid: actors_stage.entity_of(by_id[mid], by_id, person)  # noqa: E731
        a.document.story = "story-" + a.document.content_hash[:10]
        for q in a.quotes:
            if q.speaker_span is not None:
                m = best_mention(a.mentions, q.speaker_span.start, q.speaker_span.end)
                q.speaker = ent(m.id) if m is not None else {"name": q.speaker_span.text, "country": None, "sector": None, "role": None}
        for e in a.events:
            e.actor = _dedupe([ent(i) for i in e.actor_mentions])
            e.recipient = _dedupe([ent(i) for i in e.recipient_mentions])
            e.date_precision = timex.precision(e.date)
            e.story = a.document.story
            if e.speaker_mention is not None:
                for r in e.reports:
                    r.speaker = ent(e.speaker_mention)
            e.id = _event_id(e)


def _dedupe(entities: list[dict]) -> list[dict]:
    seen, out = set(), []
    for x in entities:
        key = (x["name"], x["country"])
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


# --- the run ---------------------------------------------------------------------------

@dataclass
class RunResult:
    processed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already stored, unchanged
    rejected: list[Rejected] = field(default_factory=list)
    events: int = 0
    words: int = 0
    seconds: float = 0.0

    @property
    def doc_ids(self) -> list[str]:
        return self.processed + self.skipped


def _batches(items: Iterator[RawDocument | Rejected], size: int, result: RunResult, store: Store,
             reprocess: bool, version: str, rejected: list[Rejected],
             progress: Callable[[str, str], None] | None) -> Iterator[list[RawDocument]]:
    batch: list[RawDocument] = []
    for item in items:
        if isinstance(item, Rejected):
            result.rejected.append(item)
            rejected.append(item)
            if progress:
                progress("rejected", item.id)
            continue
        known = store.known(clean.content_hash(item.raw))
        if known and known[1] == version and not reprocess:
            result.skipped.append(known[0])
            if progress:
                progress("skipped", known[0])
            continue
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run(inputs: Iterable[str | Path], opts: Options, progress: Callable[[str, str], None] | None = None) -> RunResult:
    """Process the files and folders ``inputs`` into the store. ``progress(kind, doc_id)`` is
    called per document with kind "done", "skipped" or "rejected"."""
    return process(ingest.read_inputs(inputs, opts.max_bytes), opts, progress)


def process(raws: Iterable[RawDocument | Rejected], opts: Options,
            progress: Callable[[str, str], None] | None = None) -> RunResult:
    """Process documents already in memory (the API's entry point; ``run`` reads files)."""
    t0 = time.perf_counter()
    result = RunResult()
    store = Store(opts.db)
    try:
        if opts.actor_files:
            store.remember_actor_files(opts.actor_files)
        opts.actor_files = tuple(dict.fromkeys([*store.actor_files(), *(str(Path(p).resolve()) for p in opts.actor_files)]))
        known_people = tuple(store.inferred_actors())
        registry = actors_stage.load_registry(tuple(opts.actor_files))
        version = pipeline_version()
        ingest_rejected: list[Rejected] = []
        batches = _batches(iter(raws), opts.batch_size, result, store, opts.reprocess, version, ingest_rejected, progress)

        def handle(batch: list[RawDocument], out: list[Analysis | Rejected]) -> None:
            analyses = [a for a in out if isinstance(a, Analysis)]
            bad = [r for r in out if isinstance(r, Rejected)]
            people = actors_stage.resolve_people(analyses, [*registry.people, *known_people])
            finish(analyses, people)
            store.write_batch(analyses, {r.id: r.raw for r in batch}, version, bad)
            store.save_actors(_actors_seen(analyses, people, registry))
            result.rejected.extend(bad)
            for a in analyses:
                result.processed.append(a.document.id)
                result.events += len(a.events)
                result.words += a.words
                if progress:
                    progress("done", a.document.id)
            if progress:
                for r in bad:
                    progress("rejected", r.id)

        workers = max(1, opts.workers)
        first = next(batches, None)
        if first is None:
            pass  # nothing new: every input was stored already or rejected
        elif workers == 1 or len(first) < opts.batch_size:
            reader = Reader(opts, known_people)
            handle(first, reader.analyse(first))
            for batch in batches:
                handle(batch, reader.analyse(batch))
        else:
            with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(opts, known_people)) as pool:
                pending: deque[tuple[list[RawDocument], Future]] = deque()
                for batch in _chain(first, batches):
                    pending.append((batch, pool.submit(_work, batch)))
                    if len(pending) >= 2 * workers:
                        b, fut = pending.popleft()
                        handle(b, fut.result())
                while pending:
                    b, fut = pending.popleft()
                    handle(b, fut.result())
        if ingest_rejected:
            store.write_batch([], {}, version, ingest_rejected)
    finally:
        store.close()
    result.seconds = time.perf_counter() - t0
    return result


def _chain(first, rest):
    yield first
    yield from rest


def _actors_seen(analyses: list[Analysis], people: list[Actor], registry) -> list[Actor]:
    """Actors to record in the store: people met in these documents and the named
    states and organisations they mention (aliases as spelled in the text)."""
    names = {m.actor for a in analyses for m in a.mentions if m.actor}
    out = [p for p in people if p.name in names]
    for name in names - {p.name for p in out}:
        a = registry.lookup(name)
        if a is not None:
            out.append(a)
    return out
