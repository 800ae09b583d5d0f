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
import itertools
import json
import os
import re
import signal
import threading
import time
import traceback
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import actors as actors_stage
from . import attribution, clean, events, ingest, nlp, stories, timex
from .model import NON_STATE, Actor, Analysis, Document, Event, Known, RawDocument, Rejected, best_mention
from .settings import Options
from .store import Store


CODING_MODULES = ("model", "ingest", "clean", "nlp", "actors", "timex", "attribution", "stories", "pipeline")


@lru_cache(maxsize=1)
def pipeline_version() -> str:
    """A hash of the code and rules that code a document: a stored document coded by
    another version is coded again, so improvements reach old documents (a change to the
    CLI, the API or the dashboard does not re-code anything)."""
    h = hashlib.sha256()
    root = Path(str(resources.files("eventwatch")))
    files = [root / f"{m}.py" for m in CODING_MODULES] + sorted((root / "events").glob("*.py")) \
        + sorted(f for f in (root / "data").rglob("*.toml") if f.name not in ("limits.toml", "fetch.toml")) \
        + sorted((root / "data" / "models").glob("*.npz"))  # limits code nothing; the typer's models do
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


# --- per-document work (runs in worker processes) --------------------------------------

class Reader:
    """Holds the loaded model and registry; analyses batches of raw documents."""

    def __init__(self, opts: Options, extra_actors: tuple[Actor, ...] = ()):
        self.registry = actors_stage.load_registry(tuple(opts.actor_files)).extended(extra_actors)
        self.second_opinion = opts.second_opinion
        self.nlp = nlp.load(opts.model, self.registry.ruler_patterns())

    def analyse(self, raws: list[RawDocument]) -> list[Analysis | Rejected]:
        out: list[Analysis | Rejected] = []
        docs: list[Document] = []
        for raw in raws:
            try:
                docs.append(clean.clean(raw))
            except clean.CleanError as e:
                out.append(Rejected(raw.id, raw.source, str(e)))
        for doc, parsed in zip(docs, self._parse([d.text for d in docs])):
            try:
                if isinstance(parsed, Exception):
                    raise parsed
                out.append(self._analyse(doc, parsed))
            except Exception as e:  # a bug must cost one document, never the run
                out.append(Rejected(doc.id, doc.source, _internal_error(e)))
        return out

    def _parse(self, texts: list[str]) -> list:
        """Parsed documents (or the exception one of them raised), in order. A text longer
        than the model's limit is parsed in pieces cut at paragraph breaks and joined back
        with its offsets intact; a failure costs its own document, not the batch."""
        limit = self.nlp.max_length
        short = [i for i, t in enumerate(texts) if len(t) <= limit]
        parsed: list = [None] * len(texts)
        try:
            for i, doc in zip(short, self.nlp.pipe((texts[i] for i in short), batch_size=32)):
                parsed[i] = doc
        except Exception:  # one text broke the batch: parse each alone to find which
            for i in short:
                parsed[i] = self._parse_one(texts[i])
        for i, t in enumerate(texts):
            if parsed[i] is None:
                parsed[i] = self._parse_one(t)
        return parsed

    def _parse_one(self, text: str):
        from spacy.tokens import Doc

        try:
            if len(text) <= self.nlp.max_length:
                return self.nlp(text)
            pieces = nlp.pieces(text, self.nlp.max_length)
            joined = Doc.from_docs(list(self.nlp.pipe(pieces, batch_size=4)), ensure_whitespace=False)
            if joined.text != text:  # offsets would no longer point into the cleaned text
                raise ValueError("the pieces of a long document did not join back into its text")
            return joined
        except Exception as e:
            return e

    def _analyse(self, doc: Document, parsed) -> Analysis:
        reg = self.registry
        mentions = actors_stage.find_mentions(parsed, reg, doc.published, attribution.scan_quotations(doc.text), doc.text)
        timexes = timex.tag(doc.text, doc.published)
        quotes = attribution.find_quotes(parsed, doc.id)
        actors_stage.link_speakers(parsed, quotes, mentions, reg)
        by_id = {m.id: m for m in mentions}

        def country_of(mid: int) -> str | None:
            return actors_stage.entity_of(by_id.get(mid) or mentions[mid], by_id)["country"]

        ctx = events.Context(
            doc_id=doc.id, mentions=mentions, quotes=quotes, timexes=timexes, published=doc.published,
            outlet=doc.outlet, describe=lambda tok: actors_stage.describe(tok, reg, len(mentions)),
            country_of=country_of, second_opinion=self.second_opinion,
        )
        found = events.code(parsed, ctx)
        return Analysis(document=doc, sentences=[], mentions=mentions, timexes=timexes, quotes=quotes,
                        events=found, words=sum(1 for t in parsed if not t.is_punct and not t.is_space))


