"""One polite, bounded HTTP client that cannot be steered at the machine's own network.

Why each guard exists:

- **SSRF** (OWASP): a feed or a redirect can point anywhere, 127.0.0.1 and the cloud's
  metadata service included. The check sits in the connection itself (a network backend
  under httpx): every address the name resolves to is checked, on every hop, and the
  socket goes to the address that was checked, so a name cannot resolve once to a public
  address for the check and again to 127.0.0.1 for the connection (DNS rebinding).
  Only http and https; no proxies from the environment; no Unix sockets.
- **Bounded**: connect, read and whole-response deadlines; the body is read raw and
  decompressed here with a cap on the output, so a small gzip bomb cannot become gigabytes.
- **Polite**: one request at a time (one connection per host), a delay per host,
  robots.txt, conditional GET, retries with backoff on 429 and 5xx.
"""
from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
import tomllib
import urllib.robotparser
import zlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Callable, Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

REDIRECTS = {301, 302, 303, 307, 308}
# Cloud metadata services answer on addresses some of which the ipaddress module calls
# global (Alibaba's 100.100.100.200 is in the shared range, Azure's wire server is public).
METADATA = {ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200",
                                               "168.63.129.16", "fd00:ec2::254")}


class FetchError(Exception):
    """A URL that could not be fetched; the message is one line a person can act on."""


class Refused(FetchError):
    """A URL eventwatch will not fetch (scheme, address, robots.txt, content type)."""


@dataclass(frozen=True)
class Settings:
    user_agent: str
    host_delay: float
    max_crawl_delay: float
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    max_bytes: int
    max_redirects: int
    retries: int
    backoff: float
    max_retry_after: float
    robots_hours: float
    max_items: int
    max_sitemap_depth: int
    every: float
    tracking_parameters: tuple[str, ...]
    content_types: dict[str, tuple[str, ...]]
    allow_private: bool = False
    # Networks fetched from even without allow_private (an operator's own news server).
    allowed_networks: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _data() -> dict:
    return tomllib.loads((resources.files("eventwatch") / "data" / "fetch.toml").read_text("utf-8"))


def settings(**overrides) -> Settings:
    """The settings of ``data/fetch.toml``, with ``overrides`` (e.g. ``allow_private=True``)."""
    d = dict(_data())
    d["tracking_parameters"] = tuple(d["tracking_parameters"])
    d["content_types"] = {k: tuple(v) for k, v in d["content_types"].items()}
    base = Settings(**{k: d[k] for k in Settings.__dataclass_fields__ if k in d})
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})


# --- addresses ---------------------------------------------------------------------------

