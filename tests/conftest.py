"""Shared fixtures: the bundled sample corpus, its gold, and one real run of it."""
from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "belarus-lithuania-2025"
SAMPLE_ACTORS = ROOT / "examples" / "belarus-lithuania-2025.actors.toml"
GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"
# A year-less dateline takes the year its weekday fits in a window ending at the run date
# (clean.year_from_weekday): the suite pins that date so its results do not change with time.
os.environ.setdefault("EVENTWATCH_TODAY", "2024-06-30")
SCORER = ROOT.parent / "shared" / "tools" / "score_events.py"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@dataclass
class SampleRun:
    out: Path
    db: Path | str  # a SQLite file, or a postgresql:// URL
    result: object

    def rows(self, table: str) -> list[dict]:
        return read_jsonl(self.out / f"{table}.jsonl")


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> SampleRun:
    """The sample corpus through the real pipeline, once per test session."""
    from eventwatch import export, pipeline
    from eventwatch.settings import Options
    from eventwatch.store import Store

    tmp = tmp_path_factory.mktemp("sample")
    opts = Options(db=tmp / "store.db", actor_files=(str(SAMPLE_ACTORS),), workers=1)
    result = pipeline.run([SAMPLE], opts)
    with Store(opts.db) as store:
        export.export(store, tmp / "out", "jsonl", result.doc_ids)
    return SampleRun(out=tmp / "out", db=opts.db, result=result)


@pytest.fixture(scope="session")
def scorer():
    """The project's scorer (../shared/tools/score_events.py), which CI has beside the clone."""
    if not SCORER.exists():
        pytest.fail(f"scorer not found at {SCORER}: the shared/ folder must sit beside the repository")
    spec = importlib.util.spec_from_file_location("score_events", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def nlp_pipeline():
    from eventwatch import actors, nlp

    reg = actors.load_registry((str(SAMPLE_ACTORS),))
    return nlp.load(None, reg.ruler_patterns()), reg


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster (Debian's binaries; .ci/run installs them), or a skip."""
    from pg_cluster import Cluster, binaries

    bindir = binaries()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql): PostgreSQL store tests skipped")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg not installed (the 'postgres' extra): PostgreSQL store tests skipped")
    cluster = Cluster(bindir).start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_sample_run(pg_cluster, tmp_path_factory) -> SampleRun:
    """The sample corpus through the real pipeline into a PostgreSQL store, once per session.
    Its database is the template the API tests copy (CREATE DATABASE ... TEMPLATE)."""
    from eventwatch import export, pipeline
    from eventwatch.settings import Options
    from eventwatch.store import Store

    tmp = tmp_path_factory.mktemp("pg-sample")
    url = pg_cluster.create_database("sample")
    opts = Options(db=url, actor_files=(str(SAMPLE_ACTORS),), workers=1)
    result = pipeline.run([SAMPLE], opts)
    with Store(url) as store:
        export.export(store, tmp / "out", "jsonl", result.doc_ids)
    return SampleRun(out=tmp / "out", db=url, result=result)


# --- coding made-up texts through the real per-document stages --------------------------

@pytest.fixture(scope="module")
def reader():
    """One Reader per module (a module may set its options, as the second opinion does)."""
    from eventwatch import pipeline
    from eventwatch.settings import Options

    return pipeline.Reader(Options(workers=1))


@pytest.fixture(scope="module")
def code(reader):
    """Parse a text, find its mentions, times, quotes and events as the pipeline's reader
    does (without cleaning, which would take a one-line text for a headline), resolve its
    people, and return its events. Published 2024-03-14, a Thursday, unless told otherwise."""
    from eventwatch import actors, pipeline
    from eventwatch.model import Document

    def run(text: str, published: str | None = "2024-03-14"):
        doc = Document(id="t", text=text, content_hash=str(hash(text)), published=published)
        analysis = reader._analyse(doc, reader.nlp(text))
        pipeline.finish([analysis], actors.resolve_people([analysis], reader.registry.people))
        return analysis.events
    return run
