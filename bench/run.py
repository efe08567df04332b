"""Run the benchmarks: `python -m bench.run` (all) or `python -m bench.run members_list [options]`.

Options after the benchmark name go to that benchmark (`python -m bench.run members_list --help`).
Each benchmark starts and stops its own servers and writes `bench/results/<name>[-label].json`.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from typing import Any

# name → module with `main(argv) -> dict` (and `print_report(result)`)
BENCHMARKS: dict[str, str] = {
    "members_list": "bench.members_list",
    "condolence_roster": "bench.condolence_roster",
    "import_recovery": "bench.import_recovery",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(BENCHMARKS))
        return 0
    names = [a for a in argv if not a.startswith("-") and a in BENCHMARKS]
    rest = [a for a in argv if a not in names]
    unknown = [a for a in rest if not a.startswith("-") and a not in BENCHMARKS and not _is_option_value(rest, a)]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    if rest and len(names) != 1:
        print("options go to one benchmark: python -m bench.run <name> [options]", file=sys.stderr)
        return 2
    results: dict[str, Any] = {}
    failed: list[str] = []
    for name in names or list(BENCHMARKS):
        t = time.perf_counter()
        print(f"== {name} ==", flush=True)
        try:
            results[name] = importlib.import_module(BENCHMARKS[name]).main(rest)
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - t:.0f} s ==\n", flush=True)
    print("summary:")
    for name, r in results.items():
        if "targets" in r and "scenarios" not in r:  # a single-job benchmark: its targets
            met_targets = [k for k, v in r["targets"].items() if v]
            missed = [k for k, v in r["targets"].items() if not v]
            print(f"  {name}: {len(met_targets)}/{len(r['targets'])} targets met"
                  + (f" ({', '.join(missed)} missed)" if missed else ""))
            continue
        sc = r.get("scenarios", {})
        met = sum(1 for s in sc.values() if s.get("meets_target"))
        worst = max(sc.items(), key=lambda kv: kv[1]["p99_ms"]) if sc else None
        line = f"  {name}: {met}/{len(sc)} scenarios meet the target"
        if worst:
            line += f"; worst p99 {worst[1]['p99_ms']:.1f} ms ({worst[0]}, {worst[1]['p99_over_ref']:.1f}× ref)"
        print(line)
    for name in failed:
        print(f"  {name}: FAILED")
    return 1 if failed else 0


def _is_option_value(rest: list[str], arg: str) -> bool:
    i = rest.index(arg)
    return i > 0 and rest[i - 1].startswith("--") and "=" not in rest[i - 1]


if __name__ == "__main__":
    sys.exit(main())
