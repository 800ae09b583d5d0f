"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, the server
listening only on a Unix socket inside it, stopped and removed at the end. As root (CI),
the server runs as the unprivileged user ``nobody``: PostgreSQL refuses to run as root."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "eventwatch"


def binaries() -> Path | None:
    """Debian's PostgreSQL binaries (/usr/lib/postgresql/VERSION/bin), newest first, or
    those on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0, reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class Cluster:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="ew-pg-"))
        self.data = self.dir / "data"
        self.user = None
        if os.geteuid() == 0:
            self.user = "nobody"
            os.chmod(self.dir, 0o755)
            os.chown(self.dir, pwd.getpwnam(self.user).pw_uid, -1)

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=self.dir)

    def start(self) -> "Cluster":
        done = self._run(self.bindir / "initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust", "--no-sync",
                         "--encoding=UTF8", "--locale=C")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        opts = f"-c listen_addresses='' -c unix_socket_directories='{self.dir}' -c fsync=off -c max_connections=100"
        done = self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-o", opts, "-w", "start")
        if done.returncode != 0:
            log = (self.dir / "log").read_text() if (self.dir / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr[-1000:]} {log[-2000:]}")
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={quote(str(self.dir), safe='')}"

    def create_database(self, name: str, template: str | None = None) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def stop(self) -> None:
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
