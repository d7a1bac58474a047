"""Sample the gunicorn workers' resident memory, and who uses the CPU, with psutil.

    python bench/rss_sampler.py --pid MASTER_PID --out bench/out/rss.csv \
        --cpu-out bench/out/cpu.csv --phase-file bench/out/phase
    python bench/rss_sampler.py --wait-quiet 180     # wait until the machine is idle

Sampling mode: every --interval seconds appends one row per gunicorn process to --out:
time, phase (the current content of --phase-file, so the caller can label idle / warmup /
paced / saturated / single / after), pid, kind (master/worker), RSS and USS in bytes.
Every second it also appends to --cpu-out the CPU used since the previous row (percent of
ONE core; 200 = both cores of a 2-core machine) by the gunicorn tree, PostgreSQL, the
locust process, and everything else (other people's test suites, editors ...), so a
contaminated run can be told from a clean one. Stops when the master exits, on SIGTERM,
or after --max-seconds (a bound, so it can never outlive the run).

Quiet mode (--wait-quiet N): returns as soon as the whole machine used less than
--quiet-threshold percent of one core over a 5 s window, or after N seconds; prints what
it saw. Exit status 0 if quiet, 3 if it gave up.
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import sys
import time
from pathlib import Path

import psutil


def busy_seconds() -> float:
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0) + getattr(t, "steal", 0.0)


def wait_quiet(max_seconds: float, threshold: float, window: float = 5.0) -> int:
    deadline = time.monotonic() + max_seconds
    while True:
        b0, t0 = busy_seconds(), time.monotonic()
        time.sleep(window)
        pct = (busy_seconds() - b0) / (time.monotonic() - t0) * 100
        if pct < threshold:
            print(f"machine quiet: {pct:.0f}% of one core busy over {window:.0f} s")
            return 0
        if time.monotonic() >= deadline:
            print(f"machine still busy after {max_seconds:.0f} s: {pct:.0f}% of one core; going on anyway")
            return 3
        print(f"waiting for a quiet machine: {pct:.0f}% of one core busy")


def category(proc: psutil.Process, tree: set[int], me: int) -> str:
    if proc.pid in tree:
        return "gunicorn"
    if proc.pid == me:
        return "sampler"
    try:
        if proc.name() == "postgres" or proc.username() == "postgres":
            return "postgres"
        cmd = " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return "other"
    if "bench/locustfile.py" in cmd:
        return "locust"
    return "other"


def proc_cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system


def sample(args: argparse.Namespace) -> int:
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    try:
        master = psutil.Process(args.pid)
    except psutil.NoSuchProcess:
        print(f"rss_sampler: no process {args.pid}", file=sys.stderr)
        return 1
    me = os.getpid()
    deadline = time.monotonic() + args.max_seconds
    cpu_fh = args.cpu_out.open("w", newline="", encoding="utf-8") if args.cpu_out else None
    cpu_writer = csv.writer(cpu_fh) if cpu_fh else None
    if cpu_writer:
        cpu_writer.writerow(
            [
                "time",
                "phase",
                "seconds",
                "total_pct",
                "gunicorn_pct",
                "postgres_pct",
                "locust_pct",
                "sampler_pct",
                "other_pct",
            ]
        )
    last_cpu: dict[int, float] = {}
    last_busy, last_t = busy_seconds(), time.monotonic()
    next_cpu = last_t + 1.0
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["time", "phase", "pid", "kind", "rss_bytes", "uss_bytes"])
        while not stop["now"] and time.monotonic() < deadline and master.is_running():
            phase = ""
            if args.phase_file and args.phase_file.exists():
                phase = args.phase_file.read_text(encoding="utf-8").strip()
            now = time.time()
            try:
                workers = master.children()
            except psutil.NoSuchProcess:
                break
            for proc, kind in [(master, "master")] + [(p, "worker") for p in workers]:
                try:
                    info = proc.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                writer.writerow([f"{now:.3f}", phase, proc.pid, kind, info.rss, getattr(info, "uss", "")])
            fh.flush()
            mono = time.monotonic()
            if cpu_writer and cpu_fh and mono >= next_cpu:
                tree = {master.pid, *(p.pid for p in workers)}
                used: dict[str, float] = {"gunicorn": 0.0, "postgres": 0.0, "locust": 0.0, "sampler": 0.0}
                seen: dict[int, float] = {}
                for proc in psutil.process_iter():
                    try:
                        total = proc_cpu(proc)
                    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                        continue
                    seen[proc.pid] = total
                    if proc.pid in last_cpu:
                        cat = category(proc, tree, me)
                        if cat != "other":
                            used[cat] += max(0.0, total - last_cpu[proc.pid])
                busy = busy_seconds()
                dt = mono - last_t
                if last_cpu and dt > 0:
                    total_pct = (busy - last_busy) / dt * 100
                    parts = {k: v / dt * 100 for k, v in used.items()}
                    other = max(0.0, total_pct - sum(parts.values()))
                    cpu_writer.writerow(
                        [
                            f"{now:.3f}",
                            phase,
                            f"{dt:.2f}",
                            f"{total_pct:.1f}",
                            f"{parts['gunicorn']:.1f}",
                            f"{parts['postgres']:.1f}",
                            f"{parts['locust']:.1f}",
                            f"{parts['sampler']:.1f}",
                            f"{other:.1f}",
                        ]
                    )
                    cpu_fh.flush()
                last_cpu, last_busy, last_t = seen, busy, mono
                next_cpu = mono + 1.0
            time.sleep(args.interval)
    if cpu_fh:
        cpu_fh.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pid", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--cpu-out", type=Path)
    parser.add_argument("--phase-file", type=Path)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--wait-quiet", type=float, metavar="SECONDS")
    parser.add_argument("--quiet-threshold", type=float, default=15.0, help="percent of one core")
    args = parser.parse_args()
    if args.wait_quiet is not None:
        return wait_quiet(args.wait_quiet, args.quiet_threshold)
    if args.pid is None or args.out is None:
        parser.error("--pid and --out are required when sampling")
    return sample(args)


if __name__ == "__main__":
    sys.exit(main())