_reader: Reader | None = None
_readers: dict[tuple, Reader] = {}


def _cached_reader(opts: Options, extra: tuple[Actor, ...]) -> Reader:
    """One loaded model per (model, actor files, known people) in this process, so a
    long-lived caller such as the API's POST /api/documents does not reload spaCy."""
    key = (opts.model, tuple(opts.actor_files), opts.second_opinion, tuple(sorted(a.name for a in extra)))
    if key not in _readers:
        _readers.clear()
        _readers[key] = Reader(opts, extra)
    return _readers[key]


def _die_with_parent() -> None:
    """A worker holds a loaded model (~300 MB): when the run is killed (SIGTERM, SIGKILL)
    its workers must go too, not linger on a queue nobody will ever fill. Linux kills
    us with the parent (PR_SET_PDEATHSIG); elsewhere a watchdog thread notices the orphaning."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request took hold
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="eventwatch-orphan-watch", daemon=True).start()


def _init_worker(opts: Options, extra: tuple[Actor, ...]) -> None:
    global _reader
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (the watcher stops cleanly)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    _reader = Reader(opts, extra)


def _work(raws: list[RawDocument]) -> list[Analysis | Rejected]:
    assert _reader is not None
    return _reader.analyse(raws)


def _dask_work(opts: Options, raws: list[RawDocument]) -> list[Analysis | Rejected]:
    """A batch on a dask worker: the worker process keeps one loaded model across tasks."""
    return _cached_reader(opts, ()).analyse(raws)


class _DaskPool:
    """Per-document work on a dask.distributed cluster: ``local`` starts a LocalCluster of
    ``workers`` single-threaded processes on this machine, anything else is a scheduler's
    address. Its workers need eventwatch installed and the actor files at the same paths."""

    def __init__(self, address: str, workers: int):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ValueError("--dask needs the 'dask' extra: pip install 'eventwatch[dask]'") from None
        import logging

        self.cluster = None
        if address == "local":
            import dask

            # Every submitted batch goes to a worker at once (the client keeps only
            # 2 x workers in flight), so a worker has its next batch in hand rather than
            # waiting on a scheduler that shares this process, and the GIL, with the
            # cross-document work. Workers do not sample their own stacks every 10 ms
            # (dask's profiler) nor trim malloc's heap at 64 kB (its nanny's default): each
            # cost a plain run's worker nothing and the dask worker 5-15 % (docs/scaling.md).
            with dask.config.set({"distributed.scheduler.worker-saturation": float("inf"),
                                  "distributed.worker.profile.enabled": False,
                                  "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit=0,
                                            dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(address, timeout=30)
            except OSError as e:
                raise ValueError(f"cannot reach the dask scheduler at {address}: {e}") from None
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def submit(self, opts: Options, batch: list[RawDocument]):
        return self.client.submit(_dask_work, opts, batch, pure=False)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _internal_error(e: Exception) -> str:
    where = traceback.extract_tb(e.__traceback__)[-1] if e.__traceback__ else None
    at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    return f"internal error ({type(e).__name__}: {e}{at}); please report it with this document"


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
        for q in a.quotes:
            q.speaker = _speaker_entity(q, a, ent)
        counterpart = None
        for e in a.events:
            e.actor = _dedupe([ent(i) for i in e.actor_mentions])
            e.recipient = _dedupe([ent(i) for i in e.recipient_mentions])
            if _self_directed(e):
                # Resolution across documents gave the actor the recipient's country
                # ("Lukashenka" is Belarusian): the coder's fallback guessed wrong.
                if counterpart is None:
                    counterpart = _counterparts(a, ent)
                own = {x["country"] for x in e.actor}
                e.recipient = [x for x in e.recipient if x["country"] not in own] or \
                    [c for c in counterpart if c["country"] not in own][:1]
            e.date_precision = timex.precision(e.date)
            said = _quoted_speaker(e, a.quotes)
            for r in e.reports:
                r.date = e.date
                if said is not None:
                    r.speaker = said
                elif e.speaker_mention is not None:
                    r.speaker = ent(e.speaker_mention)
            e.id = _event_id(e)


_DETERMINERS = ("the ", "a ", "an ")


def _speaker_entity(q, a: Analysis, ent) -> dict | None:
    """The contract's entity for a quotation's speaker: the mention the actor stage linked
    (a statement's issuer, a pronoun's referent), named without article or stray stops. Words
    that name nobody the text resolves ("it", "the statement") give no speaker rather than
    themselves."""
    if q.speaker_span is None:
        return None
    if q.speaker_mention is not None:
        x = dict(ent(q.speaker_mention))
    elif q.speaker_from in ("pronoun", "statement"):
        return None
    else:
        m = best_mention(a.mentions, q.speaker_span.start, q.speaker_span.end)
        x = dict(ent(m.id)) if m is not None else {"name": q.speaker_span.text, "country": None, "sector": None, "role": None}
    name = (x.get("name") or "").strip(" ,.;:\"“”‘’'«»")
    if name.lower().startswith(_DETERMINERS) and " " in name:
        name = name.split(" ", 1)[1]
    x["name"] = name
    return x


def _quoted_speaker(e: Event, quotes) -> dict | None:
    """The resolved speaker of the quotation an event's evidence sits in, if any."""
    ev = e.reports[0].evidence[0] if e.reports and e.reports[0].evidence else None
    if ev is None:
        return None
    for q in quotes:
        if q.speaker is not None and q.speaker_mention is not None and q.start <= ev.start < q.end:
            return q.speaker
    return None


