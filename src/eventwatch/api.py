"""The HTTP API and the dashboard that sits on it (FastAPI, served by ``eventwatch serve``).

Every read goes through :mod:`eventwatch.query`, the same layer the CLI exports use, so
the API, the dashboard and the files show the same records. Lists are also served as
CSV (``/api/events.csv``, ...) with the same filters. Writes run the real pipeline and
need ``Authorization: Bearer <EVENTWATCH_API_TOKEN>``; a server without a token refuses
every write. The dashboard is static files built from npm packages at development time
and shipped in this package, so nothing is fetched when it runs.
"""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import threading
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Callable, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, model_validator

from . import limits, query
from .export import FLAT_COLUMNS, csv_cell, flat_events
from .query import EVENT_TYPES, EventFilter
from .store import Store, is_server, location, server_pool

TOKEN_ENV = "EVENTWATCH_API_TOKEN"
READ_TOKEN_ENV = "EVENTWATCH_READ_TOKEN"
HOSTS_ENV = "EVENTWATCH_ALLOWED_HOSTS"
MAX_OFFSET = limits.api("max_offset")
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
STATIC = Path(str(resources.files("eventwatch") / "web" / "static"))
# The dashboard loads only its own files; nothing inline, nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

Limit = Annotated[int, Query(ge=1, le=1000, description="Rows per page.")]
CsvLimit = Annotated[int | None, Query(ge=1, le=MAX_OFFSET, description="Rows (default: every matching row).")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")]
Sort = Annotated[str, Query(pattern=r"^-?(date|score|confidence|type|id)$",
                            description="date, score, confidence, type or id; prefix - for descending.")]
ActorSort = Annotated[str, Query(pattern=r"^-?(name|mentions|events)$", description="name, mentions or events; - for descending.")]
ActorQ = Annotated[str | None, Query(max_length=200, description="Part of a name or alias.")]
Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")]
Sector = Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="PLOVER sector code.")]
StoryQ = Annotated[str | None, Query(max_length=200, description="Part of a document title.")]
Outlet = Annotated[str | None, Query(max_length=200, description="Only stories this outlet reported.")]
StorySort = Annotated[str, Query(pattern=r"^-?(date|events|documents|id)$", description="date, events, documents or id.")]
Side = Annotated[str, Query(min_length=1, max_length=200, description="Country code or actor name.")]
Interval = Annotated[Literal["day", "week", "month"], Query(description="Bucket size.")]
Level = Annotated[Literal["actor", "country"], Query(description="Nodes are actors or countries.")]
Nodes = Annotated[int, Query(ge=1, le=500, description="Keep this many of the busiest nodes.")]


def _bad(field: str, msg: str, value: Any) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ("query", field), "msg": msg, "input": value}])


def _check_date(field: str, value: str | None) -> str | None:
    if value:
        try:
            date.fromisoformat(value + {4: "-01-01", 7: "-01"}.get(len(value), ""))
        except ValueError:
            raise _bad(field, "not a calendar date (YYYY, YYYY-MM or YYYY-MM-DD)", value) from None
    return value


def event_filter(
    actor: Annotated[str | None, Query(max_length=200, description="Actor name, any spelling seen.")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$", description="The actor's country (ISO alpha-3 or IGO, EUR, ...).")] = None,
    recipient: Annotated[str | None, Query(max_length=200, description="The recipient's country code or name.")] = None,
    type: Annotated[str | None, Query(max_length=200, description="PLOVER event type(s), comma-separated.")] = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=DATE_PATTERN, description="Earliest event date (inclusive).")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=DATE_PATTERN, description="Latest event date (inclusive).")] = None,
    story: Annotated[str | None, Query(max_length=200, description="Story id.")] = None,
    doc: Annotated[str | None, Query(max_length=500, description="Only events reported by this document.")] = None,
    dyad: Annotated[str | None, Query(pattern=r"^[^,]+,[^,]+$", description="Two sides, comma-separated (codes or names); either direction.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the evidence, trigger, names or outlet.")] = None,
    party: Annotated[str | None, Query(max_length=200, description="An actor or country on either side (name or code).")] = None,
) -> EventFilter:
    """The event filters, shared by the JSON and CSV forms of every event view."""
    types: tuple[str, ...] = ()
    if type:
        types = tuple(dict.fromkeys(t.strip().upper() for t in type.split(",") if t.strip()))
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown:
            raise _bad("type", f"unknown event type {', '.join(unknown)}; PLOVER types are {', '.join(EVENT_TYPES)}", type)
    pair = tuple(x.strip() for x in dyad.split(",")) if dyad else None
    return EventFilter(actor=actor, country=country, recipient=recipient, types=types,
                       date_from=_check_date("from", date_from), date_to=_check_date("to", date_to),
                       story=story, doc=doc, dyad=pair, q=q, party=party)


