"""How busy the machine was during a measurement, and how much of that was not us.

The bench machine is small and shared: another process using a core doubles our tail latencies. A
`CpuMeter` reads /proc at the start and the end of a phase and reports the average number of busy
cores, split into this process tree (the bench, gunicorn, PostgreSQL and their children) and the
rest. Linux only; elsewhere it reports nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _machine_busy_jiffies() -> int | None:
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in fields]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values[:8]) - idle  # without guest time (already in user)


def _tree_jiffies(root: int) -> int:
    """utime + stime (+ reaped children's) of `root` and all its live descendants."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        rest = raw[raw.rindex(")") + 2:].split()
        ppid = int(rest[1])
        cpu = int(rest[11]) + int(rest[12]) + int(rest[13]) + int(rest[14])
        stats[int(entry.name)] = (ppid, cpu)
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in stats:
            total += stats[pid][1]
        stack.extend(children.get(pid, []))
    return total


class CpuMeter:
    def __init__(self) -> None:
        self._start: tuple[float, int, int] | None = None

    def start(self) -> CpuMeter:
        import time

        busy = _machine_busy_jiffies()
        self._start = (time.monotonic(), busy if busy is not None else -1, _tree_jiffies(os.getpid()))
        return self

    def stop(self) -> dict[str, Any]:
        import time

        if self._start is None or self._start[1] < 0:
            return {}
        t0, busy0, ours0 = self._start
        busy1 = _machine_busy_jiffies() or busy0
        seconds = max(time.monotonic() - t0, 1e-6)
        busy = (busy1 - busy0) / _HZ / seconds
        ours = (_tree_jiffies(os.getpid()) - ours0) / _HZ / seconds
        try:
            load = Path("/proc/loadavg").read_text().split()[0]
        except OSError:
            load = "?"
        return {"cores_busy": round(busy, 2), "cores_ours": round(min(ours, busy), 2),
                "cores_others": round(max(busy - ours, 0.0), 2), "loadavg_1m_at_end": load}


def others_cores(sample_seconds: float = 2.0) -> float:
    """Cores used by processes outside this tree over the next `sample_seconds`."""
    import time

    meter = CpuMeter().start()
    time.sleep(sample_seconds)
    return float(meter.stop().get("cores_others", 0.0))


def wait_for_quiet(threshold: float = 0.35, max_wait: float = 90.0, log: Any = print) -> dict[str, Any]:
    """Wait (at most `max_wait` s) until other processes use at most `threshold` cores, so that a
    measurement phase does not start in the middle of someone else's test run. Returns what it saw."""
    import time

    t0 = time.monotonic()
    while True:
        busy = others_cores()
        waited = time.monotonic() - t0
        if busy <= threshold or waited >= max_wait:
            return {"waited_s": round(waited, 1), "others_cores": round(busy, 2), "quiet": busy <= threshold}
        log(f"other processes use {busy:.2f} cores; waiting for a quieter moment ({waited:.0f}/{max_wait:.0f} s)")