def _self_directed(e: Event) -> bool:
    """A state's organs acting on the same state: an artefact, except against society."""
    own = {x["country"] for x in e.actor if x["country"] and x.get("sector") in actors_stage.STATE_SECTORS}
    return any(x["country"] in own and x.get("sector") in actors_stage.STATE_SECTORS for x in e.recipient)


def _counterparts(a: Analysis, ent) -> list[dict]:
    """The document's states by how often they are named: the implicit other party."""
    counts: dict[str, int] = {}
    first: dict[str, dict] = {}
    for m in a.mentions:
        if m.kind in ("place", "group", "name", "title"):
            x = ent(m.id)
            c = x.get("country")
            if c and len(c) == 3 and c not in NON_STATE:
                counts[c] = counts.get(c, 0) + 1
                first.setdefault(c, x if m.kind == "place" else {**x, "name": c})
    return [first[c] for c in sorted(counts, key=lambda c: -counts[c]) if counts[c] >= 2]


def _dedupe(entities: list[dict]) -> list[dict]:
    seen, out = set(), []
    for x in entities:
        key = (x["name"], x["country"])
        if key not in seen:
            seen.add(key)
            out.append(x)
    return out


def assign_stories(store: Store, new: list[stories.DocFeatures], old_stories: set[str]) -> None:
    """Link each new document to the stored documents it shares a story with, union their
    stories, then merge the reports of every story that changed into events.

    Every link that involves a new document is evaluated against all stored candidates, so
    the stories are the same whatever order the documents arrived in."""
    rules = stories.rules()
    touched: dict[str, list[str]] = {}
    with store.transaction():  # within the batch's transaction
        for f in sorted(new, key=lambda f: f.doc):
            linked = []
            for doc, data in store.candidates(f.keys(), f.doc, max_candidates=rules.max_candidates):
                other = stories.DocFeatures(doc, data.get("people", []), data.get("sketch", []), data.get("published"),
                                            data.get("terms", {}), data.get("lead", {}))
                reason = stories.link(f, other, rules)
                if reason:
                    store.add_link(f.doc, doc, reason)
                    linked.append(doc)
            joined = {s for s in store.stories_of([f.doc, *linked]).values() if s}
            members = {f.doc, *linked, *store.story_members(joined)}
            sid = stories.story_id(members)
            store.set_story(sorted(members), sid)
            for gone in joined - {sid}:
                touched.pop(gone, None)
            touched[sid] = sorted(members)
        for sid in old_stories - set(touched):
            docs = store.story_members({sid})
            if docs:
                touched[sid] = docs
    for sid, docs in touched.items():
        merge_story(store, sid, docs)


