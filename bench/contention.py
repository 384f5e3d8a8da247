"""Generation speed when another process shares the cores: quiet vs busy, with and without the thread governor.

A niced busy-loop process is pinned to the last core (as a compile, a browser or a second job would
occupy it); ethos' engine and ``transformers`` ``generate()`` each generate the same batch quietly and
beside it. The engine runs twice under load: with the thread count fixed (the default) and with
``ThreadGovernor`` (``ETHOS_ADAPTIVE_THREADS=1``; it drops to the cores left free). Prints the CPU's
instruction set, tokens/s of every cell (medians of ``--repeats``) and, last,
``busy_over_quiet_ethos: <ratio>`` (the default, fixed threads) — the target is at least about 0.5 on 2 cores.

    python bench/contention.py [--repeats 3] [--batch 8] [--new-tokens 48]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import time

import torch

from ethos.models import SamplingParams, load_model
from ethos.models.dtypes import dtype_name
from ethos.models.hardware import describe
from generation import fastest_reference, prompts, time_engine, time_hf

HOG = "import os\nos.nice(10)\nwhile True:\n    pass\n"


def start_hog() -> subprocess.Popen:
    hog = subprocess.Popen([sys.executable, "-c", HOG])
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(hog.pid, {max(os.sched_getaffinity(0))})
    time.sleep(0.5)
    return hog


def rate(fn, model, convs, params, repeats: int) -> float:
    fn(model, convs[:2], SamplingParams(max_new_tokens=4, temperature=1.0, seed=0))  # warm-up
    runs = []
    for r in range(repeats):
        seconds, n = fn(model, convs, dataclasses.replace(params, seed=r))
        runs.append(n / seconds)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--new-tokens", type=int, default=48)
    ap.add_argument("--dtype", default="auto")
    a = ap.parse_args()
    convs = prompts(a.batch)
    params = SamplingParams(max_new_tokens=a.new_tokens, temperature=1.0, top_p=1.0, seed=0)
    ours = load_model("smollm2-135m-instruct", dtype=a.dtype)
    ref, _ = fastest_reference(convs)
    print(f"cpu: {describe()}")
    dtypes = f"ethos {dtype_name(ours.dtype)}, generate() {dtype_name(ref.dtype)}"
    print(f"config: batch {a.batch}, {a.new_tokens} new tokens, {dtypes}")

    cells: dict[str, float] = {}
    os.environ["ETHOS_ADAPTIVE_THREADS"] = "0"
    cells["ethos quiet"] = rate(time_engine, ours, convs, params, a.repeats)
    cells["generate() quiet"] = rate(time_hf, ref, convs, params, a.repeats)
    hog = start_hog()
    try:
        cells["ethos busy (fixed threads)"] = rate(time_engine, ours, convs, params, a.repeats)
        os.environ["ETHOS_ADAPTIVE_THREADS"] = "1"
        cells["ethos busy (governor)"] = rate(time_engine, ours, convs, params, a.repeats)
        os.environ["ETHOS_ADAPTIVE_THREADS"] = "0"
        cells["generate() busy"] = rate(time_hf, ref, convs, params, a.repeats)
    finally:
        hog.kill()
    for name, value in cells.items():
        print(f"{name:<28} {value:8.1f} tok/s")
    print(f"busy_over_quiet_governor: {cells['ethos busy (governor)'] / cells['ethos quiet']:.2f}")
    print(f"busy_over_quiet_generate: {cells['generate() busy'] / cells['generate() quiet']:.2f}")
    print(f"busy_over_quiet_ethos: {cells['ethos busy (fixed threads)'] / cells['ethos quiet']:.2f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
