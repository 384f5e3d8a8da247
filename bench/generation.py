"""Generation speed: ethos' engine vs ``transformers`` ``model.generate()``, side by side.

Same model (the embedded SmolLM2-135M-Instruct), batch of 32 chat prompts, sampling (temperature
1, top-p 1) and 64 new tokens. ethos runs at ``--dtype`` (default ``auto``, what users get);
``generate()`` runs at *its* fastest dtype on this machine: a short probe times it in fp32 and in
bf16 and the faster one is measured (on CPUs without native bf16 products, bf16 is several times
slower). Tokens/s counts the tokens each side actually generated (rows may end early at
end-of-turn). Prints the CPU's instruction set, each side's dtype, medians of several repeats
(the two sides alternate, so a shared machine's load hits both), the share of this machine's
measured matrix-product roofline, peak RSS, and as its last line ``speedup_vs_hf_generate: <ratio>``.

    python bench/generation.py [--repeats 5] [--dtype auto]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import torch

from ethos.models import SamplingParams, load_model
from ethos.models.dtypes import dtype_name
from ethos.models.hardware import describe
from ethos.models.hf_generate import left_pad

TOPICS = [
    "why the sky is blue",
    "how to boil an egg",
    "the causes of inflation",
    "what a prime number is",
    "how vaccines train the immune system",
    "tips for a job interview",
    "the plot of Hamlet",
    "how a bicycle stays upright",
    "what photosynthesis does",
    "how to write a haiku",
    "the difference between weather and climate",
    "how compound interest works",
    "why we sleep",
    "how to learn a language",
    "what a black hole is",
    "how to stay calm before an exam",
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
        input_ids=input_ids,
        attention_mask=mask,
        do_sample=True,
        temperature=params.temperature,
        top_p=params.top_p,
        top_k=0,
        max_new_tokens=params.max_new_tokens,
        eos_token_id=model.chat.stop_token_ids,
        pad_token_id=tok.pad_token_id,
    )
    elapsed = time.perf_counter() - t
    new = out[:, width:]
    stops = torch.isin(new, torch.tensor(model.chat.stop_token_ids))
    # Tokens up to and including each row's first end-of-turn, as the engine counts them.
    first = torch.where(stops.any(1), stops.float().argmax(1) + 1, torch.full((len(ids),), new.shape[1]))
    return elapsed, int(first.sum())


def fastest_reference(convs) -> tuple[object, dict[str, float]]:
    """The embedded model loaded for ``generate()`` in whichever dtype generates faster here (short probe)."""
    probe = SamplingParams(max_new_tokens=4, temperature=1.0, seed=0)
    models, rates = {}, {}
    for name in ("fp32", "bf16"):
        models[name] = load_model("smollm2-135m-instruct", dtype=name)
        time_hf(models[name], convs[:2], probe)  # warm-up
        seconds, n = time_hf(models[name], convs[:8], probe)
        rates[name] = n / seconds
    best = max(rates, key=rates.get)
    return models[best], rates


def gemm_roofline(dtype: torch.dtype, seconds: float = 1.0) -> float:
    """Best measured GFLOP/s of a large matrix product in ``dtype`` here (MKL/oneDNN or ethos's kernel)."""
    import torch.nn.functional as F

    from ethos.models.linear import Linear

    x, w = torch.randn(2048, 576).to(dtype), torch.randn(1536, 576).to(dtype)
    lin = Linear(w)
    best = 0.0
    for fn in (lambda: F.linear(x, w), lambda: lin(x)):
        fn()
        start, calls = time.perf_counter(), 0
        while time.perf_counter() - start < seconds / 2:
            fn()
            calls += 1
        best = max(best, 2 * 2048 * 576 * 1536 * calls / (time.perf_counter() - start) / 1e9)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--dtype", default="auto", choices=["auto", "bf16", "fp32"], help="ethos's dtype")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--new-tokens", type=int, default=64)
    args = ap.parse_args()

    convs = prompts(args.batch)
    model = load_model("smollm2-135m-instruct", dtype=args.dtype)
    ref, probes = fastest_reference(convs)
    print(f"cpu: {describe()}")
    print(
        f"ethos dtype: {dtype_name(model.dtype)} (asked: {args.dtype}); generate() probe: "
        + ", ".join(f"{k} {v:.1f} tok/s" for k, v in probes.items())
        + f" -> reference runs in {dtype_name(ref.dtype)}"
    )
    warm = SamplingParams(max_new_tokens=8, temperature=1.0, seed=0)
    time_engine(model, convs[:4], warm)

    ours, theirs = [], []
    for r in range(args.repeats):
        p = SamplingParams(max_new_tokens=args.new_tokens, temperature=1.0, top_p=1.0, seed=r)
        s, n = time_engine(model, convs, p)
        ours.append(n / s)
        s, n = time_hf(ref, convs, p)
        theirs.append(n / s)
        print(f"repeat {r + 1}: ethos {ours[-1]:7.1f} tok/s   hf generate {theirs[-1]:7.1f} tok/s", flush=True)

    n_params = sum(p.numel() for p in model.model.parameters())
    gflops = gemm_roofline(model.dtype)
    roof = gflops * 1e9 / (2 * n_params)
    a, b = statistics.median(ours), statistics.median(theirs)
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"config: batch {args.batch}, {args.new_tokens} new tokens, sampled, {torch.get_num_threads()} threads")
    print(
        f"roofline: {gflops:.0f} GFLOP/s measured for a large {dtype_name(model.dtype)} matrix product "
        f"-> {roof:,.0f} tok/s at 2 FLOPs per parameter per token"
    )
    print(
        f"ethos engine ({dtype_name(model.dtype)}, median of {args.repeats}):    {a:8.1f} tok/s  ({a / roof:.0%} of "
        f"the roofline)"
    )
    print(
        f"transformers generate ({dtype_name(ref.dtype)}, median of {args.repeats}): {b:8.1f} tok/s  ({b / roof:.0%} "
        f"of the roofline)"
    )
    print(f"peak RSS: {rss_gb:.2f} GB")
    print(f"speedup_vs_hf_generate: {a / b:.2f}")


if __name__ == "__main__":
    main()
