"""`make drill` / `make drill-ci`: the HA and fault drills of docs/operations.md.

    python -m drills.run [--ci] [ha rolling database dynamodb external]

One cluster (Cluster: API processes behind HAProxy, MariaDB, DynamoDB-API server, simulators)
serves every drill in turn; each drill leaves it whole for the next. Each prints its figures
and the promises it found broken; the exit status is non-zero if any promise was broken.
`--ci` is the bounded form (shorter phases, two processes, well under five minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

from bench.seed import Seeded, seed
from drills import database, dynamodb, external, ha, rolling
from drills.cluster import WORK_DIR, Cluster, say
from drills.report import Result


@dataclass(frozen=True)
class Sizes:
    processes: int
    load_seconds: float  # the HA drill's load
    settle: float  # load before and after each event
    outage: float  # how long MariaDB and DynamoDB stay down
    watchers: int  # live timeline clients in the rolling restart
    phase: float  # each phase of the external outages


CI = Sizes(processes=2, load_seconds=12, settle=3, outage=10, watchers=6, phase=6)
FULL = Sizes(processes=3, load_seconds=30, settle=6, outage=10, watchers=20, phase=15)

Drill = Callable[[Cluster, Seeded, Sizes], Awaitable[Result]]
DRILLS: dict[str, Drill] = {
    "ha": lambda c, s, z: ha.run(c, s, seconds=z.load_seconds),
    "rolling": lambda c, s, z: rolling.run(c, s, watchers=z.watchers, settle=z.settle),
    "database": lambda c, s, z: database.run(c, s, outage=z.outage, settle=z.settle),
    "dynamodb": lambda c, s, z: dynamodb.run(c, s, outage=z.outage, settle=z.settle),
    "external": lambda c, s, z: external.run(c, s, phase=z.phase),
}


async def run_all(cluster: Cluster, seeded: Seeded, sizes: Sizes, names: list[str]) -> list[Result]:
    results = []
    for name in names:
        say(f"--- {name}")
        try:
            result = await DRILLS[name](cluster, seeded, sizes)
        except Exception as exc:  # a drill that cannot finish is a broken promise, not a crash
            result = Result(name)
            result.broken.append(f"the drill could not finish: {type(exc).__name__}: {exc}")
            result.done()
        print(result.render(), flush=True)
        results.append(result)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ci", action="store_true", help="the bounded form CI runs")
    parser.add_argument("drills", nargs="*", help=f"some of: {' '.join(DRILLS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.drills) - set(DRILLS)
    if unknown:
        parser.error(f"unknown drills: {' '.join(sorted(unknown))}")
    args.drills = args.drills or list(DRILLS)
    sizes = CI if args.ci else FULL
    started = time.monotonic()
    cluster = Cluster(processes=sizes.processes)
    try:
        cluster.start()
        seeded = seed(cluster.url, cluster.stack.sleakops_url)
        results = asyncio.run(run_all(cluster, seeded, sizes, args.drills))
    finally:
        cluster.close()
    elapsed = time.monotonic() - started
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    (WORK_DIR / "results.json").write_text(json.dumps([asdict(r) for r in results], indent=1))
    print(f"\ndrills: {len(results)} run in {elapsed:.0f} s (logs in {WORK_DIR})")
    for result in results:
        print(f"  {result.verdict:8} {result.name}")
    return 1 if any(r.broken for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
