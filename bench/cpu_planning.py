"""CPU use during a bench/run_planning.sh run, by group: our gunicorn (master + workers),
PostgreSQL, locust, everything else (other people's test suites share these 2 cores).

    python bench/cpu_planning.py --gunicorn-pid PID --phase-file F --out cpu.csv [--max-seconds 1800]
    python bench/cpu_planning.py --summary cpu.csv          # mean % of one core per phase and group
    python bench/cpu_planning.py --wait-quiet 300           # wait (bounded) for an idle machine

Samples every second; the phase is whatever the run script last wrote to --phase-file.
"""

from __future__ import annotations

import argparse
import csv
import signal
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import psutil

GROUPS = ("gunicorn", "postgres", "locust", "other")


def group_of(proc: psutil.Process, gunicorn: set[int]) -> str:
    if proc.pid in gunicorn:
        return "gunicorn"
    try:
        name = proc.name()
        cmd = " ".join(proc.cmdline()[:3])
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "other"
    if name.startswith("postgres") or "postgres" in cmd.split(" ")[0]:
        return "postgres"
    if "locust" in cmd:
        return "locust"
    return "other"


def sample(args: argparse.Namespace) -> None:
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    master = psutil.Process(args.gunicorn_pid)
    last: dict[int, float] = {}
    me = psutil.Process().pid
    t_end = time.time() + args.max_seconds
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["time", "phase", *GROUPS, "loadavg1"])
        prev_t = time.time()
        while not stop["now"] and time.time() < t_end:
            time.sleep(1)
            now = time.time()
            try:
                gunicorn = {master.pid, *(c.pid for c in master.children(recursive=True))}
            except psutil.NoSuchProcess:
                break
            used: dict[str, float] = defaultdict(float)
            seen: dict[int, float] = {}
            for proc in psutil.process_iter():
                if proc.pid == me:
                    continue
                try:
                    t = proc.cpu_times()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                total = t.user + t.system
                seen[proc.pid] = total
                if proc.pid in last:
                    used[group_of(proc, gunicorn)] += total - last[proc.pid]
            last = seen
            elapsed = now - prev_t
            prev_t = now
            try:
                phase = Path(args.phase_file).read_text(encoding="utf-8").strip()
            except OSError:
                phase = "?"
            writer.writerow(
                [f"{now:.1f}", phase, *(f"{100 * used[g] / elapsed:.1f}" for g in GROUPS), psutil.getloadavg()[0]]
            )
            fh.flush()


def wait_quiet(max_seconds: float, threshold: float = 15.0, window: float = 5.0) -> int:
    """Wait until the whole machine uses < threshold % of one core over ``window`` s (0), or give up (3)."""
    deadline = time.monotonic() + max_seconds
    while True:
        busy = psutil.cpu_percent(interval=window) * psutil.cpu_count()  # % of one core
        if busy < threshold:
            print(f"machine quiet: {busy:.0f} % of one core busy over {window:.0f} s", flush=True)
            return 0
        if time.monotonic() >= deadline:
            print(f"machine still busy after {max_seconds:.0f} s ({busy:.0f} % of one core): going on", flush=True)
            return 3
        print(f"waiting for a quiet machine: {busy:.0f} % of one core busy", flush=True)
        time.sleep(10)


def summary(path: Path) -> None:
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    n: dict[str, int] = defaultdict(int)
    order: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            phase = row["phase"]
            if phase not in order:
                order.append(phase)
            n[phase] += 1
            for g in (*GROUPS, "loadavg1"):
                sums[phase][g] += float(row[g])
    print("| Phase | s | gunicorn % | postgres % | locust % | other % | load avg (1 min) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for phase in order:
        k = n[phase]
        s: Any = sums[phase]
        print(
            f"| {phase} | {k} | {s['gunicorn'] / k:.0f} | {s['postgres'] / k:.0f} | {s['locust'] / k:.0f} | "
            f"{s['other'] / k:.0f} | {s['loadavg1'] / k:.2f} |"
        )
    print("\n(% of one core; the machine has 2 cores = 200 %.)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gunicorn-pid", type=int)
    parser.add_argument("--phase-file")
    parser.add_argument("--out")
    parser.add_argument("--max-seconds", type=float, default=1800)
    parser.add_argument("--summary", type=Path)
    parser.add_argument("--wait-quiet", type=float, metavar="SECONDS")
    args = parser.parse_args()
    if args.wait_quiet is not None:
        raise SystemExit(wait_quiet(args.wait_quiet))
    if args.summary:
        summary(args.summary)
    else:
        sample(args)


if __name__ == "__main__":
    main()