def merge_story(store: Store, story: str, docs: list[str]) -> None:
    """Recompute one story's events from its documents' own events."""
    apart = store.kept_apart()
    coded = store.coded_events(docs)
    for e in coded:
        e.story = story
    merged = stories.merge([e for e in coded if e.id not in apart], store.rewrites(docs),
                           published=store.published_of(docs)) + stories.merge(
        [e for e in coded if e.id in apart], set(), alone=True)
    for e in merged:
        e.date_precision = timex.precision(e.date)  # reports that disagree leave the event undated
    store.replace_story_events(docs, merged)


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) a span sits in: what a claim is about is often said around it."""
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right = min([i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0] or [len(text)])
    return text[left:right + 1]


def claims_of(a: Analysis) -> list[stories.Claim]:
    """Claims in one document: statements marked as claims, and accusations (an
    accusation asserts that the accused did something)."""
    text = a.document.text
    names = {stories.stem(w) for m in a.mentions if m.label in ("GPE", "NORP", "PERSON", "ORG") for w in m.text.split()}
    out = []
    for q in a.quotes:
        if q.claim and q.speaker:
            out.append(stories.Claim(stories.claim_id(a.document.id, q.start), a.document.id, q.text, q.speaker, [],
                                     stories.matter(_sentence_around(text, q.start, q.end), names), q.start, q.end))
    for e in a.events:
        if e.event == "ACCUSE" and e.actor:
            ev = e.reports[0].evidence[0]
            out.append(stories.Claim(stories.claim_id(a.document.id, ev.start), a.document.id, ev.text, e.actor[0],
                                     sorted({x["country"] for x in e.recipient if x.get("country")}),
                                     stories.matter(ev.text, names), ev.start, ev.end))
    return list({c.id: c for c in out}.values())


def link_claims(store: Store, new: list[stories.Claim]) -> None:
    """Store claims and link each to stored claims on the same matter: counter-claims from
    the other side, echoes from the same side, third parties."""
    store.save_claims(new, [])
    rows, index = store.claims_by_key({k for c in new for k in c.matter})
    links = []
    for c in new:
        for cid in sorted({i for k in c.matter for i in index.get(k, ())} - {c.id}):
            row = rows[cid]
            other = stories.Claim(row["id"], row["doc"], row["text"], row["claimant"], row["target"], row["matter"])
            found = stories.relation(c, other)
            if found:
                a, b = sorted((c.id, other.id))
                links.append((a, b, found[0], found[1]))
    store.save_claims([], links)


def split_event(store: Store, event_id: str) -> list[str]:
    """An analyst's "these are not the same act": keep the event's reports apart from now
    on and recompute its story. Returns the ids of the events that replace it."""
    with store.transaction():
        return _split_event(store, event_id)


def _split_event(store: Store, event_id: str) -> list[str]:
    row = store.db.execute("SELECT coded, story FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is None:
        raise KeyError(event_id)
    coded = json.loads(row["coded"] or "[]")
    if len(coded) < 2:
        raise ValueError(f"event {event_id} was coded from one report only; there is nothing to split")
    store.keep_apart(coded)
    docs = [r[0] for r in store.db.execute("SELECT DISTINCT doc FROM reports WHERE event = ?", (event_id,))]
    story = row["story"]
    merge_story(store, story, store.story_members({story}) or docs if story else docs)
    found = store.db.execute(f"SELECT DISTINCT event FROM reports WHERE event != ? AND doc IN ({','.join('?' * len(docs))})",
                             [event_id, *docs]).fetchall()
    return sorted(e[0] for e in found if json.loads(
        store.db.execute("SELECT coded FROM events WHERE id = ?", (e[0],)).fetchone()[0])[0] in coded)


# --- the run ---------------------------------------------------------------------------

@dataclass
class RunResult:
    processed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already stored, unchanged
    rejected: list[Rejected] = field(default_factory=list)
    events: int = 0
    words: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    requests: int = 0  # HTTP requests made for URL inputs
    waited: float = 0.0  # seconds of those spent on the network, politeness delays and backoff
    fetching: float = 0.0  # seconds spent in the fetch stage, the wait above included
    unchanged: list[str] = field(default_factory=list)  # feeds and sitemaps that answered 304
    notes: list[str] = field(default_factory=list)  # how the run was carried out, when it differs from what was asked

    @property
    def doc_ids(self) -> list[str]:
        return self.processed + self.skipped


def _batches(items: Iterator[RawDocument | Rejected], size: int, result: RunResult, store: Store,
             reprocess: bool, version: str, rejected: list[Rejected],
             progress: Callable[[str, str], None] | None) -> Iterator[list[RawDocument]]:
    batch: list[RawDocument] = []
    pages: dict[str, list[bytes]] = {}  # host -> raw pages of that site met so far
    for item in items:
        if isinstance(item, Known):  # a URL fetched in an earlier run
            if item.id not in result.skipped:
                result.skipped.append(item.id)
            if progress:
                progress("skipped", item.id)
            continue
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
        batch.append(_with_site_lines(item, store, pages))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _with_site_lines(item: RawDocument, store: Store, pages: dict[str, list[bytes]]) -> RawDocument:
    """Give a page the lines its site's other pages (stored, or earlier in this run) carry,
    so the cleaner drops a site's furniture even on a site no rule knows."""
    host = clean.url_host(item.url)
    if not host:
        return item
    if host not in pages:
        pages[host] = store.site_pages(host)
    item.site_lines = clean.shared_lines(item.raw, pages[host])
    pages[host].append(item.raw)
    return item


