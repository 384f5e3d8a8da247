"""Generation speed: ethos' engine vs ``transformers`` ``model.generate()``, side by side.

Same model (the embedded SmolLM2-135M-Instruct), dtype, batch of 32 chat prompts, sampling
(temperature 1, top-p 1) and 64 new tokens. Tokens/s counts the tokens each side actually
generated (rows may end early at end-of-turn). Prints medians of several repeats, the share of the
bf16 roofline, peak RSS, and as its last line ``speedup_vs_hf_generate: <ratio>``.

    python bench/generation.py [--repeats 3] [--dtype bf16]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import torch

from ethos.models import SamplingParams, load_model
from ethos.models.engine import roofline_tokens_per_second
from ethos.models.hf_generate import left_pad

TOPICS = [
    "why the sky is blue", "how to boil an egg", "the causes of inflation", "what a prime number is",
    "how vaccines train the immune system", "tips for a job interview", "the plot of Hamlet",
    "how a bicycle stays upright", "what photosynthesis does", "how to write a haiku",
    "the difference between weather and climate", "how compound interest works",
    "why we sleep", "how to learn a language", "what a black hole is", "how to stay calm before an exam",
]


def prompts(n: int) -> list[list[dict]]:
    out = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        extra = " Please be thorough and give an example." if i % 3 == 0 else ""
        out.append([{"role": "user", "content": f"Explain {topic} in a few sentences.{extra}"}])
    return out


def time_engine(model, convs, params) -> tuple[float, int]:
    t = time.perf_counter()
    gens = model.generate(convs, params)
    return time.perf_counter() - t, sum(len(g.token_ids) for g in gens)


@torch.inference_mode()
def time_hf(model, convs, params) -> tuple[float, int]:
    tok = model.tokenizer
    ids = [model.encode(c) for c in convs]
    input_ids, mask = left_pad(ids, tok.pad_token_id)
    width = input_ids.shape[1]
    torch.manual_seed(params.seed)
    t = time.perf_counter()
    out = model.model.generate(
        input_ids=input_ids, attention_mask=mask, do_sample=True, temperature=params.temperature, top_p=params.top_p,
        top_k=0, max_new_tokens=params.max_new_tokens, eos_token_id=model.chat.stop_token_ids, pad_token_id=tok.pad_token_id,
    )
    elapsed = time.perf_counter() - t
    new = out[:, width:]
    stops = torch.isin(new, torch.tensor(model.chat.stop_token_ids))
    # Tokens up to and including each row's first end-of-turn, as the engine counts them.
    first = torch.where(stops.any(1), stops.float().argmax(1) + 1, torch.full((len(ids),), new.shape[1]))
    return elapsed, int(first.sum())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--dtype", default="bf16", choices=["bf16", "fp32"])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--new-tokens", type=int, default=64)
    args = ap.parse_args()

    model = load_model("smollm2-135m-instruct", dtype=args.dtype)
    convs = prompts(args.batch)
    params = SamplingParams(max_new_tokens=args.new_tokens, temperature=1.0, top_p=1.0, seed=0)
    time_engine(model, convs[:4], SamplingParams(max_new_tokens=8, temperature=1.0, seed=0))  # warm-up
    time_hf(model, convs[:4], SamplingParams(max_new_tokens=8, temperature=1.0, seed=0))

    ours, ref = [], []
    for r in range(args.repeats):
        p = SamplingParams(max_new_tokens=args.new_tokens, temperature=1.0, top_p=1.0, seed=r)
        s, n = time_engine(model, convs, p)
        ours.append(n / s)
        s, n = time_hf(model, convs, p)
        ref.append(n / s)
        print(f"repeat {r + 1}: ethos {ours[-1]:7.1f} tok/s   hf generate {ref[-1]:7.1f} tok/s")

    n_params = sum(p.numel() for p in model.model.parameters())
    roof = roofline_tokens_per_second(n_params)
    a, b = statistics.median(ours), statistics.median(ref)
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"config: batch {args.batch}, {args.new_tokens} new tokens, sampled, {args.dtype}, {torch.get_num_threads()} threads")
    print(f"ethos engine (median of {args.repeats}):     {a:8.1f} tok/s  ({a / roof:.0%} of the bf16 roofline ≈ {roof:,.0f} tok/s)")
    print(f"transformers generate (median of {args.repeats}): {b:8.1f} tok/s  ({b / roof:.0%} of the roofline)")
    print(f"peak RSS: {rss_gb:.2f} GB")
    print(f"speedup_vs_hf_generate: {a / b:.2f}")


if __name__ == "__main__":
    main()