def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why eventwatch will not connect to ``ip`` without --allow-private, or None."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA:
        return "a cloud metadata address"
    for test, what in (("is_loopback", "a loopback address"), ("is_link_local", "a link-local address"),
                       ("is_multicast", "a multicast address"), ("is_unspecified", "an unspecified address"),
                       ("is_reserved", "a reserved address"), ("is_private", "a private address")):
        if getattr(ip, test):
            return what
    if not ip.is_global:
        return "not a public address"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (an address literal stands for itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise FetchError(f"cannot resolve host {host!r} ({getattr(e, 'strerror', None) or e})") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_host(host: str, port: int, allow_private: bool, allowed: tuple[str, ...] = ()) -> list[str]:
    """The addresses to connect to, or Refused when any of them is not public."""
    addresses = resolve(host, port)
    if not allow_private:
        nets = [ipaddress.ip_network(n, strict=False) for n in allowed]
        for a in addresses:
            ip = ipaddress.ip_address(a.split("%")[0])
            why = None if any(ip.version == n.version and ip in n for n in nets) else address_refusal(ip)
            if why:
                shown = host if host == a else f"{host} ({a})"
                raise Refused(f"refused: {shown} is {why}; eventwatch fetches public addresses only "
                              "(--allow-private to fetch from your own network)")
    return addresses


class _GuardedBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with the address check at connect time, on every connection."""

    def __init__(self, allow_private: bool, allowed: tuple[str, ...] = ()):
        self.allow_private = allow_private
        self.allowed = allowed
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last: Exception | None = None
        for address in check_host(host, port, self.allow_private, self.allowed):
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as e:  # try the host's next address
                last = e
        raise last or FetchError(f"cannot connect to {host}")

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise Refused("refused: Unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# --- responses ---------------------------------------------------------------------------

@dataclass
class Response:
    url: str  # after redirects
    status: int
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    kind: str = ""  # html | text | feed | xml | gzip (see fetch.toml's content_types)
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class RobotsCache(Protocol):
    def get(self, url: str) -> dict | None: ...
    def put(self, url: str, **fields) -> None: ...


@dataclass
class Stats:
    requests: int = 0
    bytes: int = 0
    waited: float = 0.0  # seconds spent waiting: politeness delays, backoff and the network
    not_modified: int = 0


class Client:
    """Fetches one URL at a time, politely and within bounds. ``cache`` keeps robots.txt
    between runs; ``sleep`` can be interrupted (the watcher stops on a signal)."""

    def __init__(self, s: Settings, cache: RobotsCache | None = None, sleep: Callable[[float], None] = time.sleep):
        self.s = s
        self.cache = cache
        self.sleep = sleep
        self.stats = Stats()
        self._last: dict[str, float] = {}
        self._delay: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        ctx = ssl.create_default_context()
        try:
            import certifi

            ctx.load_verify_locations(certifi.where())
        except ImportError:
            pass
        transport = httpx.HTTPTransport(verify=ctx)
        transport._pool = httpcore.ConnectionPool(  # the same pool httpx builds, with the guarded backend
            ssl_context=ctx, max_connections=1, max_keepalive_connections=1, keepalive_expiry=5.0,
            network_backend=_GuardedBackend(s.allow_private, s.allowed_networks))
        self.http = httpx.Client(
            transport=transport, follow_redirects=False, trust_env=False, max_redirects=0,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"})

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- the one entry point ------------------------------------------------------------
    def get(self, url: str, kinds: tuple[str, ...] = ("html", "text", "feed", "xml"), etag: str | None = None,
            last_modified: str | None = None, max_bytes: int | None = None, robots: bool = True) -> Response:
        """GET ``url`` following redirects; a Response (304 included) or FetchError."""
        cap = min(max_bytes or self.s.max_bytes, self.s.max_bytes)
        for _hop in range(self.s.max_redirects + 1):
            check_scheme(url)
            if robots and not self.allowed(url):
                raise Refused(f"refused: robots.txt of {urlsplit(url).netloc} disallows {urlsplit(url).path or '/'}")
            r = self._with_retries(url, kinds, etag, last_modified, cap)
            if r.status not in REDIRECTS:
                return r
            url = r.url
        raise FetchError(f"more than {self.s.max_redirects} redirects")

    def _with_retries(self, url, kinds, etag, last_modified, cap) -> Response:
        for attempt in range(self.s.retries + 1):
            r = self._once(url, kinds, etag, last_modified, cap)
            if r.status != 429 and r.status < 500:
                return r
            if attempt == self.s.retries:
                break
            wait = r.retry_after if r.retry_after is not None else self.s.backoff * 2 ** attempt
            if wait > self.s.max_retry_after:
                raise FetchError(f"HTTP {r.status}; the server asks to wait {wait:.0f} s, more than the "
                                 f"{self.s.max_retry_after:.0f} s eventwatch waits")
            self._wait(wait)
        raise FetchError(f"HTTP {r.status} after {self.s.retries + 1} tries")

    def _once(self, url, kinds, etag, last_modified, cap) -> Response:
        host = urlsplit(url).netloc.lower()
        self._polite(host)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        t0 = time.monotonic()
        self.stats.requests += 1
        try:
            with self.http.stream("GET", url, headers=headers) as resp:
                r = Response(url=url, status=resp.status_code, etag=resp.headers.get("etag"),
                             last_modified=resp.headers.get("last-modified"),
                             retry_after=_retry_after(resp.headers.get("retry-after")))
                if resp.status_code in REDIRECTS:
                    where = resp.headers.get("location")
                    if not where:
                        raise FetchError(f"HTTP {resp.status_code} redirect without a Location")
                    r.url = urljoin(url, where.strip())
                    return r
                if resp.status_code == 304:
                    self.stats.not_modified += 1
                    return r
                if resp.status_code == 429 or resp.status_code >= 500:
                    return r
                if resp.status_code >= 400:
                    raise FetchError(f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
                if resp.status_code != 200:
                    raise FetchError(f"HTTP {resp.status_code}: expected 200")
                r.content_type, r.charset = _content_type(resp.headers.get("content-type", ""))
                r.kind = self._kind(r.content_type, kinds, url)
                length = resp.headers.get("content-length", "")
                if length.isdigit() and int(length) > cap:
                    raise FetchError(f"too large ({int(length):,} bytes > {cap:,} limit)")
                r.body = self._read(resp, cap, t0)
                return r
        except httpx.TimeoutException:
            raise FetchError(f"timed out (no answer within {self.s.read_timeout:g} s)") from None
        except httpx.HTTPError as e:
            raise FetchError(f"{type(e).__name__}: {e or 'connection failed'}") from None
        finally:
            self.stats.waited += time.monotonic() - t0
            self._last[host] = time.monotonic()

    def _kind(self, content_type: str, kinds: tuple[str, ...], url: str) -> str:
        if "any" in kinds:
            return "text"
        for kind in kinds:
            if content_type in self.s.content_types.get(kind, ()):
                if kind == "gzip" and not urlsplit(url).path.endswith(".gz"):
                    continue
                return kind
        raise Refused(f"refused: content type {content_type or '(none)'!r} is not a page, feed or sitemap")

    def _read(self, resp: httpx.Response, cap: int, t0: float) -> bytes:
        """The body, decompressed here with a bound on the output (never more than ``cap``)."""
        encoding = resp.headers.get("content-encoding", "identity").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            d = _Deflate()
        elif encoding in ("", "identity"):
            d = None
        else:
            raise Refused(f"refused: content encoding {encoding!r} was not asked for")
        out = bytearray()
        for chunk in resp.iter_raw():
            if time.monotonic() - t0 > self.s.total_timeout:
                raise FetchError(f"timed out (the response took more than {self.s.total_timeout:g} s)")
            self.stats.bytes += len(chunk)
            if d is None:
                out += chunk
            else:
                out += d.decompress(chunk, cap - len(out) + 1)
                if d.unconsumed_tail:
                    raise FetchError(f"too large (decompresses to more than {cap:,} bytes)")
            if len(out) > cap:
                raise FetchError(f"too large (more than {cap:,} bytes)")
        return bytes(out)

    # -- politeness ---------------------------------------------------------------------
    def _polite(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self._delay.get(host, self.s.host_delay) - (time.monotonic() - last)
            if wait > 0:
                self._wait(wait)

    def _wait(self, seconds: float) -> None:
        t0 = time.monotonic()
        self.sleep(seconds)
        self.stats.waited += time.monotonic() - t0

    def allowed(self, url: str) -> bool:
        """robots.txt's verdict on ``url`` (fetched once per site, kept robots_hours)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rp = self._robots[origin]
        if rp is None:
            return True
        delay = rp.crawl_delay(self.s.user_agent)
        if delay:
            self._delay[parts.netloc.lower()] = max(self.s.host_delay, min(float(delay), self.s.max_crawl_delay))
        return rp.can_fetch(self.s.user_agent, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """None allows everything (no robots.txt: RFC 9309 treats a 4xx so); a server that
        fails to answer allows nothing until it does."""
        url = origin + "/robots.txt"
        cached = self.cache.get(url) if self.cache else None
        if cached and cached.get("checked") and time.time() - float(cached["checked"]) < self.s.robots_hours * 3600:
            body = cached.get("body")
        else:
            try:
                r = self.get(url, kinds=("any",), max_bytes=512 * 1024, robots=False)
                body = r.body
            except Refused:
                raise
            except FetchError as e:
                if re.match(r"HTTP 4\d\d", str(e)):
                    body = None
                else:
                    raise FetchError(f"robots.txt of {origin} could not be read ({e}); not fetching from it") from None
            if self.cache:
                self.cache.put(url, kind="robots", body=body, checked=time.time())
        if body is None:
            return None
        rp = urllib.robotparser.RobotFileParser()
        rp.parse(body.decode("utf-8", "replace").splitlines())
        return rp


class _Deflate:
    """'deflate' is zlib-wrapped by the standard and raw in practice: take either."""

    def __init__(self):
        self._d = None
        self._head = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._d is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            zlib_wrapped = (self._head[0] & 0x0F) == 8 and ((self._head[0] << 8) | self._head[1]) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if zlib_wrapped else -zlib.MAX_WBITS)
            data, self._head = self._head, b""
        return self._d.decompress(data, max_length)

    @property
    def unconsumed_tail(self) -> bytes:
        return self._d.unconsumed_tail if self._d is not None else b""


def check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"refused: {parts.scheme or 'no'} scheme; eventwatch fetches http and https only")
    if not parts.hostname:
        raise Refused("refused: no host in the URL")
    if parts.username or parts.password:
        raise Refused("refused: credentials in the URL")


def _content_type(value: str) -> tuple[str, str | None]:
    main, _, params = value.partition(";")
    m = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.I)
    return main.strip().lower(), (m.group(1).lower() if m else None)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        from email.utils import parsedate_to_datetime

        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None
