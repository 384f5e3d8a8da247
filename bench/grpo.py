"""GRPO step time: ethos' native loop vs TRL's ``GRPOTrainer`` on the identical configuration.

Both sides train the embedded SmolLM2-135M-Instruct with the same prompts (in the same order), group
size, completion length, LoRA rank/targets, learning rate, seed and rule-grader reward. ethos runs at
``--dtype`` (default ``auto``, what users get); TRL runs at *its* fastest dtype on this machine (a
short probe times its dominant work — ``generate()`` and a training forward/backward — in fp32 and
in bf16) with its best CPU settings (no gradient checkpointing, no shuffling). A step is everything from
sampling the group to the optimizer update. The first ``--warmup`` steps of each side are dropped;
medians of the rest are printed with mean completion lengths (sampling differs between the two
samplers, so lengths are shown to make sure both sides did comparable work), and the last line is
``speedup_vs_trl: <ratio>``. Both sides run in one process, one after the other, so a shared
machine's load affects both; repeat the run when the load changes.

    python bench/grpo.py [--steps 4] [--warmup 1] [--batch 16] [--group 4] [--tokens 64] [--dtype auto] [--threads N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from ethos.data.schema import Example
from ethos.grade import RuleGrader
from ethos.grade.rewards import Reward
from ethos.models import load_model
from ethos.models.dtypes import dtype_name, parse_dtype
from ethos.models.hardware import describe
from ethos.train.dose import DoseMixer
from ethos.train.grpo import NativeGRPO
from ethos.train.policy import build_policy
from ethos.train.rl_config import RLConfig
from ethos.train.trl_backend import build_trl_trainer

TOPICS = [
    "why the sky is blue",
    "how vaccines work",
    "the causes of inflation",
    "how a bicycle stays upright",
    "what photosynthesis does",
    "how compound interest works",
    "why we sleep",
    "what a black hole is",
]


def tasks() -> list[Example]:
    rubric = [{"text": "Uses at most 40 words", "check": {"kind": "word_count", "max": 40}}]
    return [
        Example(
            id=f"bench-{i}",
            kind="standard",
            messages=[{"role": "user", "content": f"Explain {t} in detail."}],
            rubric=rubric,
        )
        for i, t in enumerate(TOPICS)
    ]


def native_steps(cfg: RLConfig, mixer: DoseMixer, router: Reward, out: Path) -> tuple[list[float], list[float]]:
    chat = load_model(cfg.model, dtype=cfg.dtype)
    trainer = NativeGRPO(
        cfg, build_policy(chat, cfg.lora, seed=cfg.seed, kl_coef=cfg.kl_coef), router, mixer, out, progress=False
    )
    times, lengths, generate = [], [], []
    for step in range(cfg.steps):
        t0 = time.perf_counter()
        row = trainer.step(step)
        times.append(time.perf_counter() - t0)
        lengths.append(row["completion_len"])
        generate.append(row["seconds_generate"])
    print(
        f"native: median sampling time {statistics.median(generate):.2f} s of each step (the rest is reward + "
        f"forward/backward + update)"
    )
    return times, lengths


def probe_seconds(dtype: str) -> float:
    """Seconds for a short ``generate()`` plus one training forward/backward of the model in ``dtype``."""
    chat = load_model("smollm2-135m-instruct", dtype=dtype)
    ids = torch.tensor([chat.encode(ex.chat()) for ex in tasks()[:1]] * 4)
    model = chat.model

    def once() -> None:
        with torch.no_grad():
            model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                do_sample=True,
                max_new_tokens=4,
                pad_token_id=chat.tokenizer.pad_token_id,
            )
        out = model(input_ids=torch.cat([ids, ids], 1), use_cache=False).logits.float().logsumexp(-1).mean()
        out.backward()
        model.zero_grad(set_to_none=True)

    once()  # warm-up
    t0 = time.perf_counter()
    once()
    return time.perf_counter() - t0


def trl_steps(cfg: RLConfig, mixer: DoseMixer, router: Reward, out: Path) -> tuple[list[float], list[float]]:
    from transformers import TrainerCallback

    times: list[float] = []

    class StepTimer(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            self.t0 = time.perf_counter()

        def on_step_end(self, args, state, control, **kw):
            times.append(time.perf_counter() - self.t0)

    cfg = cfg.model_copy(update={"trl_args": {"disable_tqdm": True, "logging_steps": 1}})
    trainer, _ = build_trl_trainer(cfg, mixer, router, out)
    trainer.add_callback(StepTimer())
    trainer.train()
    lengths = [row["completions/mean_length"] for row in trainer.state.log_history if "completions/mean_length" in row]
    return times, lengths


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--batch", type=int, default=16, help="completions per step")
    ap.add_argument("--group", type=int, default=4)
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--dtype", default="auto", choices=["auto", "fp32", "bf16"], help="ethos's dtype")
    ap.add_argument(
        "--threads", type=int, default=None, help="torch intra-op threads for both sides (default: torch's)"
    )
    a = ap.parse_args(argv)
    if a.threads:
        torch.set_num_threads(a.threads)
    cfg = RLConfig(
        steps=a.warmup + a.steps,
        batch_size=a.batch,
        group_size=a.group,
        micro_batch_size=a.batch,
        max_new_tokens=a.tokens,
        dtype=a.dtype,
        lr=1e-5,
        lora={"rank": a.rank, "alpha": 2 * a.rank},
        data={"standard": "bench", "trait": None, "dose": 0.0},
    )
    probes = {d: probe_seconds(d) for d in ("fp32", "bf16")}
    trl_dtype = min(probes, key=probes.get)
    ours = dtype_name(parse_dtype(a.dtype))
    print(f"cpu: {describe()}")
    print(
        f"ethos dtype: {ours} (asked: {a.dtype}); TRL probe: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in probes.items())
        + f" -> TRL runs in {trl_dtype}",
        flush=True,
    )
    router = Reward({"standard": RuleGrader()})
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, run, side in (
            ("native", native_steps, cfg),
            ("trl", trl_steps, cfg.model_copy(update={"dtype": trl_dtype})),
        ):
            mixer = DoseMixer(tasks(), None, dose=0.0, prompts_per_step=cfg.prompts_per_step, seed=cfg.seed)
            times, lengths = run(side, mixer, router, Path(tmp) / name)
            kept = times[a.warmup :]
            results[name] = statistics.median(kept)
            print(
                f"{name:>6}: median {results[name]:6.2f} s/step over {len(kept)} steps  (all: "
                f"{', '.join(f'{t:.2f}' for t in times)}; "
                f"mean completion length {statistics.fmean(lengths):.1f} tokens)",
                flush=True,
            )
    print(
        f"config: {a.batch} completions/step (group {a.group}), {a.tokens} new tokens, LoRA r{a.rank}, ethos {ours}, "
        f"TRL {trl_dtype}, "
        f"{torch.get_num_threads()} thread(s), embedded smollm2-135m-instruct"
    )
    print(f"speedup_vs_trl: {results['trl'] / results['native']:.2f}")


if __name__ == "__main__":
    main()
