"""Run one study stage in a fresh process, so no stage inherits another's memory.

A study trains several arms and loads a dozen models in turn. In one long-lived process the heap
only grows: PyTorch's allocator caches, glibc keeps fragmented arenas, and each training arm starts
on top of what the previous one left (measured on the default study: peak 4.9 GB after the first
arm, 6.3 GB after the fourth, with ``gc`` and ``malloc_trim`` between them). A process per stage
returns everything to the OS when it exits, so the study's peak is one stage's peak plus the
light parent's.

The parent passes the stage as what it is — a function of ``ethos.experiments.jobs`` or of an arm
kind, with its arguments (paths, settings, model references), pickled to a file; the worker runs it
and writes the stage's info — or the user error that stopped it — to a JSON file the parent reads
back. The worker knows nothing of the study. Its progress bars draw on the same terminal.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

from ethos.errors import UserError
from ethos.experiments.stages import peak_rss_gb
from ethos.files import write_json

EXIT_USER_ERROR = 2


def run_in_worker(stage: str, job: Callable[[], dict | None]) -> dict:
    """Run ``job`` (stage ``stage``; picklable: a module-level function with its arguments) in a child Python
    process; return the info it reported.

    A ``UserError`` in the child is raised here with the same message; any other failure raises a
    ``RuntimeError`` pointing at the child's traceback (printed above it); Ctrl-C stops both.
    """
    with tempfile.TemporaryDirectory(prefix="ethos-stage-") as tmp:
        spec, out = Path(tmp) / "job.pickle", Path(tmp) / "result.json"
        spec.write_bytes(pickle.dumps(job))
        cmd = [sys.executable, "-m", "ethos.experiments.worker", str(spec), str(out)]
        code = subprocess.run(cmd, check=False).returncode
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    if code == 0 and "info" in result:
        info = result["info"]
        # The study's memory is the worker's plus this process's, which stays alive meanwhile (an upper bound).
        info["worker_peak_rss_gb"] = info["peak_rss_gb"]
        info["peak_rss_gb"] = round(info["peak_rss_gb"] + peak_rss_gb(), 3)
        return info
    if "error" in result:
        raise UserError(result["error"])
    if code in (-2, 130):  # SIGINT reached the child first
        raise KeyboardInterrupt
    raise RuntimeError(f"stage {stage} failed in its worker process (exit status {code}); its traceback is above.")


def main(argv: list[str]) -> int:
    spec, out = argv
    # Every worker stage loads a model through these, so importing them first costs nothing and lets the freeze
    # below cover them. Not peft: only training stages use it, and its import alone takes 2.6 s.
    import torch  # noqa: F401
    import transformers  # noqa: F401

    from ethos.experiments.stages import freeze_survivors

    job = pickle.loads(Path(spec).read_bytes())
    freeze_survivors()
    try:
        info = job() or {}
    except UserError as e:
        write_json(out, {"error": str(e)})
        return EXIT_USER_ERROR
    write_json(out, {"info": info | {"peak_rss_gb": round(peak_rss_gb(), 3), "worker": True}})
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