def run(inputs: Iterable[str | Path], opts: Options, progress: Callable[[str, str], None] | None = None) -> RunResult:
    """Process the files, folders and http(s) URLs (pages, feeds, sitemaps) ``inputs`` into
    the store. ``progress(kind, doc_id)`` is called per document with kind "done",
    "skipped" or "rejected"."""
    inputs = list(inputs)
    is_url = lambda i: isinstance(i, str) and re.match(r"^https?://", i, re.I)  # noqa: E731
    if not any(is_url(i) for i in inputs):
        return process(ingest.read_inputs(inputs, opts.max_bytes, opts.follow_links), opts, progress)
    from . import fetch  # the HTTP client loads only when there is something to fetch

    return fetch_and_process([fetch.Source(i) for i in inputs if is_url(i)], opts, progress,
                             files=[i for i in inputs if not is_url(i)], conditional=False)


class _FetchState:
    """The fetch stage's view of the store (read only: the pipeline writes what it learnt)."""

    def __init__(self, store: Store):
        self.store = store

    def get(self, url: str) -> dict | None:
        return self.store.fetch_state(url)

    def stored(self, doc_id: str) -> bool:
        return self.store.has_document(doc_id)


def fetch_and_process(sources: list["fetch.Source"], opts: Options, progress: Callable[[str, str], None] | None = None,
                      files: list = (), conditional: bool = True, should_stop: Callable[[], bool] = lambda: False,
                      sleep: Callable[[float], None] = time.sleep, fetch_settings: "fetch.Settings | None" = None) -> RunResult:
    """Fetch ``sources`` (and read ``files``), process what is new, then record what was
    fetched: ``conditional`` revalidates feeds with their ETag / Last-Modified (the watcher;
    ``run`` lists a feed's articles every time, fetching only the new ones)."""
    from . import fetch

    s = fetch_settings or fetch.settings(allow_private=opts.allow_private)
    state = Store(opts.db)
    try:
        with fetch.Reader(s, _FetchState(state), max_bytes=opts.max_bytes, conditional=conditional,
                          should_stop=should_stop, sleep=sleep) as reader:
            spent = [0.0]  # seconds inside the fetch stage, network included

            def fetched() -> Iterator[RawDocument | Rejected | Known]:
                for source in sources:
                    if should_stop():
                        break
                    items = reader.read(source)
                    while True:
                        t0 = time.perf_counter()
                        item = next(items, None)
                        spent[0] += time.perf_counter() - t0
                        if item is None:
                            break
                        if isinstance(item, RawDocument):
                            item = ingest.check_bytes(item.id, item.source, item.raw, opts.max_bytes) or item
                        yield item

            items = itertools.chain(ingest.read_inputs(files, opts.max_bytes, opts.follow_links), fetched())
            result = process(items, opts, progress)
            state.save_fetch_state(reader.pending)  # only once the documents are stored
            result.requests, result.waited = reader.client.stats.requests, reader.client.stats.waited
            result.fetching = spent[0]
            result.unchanged = list(reader.unchanged)
    finally:
        state.close()
    return result


