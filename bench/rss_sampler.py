"""Sample the resident memory of a gunicorn master and its workers with psutil.

    python bench/rss_sampler.py --pid MASTER_PID --out bench/out/rss.csv [--phase-file F]

Every --interval seconds appends one row per process: time, phase (the current content of
--phase-file, so the caller can label idle / warmup / paced / saturated / after), pid, kind
(master/worker), RSS and USS in bytes. Stops when the master exits, on SIGTERM, or after
--max-seconds (a bound, so it can never outlive the run).
"""

from __future__ import annotations

import argparse
import csv
import signal
import sys
import time
from pathlib import Path

import psutil


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--phase-file", type=Path)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    try:
        master = psutil.Process(args.pid)
    except psutil.NoSuchProcess:
        print(f"rss_sampler: no process {args.pid}", file=sys.stderr)
        return 1
    deadline = time.monotonic() + args.max_seconds
    with args.out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["time", "phase", "pid", "kind", "rss_bytes", "uss_bytes"])
        while not stop["now"] and time.monotonic() < deadline and master.is_running():
            phase = ""
            if args.phase_file and args.phase_file.exists():
                phase = args.phase_file.read_text(encoding="utf-8").strip()
            now = time.time()
            try:
                procs = [(master, "master")] + [(p, "worker") for p in master.children()]
            except psutil.NoSuchProcess:
                break
            for proc, kind in procs:
                try:
                    info = proc.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                writer.writerow([f"{now:.3f}", phase, proc.pid, kind, info.rss, getattr(info, "uss", "")])
            fh.flush()
            time.sleep(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
