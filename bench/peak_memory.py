"""Run a command and report its wall time and the peak memory of its whole process tree.

`/usr/bin/time -v` reports the largest single process, which understates a command whose work is
split over several processes living at once (``ethos run`` keeps a light parent while a worker runs
each model stage). This samples the summed resident memory of the command and all its descendants.

    python bench/peak_memory.py -- ethos run --config configs/default.yaml
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import psutil


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--interval", type=float, default=0.2, help="Seconds between samples.")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="The command, after `--`.")
    args = ap.parse_args()
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("give the command to measure after `--`")
    started = time.time()
    child = subprocess.Popen(cmd)
    proc = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, tree_rss(proc))
        except psutil.NoSuchProcess:
            break
        time.sleep(args.interval)
    code = child.wait()
    wall = time.time() - started
    print(f"wall_seconds: {wall:.1f}", file=sys.stderr)
    print(f"exit_status: {code}", file=sys.stderr)
    print(f"peak_tree_rss_gb: {peak / 2**30:.2f}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