def process(raws: Iterable[RawDocument | Rejected], opts: Options,
            progress: Callable[[str, str], None] | None = None) -> RunResult:
    """Process documents already in memory (the API's entry point; ``run`` reads files)."""
    t0 = time.perf_counter()
    result = RunResult()
    for path in opts.actor_files:
        actors_stage.check_actor_file(path)  # ValueError: refused before the store remembers it
    store = Store(opts.db)
    try:
        if opts.actor_files:
            store.remember_actor_files(opts.actor_files)
        remembered = []
        given = {str(Path(p).resolve()) for p in opts.actor_files}
        for path in store.actor_files():
            if path in given:
                continue
            if not Path(path).is_file():
                result.warnings.append(f"actor file {path} (remembered by the store) is gone; running without it")
                continue
            try:
                actors_stage.check_actor_file(path)
            except ValueError as e:
                result.warnings.append(f"{e}; running without it (remembered by the store: "
                                       f"'eventwatch actors --forget {path}' drops it)")
                continue
            remembered.append(path)
        opts.actor_files = tuple(dict.fromkeys([*remembered, *(str(Path(p).resolve()) for p in opts.actor_files)]))
        # People inferred by earlier runs join the resolution across documents here, in the
        # main process, but never the reading of a document: a document's coding depends
        # only on its bytes, the actor files and the pipeline version (what the store keys
        # it by), so a run resumed after a kill codes it exactly as an uninterrupted run.
        known_people = tuple(store.inferred_actors())
        met: list[Actor] = []  # people inferred in earlier batches of this run
        stored = {id(p) for p in known_people}
        registry = actors_stage.load_registry(tuple(opts.actor_files))
        version = pipeline_version()
        ingest_rejected: list[Rejected] = []
        batches = _batches(iter(raws), opts.batch_size, result, store, opts.reprocess, version, ingest_rejected, progress)

        def handle(batch: list[RawDocument], out: list[Analysis | Rejected]) -> None:
            analyses = [a for a in out if isinstance(a, Analysis)]
            bad = [r for r in out if isinstance(r, Rejected)]
            # Inferred people in one canonical order (by name), whether met earlier in this run
            # or read back from the store after an interruption: the first candidate wins a tie.
            people = actors_stage.resolve_people(
                analyses, [*registry.people, *sorted([*known_people, *met], key=lambda p: (p.name, p.country or ""))])
            met[:] = [p for p in people if p.inferred and id(p) not in stored]
            finish(analyses, people)
            feats = {a.document.id: stories.features(a) for a in analyses}
            claims = [c for a in analyses for c in claims_of(a)]
            with store.transaction():  # a batch is written whole, and never interleaved with another run's
                replaced = store.stories_of(feats)
                store.write_batch(analyses, {r.id: r.raw for r in batch}, version, bad,
                                  {d: {**asdict(f), "keys": f.keys()} for d, f in feats.items()})
                assign_stories(store, list(feats.values()), {s for s in replaced.values() if s})
                link_claims(store, claims)
                store.save_actors(_actors_seen(analyses, people, registry))
            result.rejected.extend(bad)
            for a in analyses:
                result.warnings.extend(f"{a.document.source or a.document.id}: {n}" for n in a.document.notes)
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
        use_dask = bool(opts.dask)
        if first is not None and opts.dask == "local" and opts.dask_min_docs > 0:
            # A LocalCluster takes 2-3 s more to start than forked processes, a fifth of a
            # 136-document run on 2 cores: below dask_min_docs new documents, local
            # processes read them (the same events either way; docs/scaling.md).
            ahead, n = [first], len(first)
            while n < opts.dask_min_docs and (more := next(batches, None)) is not None:
                ahead.append(more)
                n += len(more)
            if n < opts.dask_min_docs:
                use_dask = False
                result.notes.append(f"--dask local: {n} new document(s), fewer than {opts.dask_min_docs}; read in "
                                    f"local processes, as a cluster would take longer to start than it saves")
            first, batches = ahead[0], _chain_all(ahead[1:], batches)
        if first is None:
            pass  # nothing new: every input was stored already or rejected
        elif use_dask:
            # Only the per-document reading runs on the cluster; results come back in
            # submission order and everything across documents happens here, as in a
            # plain run, so the events are exactly a plain run's.
            cluster = _DaskPool(opts.dask, workers)
            try:
                pending_d: deque[tuple[list[RawDocument], object]] = deque()
                for batch in _chain(first, batches):
                    pending_d.append((batch, cluster.submit(opts, batch)))
                    if len(pending_d) >= 2 * cluster.workers:
                        b, fut = pending_d.popleft()
                        handle(b, fut.result())
                while pending_d:
                    b, fut = pending_d.popleft()
                    handle(b, fut.result())
            finally:
                cluster.close()
        elif workers == 1 or len(first) < opts.batch_size:
            reader = _cached_reader(opts, ())
            handle(first, reader.analyse(first))
            for batch in batches:
                handle(batch, reader.analyse(batch))
        else:
            with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(opts, ())) as pool:
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


def _chain_all(firsts, rest):
    yield from firsts
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
