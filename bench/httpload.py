"""A small, bounded HTTP load generator on the standard library (keep-alive `http.client`, threads).

`Session.login()` does what the SPA does (GET /api/v1/auth/csrf, POST /api/v1/auth/login with the
`csrf_token` cookie echoed in `X-CSRF-Token`).

- `run_open_loop()`: requests arrive at a fixed average rate (Poisson), whatever the server does, and
  are sent by up to `max_inflight` connections; a request's latency counts from its scheduled arrival,
  so time spent waiting for a free connection is included (no coordinated omission).
- `run_load()`: `clients` closed-loop clients, each sending its next request when the previous one
  answered (saturation: throughput, and latency when the server is the bottleneck).

Both go over a shuffled list of requests and stop when it is done or `max_seconds` have passed.
"""

from __future__ import annotations

import http.client
import json
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Session:
    """The cookies of one logged-in user (requests themselves go over any thread's connection)."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _take_cookies(self, resp: http.client.HTTPResponse) -> None:
        for raw in resp.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(raw)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], bytes]:
        u = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        try:
            headers = {"Cookie": self.cookie_header}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            if method != "GET" and "csrf_token" in self.cookies:
                headers["X-CSRF-Token"] = self.cookies["csrf_token"]
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            self._take_cookies(resp)
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
        finally:
            conn.close()

    def login(self, username: str, password: str) -> dict[str, Any]:
        status, _, _ = self.request("GET", "/api/v1/auth/csrf")
        if status != 200:
            raise RuntimeError(f"csrf: HTTP {status}")
        status, _, payload = self.request("POST", "/api/v1/auth/login", {"username": username, "password": password})
        if status != 200:
            raise RuntimeError(f"login {username}: HTTP {status} {payload[:200]!r}")
        return dict(json.loads(payload))

    def get_json(self, path: str) -> tuple[Any, dict[str, str]]:
        status, headers, payload = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status} {payload[:300]!r}")
        return json.loads(payload), headers


@dataclass(frozen=True)
class Call:
    scenario: str
    path: str
    session: Session | None  # None: no cookies (e.g. /healthz)


@dataclass
class Sample:
    scenario: str
    seconds: float
    status: int
    nbytes: int


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted values."""
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


DROPPED = 598  # status of a request still queued when the run's time was up (never sent)


def summarize(samples: list[Sample]) -> dict[str, dict[str, Any]]:
    """Per scenario: count, errors, dropped, latency percentiles. Dropped requests count in the
    percentiles with the time they had waited (a lower bound): leaving them out would flatter an
    overloaded server."""
    by: dict[str, list[Sample]] = {}
    for s in samples:
        by.setdefault(s.scenario, []).append(s)
    out = {}
    for name, group in by.items():
        timed = [s.seconds for s in group if s.status in (200, DROPPED)]
        out[name] = {
            "n": len(group), "errors": sum(1 for s in group if s.status not in (200, DROPPED)),
            "dropped": sum(1 for s in group if s.status == DROPPED),
            "p50_ms": percentile(timed, 50) * 1000, "p95_ms": percentile(timed, 95) * 1000,
            "p99_ms": percentile(timed, 99) * 1000, "max_ms": max(timed, default=float("nan")) * 1000,
            "mean_bytes": sum(s.nbytes for s in group) / len(group),
        }
    return out


def run_load(base_url: str, calls: list[Call], *, clients: int, max_seconds: float, seed: int = 1
             ) -> tuple[list[Sample], float]:
    """Closed loop: each of `clients` threads sends its next request as soon as the previous answered.
    Returns the samples and the wall time of the run."""
    calls = list(calls)
    random.Random(seed).shuffle(calls)
    work: queue.SimpleQueue[Call] = queue.SimpleQueue()
    for c in calls:
        work.put(c)
    u = urlsplit(base_url)
    samples: list[Sample] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + max_seconds

    def client() -> None:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        mine: list[Sample] = []
        try:
            while time.perf_counter() < deadline:
                try:
                    call = work.get_nowait()
                except queue.Empty:
                    break
                t = time.perf_counter()
                status, nbytes, conn = _send(conn, call)
                mine.append(Sample(call.scenario, time.perf_counter() - t, status, nbytes))
        finally:
            conn.close()
            with lock:
                samples.extend(mine)

    threads = [threading.Thread(target=client, name=f"load-{i}", daemon=True) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return samples, time.perf_counter() - start


def _send(conn: http.client.HTTPConnection, call: Call) -> tuple[int, int, http.client.HTTPConnection]:
    headers = {"Cookie": call.session.cookie_header} if call.session else {}
    try:
        conn.request("GET", call.path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, len(body), conn
    except (OSError, http.client.HTTPException):
        conn.close()
        return 599, 0, http.client.HTTPConnection(conn.host, conn.port, timeout=60)


def run_open_loop(base_url: str, calls: list[Call], *, rate: float, max_inflight: int, max_seconds: float,
                  drain_seconds: float = 20.0, seed: int = 1) -> tuple[list[Sample], float, int]:
    """Poisson arrivals at `rate` per second for at most `max_seconds`; what is still queued
    `drain_seconds` later is dropped (status DROPPED). Returns the samples, the wall time and how many
    requests were never scheduled because `max_seconds` ran out."""
    rng = random.Random(seed)
    calls = list(calls)
    rng.shuffle(calls)
    u = urlsplit(base_url)
    work: queue.SimpleQueue[tuple[float, Call] | None] = queue.SimpleQueue()
    samples: list[Sample] = []
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        mine: list[Sample] = []
        try:
            while (item := work.get()) is not None:
                due, call = item
                if time.perf_counter() > hard_deadline:
                    mine.append(Sample(call.scenario, time.perf_counter() - due, DROPPED, 0))
                    continue
                status, nbytes, conn = _send(conn, call)
                mine.append(Sample(call.scenario, time.perf_counter() - due, status, nbytes))
        finally:
            conn.close()
            with lock:
                samples.extend(mine)

    start = time.perf_counter()
    hard_deadline = start + max_seconds + drain_seconds
    threads = [threading.Thread(target=worker, name=f"open-{i}", daemon=True) for i in range(max_inflight)]
    for th in threads:
        th.start()
    due = start
    sent = 0
    for call in calls:
        due += rng.expovariate(rate)
        if due - start > max_seconds:
            break
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        work.put((due, call))
        sent += 1
    for _ in threads:
        work.put(None)
    for th in threads:
        th.join()
    return samples, time.perf_counter() - start, len(calls) - sent