Filter = Annotated[EventFilter, Depends(event_filter)]


class DocumentIn(BaseModel):
    """A document to process: its text or its HTML, and whatever metadata is known."""

    text: str | None = Field(None, description="Plain article text.")
    html: str | None = Field(None, description="The article's HTML page.")
    id: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$",
                           description="Document id (default: derived from the content).")
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=200)
    published: str | None = Field(None, pattern=r"^(\d{4}|XXXX)(-\d{2}(-\d{2})?)?$",
                                  description="Publication date, YYYY-MM-DD.")

    @model_validator(mode="after")
    def _one_body(self) -> "DocumentIn":
        if bool(self.text and self.text.strip()) == bool(self.html and self.html.strip()):
            raise ValueError("give exactly one of 'text' or 'html', not empty")
        for name in ("text", "html", "url", "title", "outlet"):
            value = getattr(self, name) or ""
            at = next((i for i, c in enumerate(value) if "\ud800" <= c <= "\udfff"), None)
            if at is not None:  # JSON allows "\ud800" alone; UTF-8 cannot hold it
                raise ValueError(f"'{name}' holds a lone surrogate (\\u{ord(value[at]):04x}) at character {at}; "
                                 "send valid Unicode")
        return self


def _csv(rows: list[dict], fields: list[str], name: str) -> Response:
    """CSV as `eventwatch export` writes it: lists and objects become JSON text (events
    come flat, one value per cell, as `--format flat` writes them)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: csv_cell(v) for k, v in r.items()})
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{name}.csv"'})


def _page(request: Request, items: list, total: int, limit: int, offset: int, **extra) -> dict:
    nxt = str(request.url.include_query_params(offset=offset + limit)) if offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset, **extra, "next": nxt, "items": items}


def _sorted(rows: list[dict], sort: str, keys: dict[str, Callable[[dict], Any]]) -> list[dict]:
    """Sort in Python (actors and stories are few); missing values always go last."""
    key = keys[sort.lstrip("-")]
    present = [r for r in rows if key(r) is not None]
    missing = [r for r in rows if key(r) is None]
    return sorted(present, key=key, reverse=sort.startswith("-")) + missing


EVENT_CSV = FLAT_COLUMNS  # the same header whether any event matches or none
ACTOR_SORTS = {"name": lambda a: a["name"].casefold(), "mentions": lambda a: a["mentions"], "events": lambda a: a["events"]}
STORY_SORTS = {"date": lambda s: max((d["published"] or "" for d in s["documents"]), default="") or None,
               "events": lambda s: s["events"], "documents": lambda s: len(s["documents"]), "id": lambda s: s["id"]}


def create_app(db: str | Path, token: str | None = None, read_token: str | None = None,
               host: str = "127.0.0.1", allowed_hosts: list[str] | None = None) -> FastAPI:
    """The application over the store at ``db``. ``token`` (default: $EVENTWATCH_API_TOKEN)
    guards the write API; without one, writes are refused. Reads need ``read_token``
    (default: $EVENTWATCH_READ_TOKEN) when one is given, and a token always when ``host``
    is reachable from other machines (the write token then opens reads too). Requests
    must name this server in their Host header: ``host``, loopback names and
    ``allowed_hosts`` (default: $EVENTWATCH_ALLOWED_HOSTS, comma-separated).
    Raises ValueError for a token too short to resist guessing."""
    db = location(db) if isinstance(db, str) else Path(db)
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    read_token = read_token if read_token is not None else os.environ.get(READ_TOKEN_ENV) or None
    shortest = limits.api("min_token_chars")
    for name, value in ((TOKEN_ENV, token), (READ_TOKEN_ENV, read_token)):
        if value and len(value) < shortest:
            raise ValueError(f"{name} is {len(value)} characters; use at least {shortest} (e.g. from 'openssl rand -hex 16')")
    if allowed_hosts is None:
        allowed_hosts = [h.strip() for h in os.environ.get(HOSTS_ENV, "").split(",") if h.strip()]
    hosts = {h.strip("[]").lower() for h in [*limits.api("local_hosts"), *allowed_hosts]}
    if host not in ("0.0.0.0", "::", ""):
        hosts.add(host.strip("[]").lower())
    readers = [t for t in (read_token, token if not is_loopback(host) else None) if t]
    if not is_loopback(host) and not readers:
        raise ValueError(f"refusing to serve {host}, which other machines can reach, without a token: set {READ_TOKEN_ENV} "
                         f"or {TOKEN_ENV}")
    Store(db, create=False).close()  # fails early, with StoreError, on a missing file or one that is not a store
    # PostgreSQL: the server threads borrow connections from one pool, per statement.
    pool = server_pool(db) if is_server(db) else None
    local = threading.local()
    write_lock = threading.Lock()

    def reader() -> Store:
        """One store per server thread: SQLite connections are not shared across threads
        (a PostgreSQL store's statements take a connection from the pool)."""
        if getattr(local, "store", None) is None:
            local.store = Store(db, create=False, pool=pool)
        return local.store

    def authorised(request: Request) -> None:
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if not token:
            raise HTTPException(401, f"writes are disabled: start the server with {TOKEN_ENV} set",
                                headers={"WWW-Authenticate": "Bearer"})
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), token.encode()):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    app = FastAPI(title="eventwatch", version=_version(),
                  description="A sourced, dated record of political events (PLOVER 2.0): who did what to whom, "
                              "and who says so. Every list is also served as CSV at the same path plus `.csv`.",
                  docs_url=None, redoc_url=None)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.add_middleware(Guard, hosts=hosts, read_tokens=readers, write_token=token,
                       max_body=limits.api("max_body_bytes"))

    @app.exception_handler(RequestValidationError)
    async def short_422(request: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's 422 names the parameter; it also echoed the whole bad value (60 KB in, 60 KB out)."""
        detail = [{k: (_clip(v) if k in ("input", "msg") else v) for k, v in e.items() if k != "ctx" or isinstance(v, dict)}
                  for e in exc.errors()]
        # ASCII-escaped: a lone surrogate in the input cannot be encoded as UTF-8.
        return Response(json.dumps({"detail": detail}, default=str), status_code=422, media_type="application/json")

    # --- events ------------------------------------------------------------------------
    def events_page(f: EventFilter, sort: str, limit: int | None, offset: int) -> tuple[int, list[dict]]:
        store = reader()
        return query.count_events(store, f), query.find_events(store, f, sort, limit, offset)

    @app.get("/api/events", tags=["events"], summary="Events, filtered, sorted and paged")
    def list_events(request: Request, f: Filter, sort: Sort = "date", limit: Limit = 50, offset: Offset = 0) -> dict:
        total, items = events_page(f, sort, limit, offset)
        return _page(request, items, total, limit, offset, sort=sort)

    @app.get("/api/events.csv", tags=["events"], response_class=Response,
             summary="Events as a flat CSV: one row per event, one value per cell ('eventwatch export --format flat')")
    def list_events_csv(f: Filter, sort: Sort = "date", limit: CsvLimit = None, offset: Offset = 0) -> Response:
        _, items = events_page(f, sort, limit, offset)
        return _csv(flat_events(reader(), items), EVENT_CSV, "events")

    @app.get("/api/events/{event_id}", tags=["events"], summary="One event with every report, its evidence and document")
    def get_event(event_id: str) -> dict:
        found = query.event(reader(), event_id)
        if found is None:
            raise HTTPException(404, f"no event {_shown(event_id)}")
        return found

    # --- actors, countries ---------------------------------------------------------------
    def actor_rows(q: str | None, country: str | None, sector: str | None, sort: str) -> list[dict]:
        rows = query.actor_list(reader())
        if q:
            want = q.casefold()
            rows = [a for a in rows if any(want in n.casefold() for n in (a["name"], *a["aliases"]))]
        if country:
            rows = [a for a in rows if (a["country"] or "").upper() == country.upper()]
        if sector:
            rows = [a for a in rows if (a["sector"] or "").upper() == sector.upper()]
        return _sorted(rows, sort, ACTOR_SORTS)

    @app.get("/api/actors", tags=["actors"], summary="Resolved actors with their spellings, mentions and events")
    def list_actors(request: Request, q: ActorQ = None, country: Country = None, sector: Sector = None,
                    sort: ActorSort = "-events", limit: Limit = 50, offset: Offset = 0) -> dict:
        rows = actor_rows(q, country, sector, sort)
        return _page(request, rows[offset:offset + limit], len(rows), limit, offset, sort=sort)

    @app.get("/api/actors.csv", tags=["actors"], summary="Actors as CSV", response_class=Response)
    def list_actors_csv(q: ActorQ = None, country: Country = None, sector: Sector = None,
                        sort: ActorSort = "-events", limit: CsvLimit = None, offset: Offset = 0) -> Response:
        rows = actor_rows(q, country, sector, sort)[offset:]
        return _csv(rows[:limit] if limit else rows,
                    ["name", "country", "sector", "role", "kind", "aliases", "mentions", "events", "inferred"], "actors")

    @app.get("/api/countries", tags=["actors"], summary="Countries taking part in events")
    def list_countries() -> dict:
        items = query.countries(reader())
        return {"total": len(items), "items": items}

    @app.get("/api/countries.csv", tags=["actors"], summary="Countries as CSV", response_class=Response)
    def list_countries_csv() -> Response:
        return _csv(query.countries(reader()), ["code", "name", "events"], "countries")

    # --- stories and documents -----------------------------------------------------------
    @app.get("/api/stories", tags=["stories"], summary="Stories: documents reporting the same story, and their outlets")
    def list_stories(request: Request, q: StoryQ = None, outlet: Outlet = None, sort: StorySort = "-date",
                     limit: Limit = 50, offset: Offset = 0) -> dict:
        rows = _sorted(query.stories(reader(), q, outlet), sort, STORY_SORTS)
        return _page(request, rows[offset:offset + limit], len(rows), limit, offset, sort=sort)

    @app.get("/api/stories.csv", tags=["stories"], summary="Stories as CSV", response_class=Response)
    def list_stories_csv(q: StoryQ = None, outlet: Outlet = None, sort: StorySort = "-date",
                         limit: CsvLimit = None, offset: Offset = 0) -> Response:
        rows = _sorted(query.stories(reader(), q, outlet), sort, STORY_SORTS)[offset:]
        return _csv(rows[:limit] if limit else rows,
                    ["id", "title", "outlets", "documents", "events", "first_date", "last_date"], "stories")

    @app.get("/api/stories/{story_id}", tags=["stories"], summary="One story: its documents, outlets and events")
    def get_story(story_id: str) -> dict:
        found = query.story(reader(), story_id)
        if found is None:
            raise HTTPException(404, f"no story {_shown(story_id)}")
        return found

    @app.get("/api/documents/{doc_id:path}", tags=["documents"],
             summary="A document's cleaned text with the evidence of its events marked")
    def get_document(doc_id: str) -> dict:
        found = query.document(reader(), doc_id)
        if found is None:
            raise HTTPException(404, f"no document {_shown(doc_id)}")
        return found

    # --- time series and network --------------------------------------------------------
    @app.get("/api/dyads", tags=["analysis"], summary="Events between two sides over time: counts by type, mean score")
    def get_dyads(a: Side, b: Side, f: Filter, interval: Interval = "week") -> dict:
        return query.dyad_series(reader(), a, b, interval, f)

    @app.get("/api/dyads.csv", tags=["analysis"], summary="The dyad time series as CSV", response_class=Response)
    def get_dyads_csv(a: Side, b: Side, f: Filter, interval: Interval = "week") -> Response:
        data = query.dyad_series(reader(), a, b, interval, f)
        rows = [{"period": s["period"], "start": s["start"], "end": s["end"], "n": s["n"], "mean_score": s["mean_score"],
                 "a_to_b_n": s["a_to_b"]["n"], "a_to_b_mean_score": s["a_to_b"]["mean_score"],
                 "b_to_a_n": s["b_to_a"]["n"], "b_to_a_mean_score": s["b_to_a"]["mean_score"],
                 **{t: s["counts"].get(t, 0) for t in EVENT_TYPES}, "on_or_before_n": s["before"]["n"],
                 **{f"on_or_before_{t}": s["before"]["counts"].get(t, 0) for t in EVENT_TYPES}} for s in data["series"]]
        return _csv(rows, ["period", "start", "end", "n", "mean_score", "a_to_b_n", "a_to_b_mean_score",
                           "b_to_a_n", "b_to_a_mean_score", *EVENT_TYPES, "on_or_before_n",
                           *(f"on_or_before_{t}" for t in EVENT_TYPES)], "dyads")

    @app.get("/api/network", tags=["analysis"], summary="Actors as nodes, events between them as edges")
    def get_network(f: Filter, level: Level = "actor", nodes: Nodes = 60) -> dict:
        return query.network(reader(), f, level, nodes)

    @app.get("/api/network.csv", tags=["analysis"], summary="The network's edges as CSV", response_class=Response)
    def get_network_csv(f: Filter, level: Level = "actor", nodes: Nodes = 60) -> Response:
        return _csv(query.network(reader(), f, level, nodes)["edges"], ["source", "target", "n", "mean_score", "counts"],
                    "network")

    # --- writes --------------------------------------------------------------------------
    @app.post("/api/documents", tags=["documents"], status_code=201, dependencies=[Depends(authorised)],
              summary="Process a document through the pipeline and return its events",
              responses={200: {"description": "Already stored with these exact bytes; its events"},
                         401: {"description": "Missing or wrong bearer token"},
                         422: {"description": "Invalid body, or the document was rejected (reason given)"}})
    def post_document(body: DocumentIn) -> JSONResponse:
        from . import ingest, pipeline
        from .model import RawDocument
        from .settings import Options

        raw = (body.text or body.html or "").encode("utf-8")
        doc_id = body.id or "api-" + hashlib.sha256(raw).hexdigest()[:16]
        source = body.url or "api"
        bad = ingest.check_bytes(doc_id, source, raw, ingest.DEFAULT_MAX_BYTES)
        if bad is not None:
            raise HTTPException(422, f"document {doc_id} rejected: {bad.reason}")
        doc = RawDocument(id=doc_id, source=source, raw=raw, kind="html" if body.html else "text",
                          title=body.title, outlet=body.outlet, published=body.published, url=body.url)
        with write_lock:
            result = pipeline.process([doc], Options(db=db, workers=1))
        if result.rejected:
            raise HTTPException(422, f"document {doc_id} rejected: {result.rejected[0].reason}")
        stored = result.doc_ids[0]
        events = query.find_events(reader(), EventFilter(doc=stored), limit=None)
        return JSONResponse({"doc": stored, "status": "processed" if result.processed else "unchanged",
                             "document": f"/api/documents/{stored}", "events": events},
                            status_code=201 if result.processed else 200)

    # --- the dashboard -------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app


def _clip(value: Any) -> Any:
    """A value shown back in an error, cut to limits.toml's max_echo_chars."""
    n = limits.api("max_echo_chars")
    if isinstance(value, str) and len(value) > n:
        return value[:n] + f"... ({len(value)} characters)"
    if isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, default=str, ensure_ascii=False)
        return value if len(text) <= n else text[:n] + f"... ({len(text)} characters)"
    return value


def _shown(value: str) -> str:
    return repr(_clip(value))


def _bearer(headers: dict[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _token_ok(given: str | None, tokens: list[str]) -> bool:
    return given is not None and any(hmac.compare_digest(given.encode(), t.encode()) for t in tokens)


class Guard:
    """What is checked before any handler runs or any body is read (a pure ASGI layer):
    the Host header (DNS rebinding), NUL bytes in query parameters (SQLite cuts a string
    at NUL, so "q=%00" matched every event), the read token where reads need one, and for
    writes the token first and then the body size, so nobody without the token can make
    the server read or parse a byte of their body."""

    def __init__(self, app, hosts: set[str], read_tokens: list[str], write_token: str | None, max_body: int):
        self.app, self.hosts, self.read_tokens, self.write_token, self.max_body = app, hosts, read_tokens, write_token, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = _host_name(headers.get("host", ""))
        if host not in self.hosts:
            return await _reply(send, 421, f"this server does not answer for host {_shown(host)}; "
                                f"add it to {HOSTS_ENV} if clients reach the server by that name")
        from urllib.parse import parse_qsl

        for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
            if "\x00" in key or "\x00" in value:
                return await _reply(send, 422, [{"type": "value_error", "loc": ["query", _clip(key)],
                                                 "msg": "a NUL character is not allowed in a parameter"}])
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            if self.read_tokens and (scope["path"].startswith("/api/") or scope["path"] == "/openapi.json") \
                    and not _token_ok(_bearer(headers), self.read_tokens):
                return await _reply(send, 401, "reads need a bearer token on this server", bearer=True)
            return await self.app(scope, receive, send)
        if not self.write_token:
            return await _reply(send, 401, f"writes are disabled: start the server with {TOKEN_ENV} set", bearer=True)
        if not _token_ok(_bearer(headers), [self.write_token]):
            return await _reply(send, 401, "missing or wrong bearer token", bearer=True)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return await _reply(send, 413, f"body over {self.max_body} bytes")
        body, more = [], True
        size = 0
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return await _reply(send, 413, f"body over {self.max_body} bytes")
            body.append(chunk)
            more = message.get("more_body", False)
        whole = b"".join(body)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


def _host_name(value: str) -> str:
    """The name in a Host header, without its port ("[::1]:8000" is "::1")."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


async def _reply(send, status: int, detail, bearer: bool = False) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               *((k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items())]
    if bearer:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eventwatch")
    except PackageNotFoundError:
        return "0"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    import ipaddress

    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
