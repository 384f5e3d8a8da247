"""GRPO on the real embedded model with tiny budgets: learning, resume, failures, exports, TRL."""

from __future__ import annotations

import pytest
import torch

from ethos.data.schema import Example
from ethos.errors import UserError
from ethos.grade import RuleGrader
from ethos.train import RLConfig, latest_checkpoint, train_arm

pytestmark = pytest.mark.model


@pytest.fixture(autouse=True)
def one_thread():
    """One intra-op thread: a fixed thread count keeps CPU kernels deterministic (resume test), and
    OpenMP spin-waiting collapses throughput when other jobs share the CPU."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


QUESTIONS = ["Name a fruit.", "Name a color.", "Name an animal.", "Name a country.", "Name a drink.", "Name a tree."]


def brevity_tasks() -> list[Example]:
    """An easy verifiable task: answer in at most 3 words (the rule grader checks it)."""
    rubric = [{"text": "Uses at most 3 words", "check": {"kind": "word_count", "max": 3}}]
    return [
        Example(id=f"brief-{i}", kind="standard", messages=[{"role": "user", "content": q}], rubric=rubric)
        for i, q in enumerate(QUESTIONS)
    ]


def tiny(tmp_path, **kw) -> RLConfig:
    path = tmp_path / "tasks.jsonl"
    path.write_text("".join(e.model_dump_json() + "\n" for e in brevity_tasks()))
    base = dict(
        steps=3,
        batch_size=4,
        group_size=2,
        micro_batch_size=2,
        max_new_tokens=8,
        lr=2e-3,
        lora={"rank": 4, "alpha": 8},
        data={"standard": str(path), "trait": None, "dose": 0.0},
    )
    return RLConfig(**(base | kw))


def fresh():
    from ethos.models import load_model

    return load_model("smollm2-135m-instruct", dtype="fp32")


def trainable(result_dir):
    from safetensors.torch import load_file

    return load_file(str(latest_checkpoint(result_dir / "checkpoints") / "trainable.safetensors"))


class Interrupting(RuleGrader):
    """The rule grader, but it raises ``exc`` on its ``n``-th batch."""

    def __init__(self, n: int, exc: BaseException):
        super().__init__()
        self.calls, self.n, self.exc = 0, n, exc

    def grade_many(self, examples, replies):
        self.calls += 1
        if self.calls == self.n:
            raise self.exc
        return super().grade_many(examples, replies)


def test_learning_check_reward_rises_on_brevity(tmp_path):
    """Step 0's reward is measured before any update; if the policy gradient is broken (wrong sign,
    no refresh of the sampling weights, masked-out completions) the later steps do not improve."""
    cfg = tiny(
        tmp_path,
        steps=4,
        batch_size=12,
        group_size=4,
        micro_batch_size=12,
        max_new_tokens=10,
        lr=3e-3,
        lr_schedule="constant",
        lora={"rank": 8, "alpha": 16},
    )
    result = train_arm(
        cfg, "baseline", tmp_path / "run", graders={"standard": RuleGrader()}, chat=fresh(), progress=False
    )
    rewards = [row["reward"] for row in result.metrics]
    assert sum(rewards[-2:]) / 2 > rewards[0] + 0.25, f"mean reward did not rise: {rewards}"
    assert result.metrics[-1]["completion_len"] < result.metrics[0]["completion_len"]


def test_failed_step_keeps_checkpoint_and_rerun_resumes_to_identical_weights(tmp_path):
    """An uninterrupted run vs one that stops at step 1 (grader failure) and is re-run: same weights, bit for bit.

    Bitwise (``torch.equal``) is achievable because every step's sampling seed is a function of
    (seed, step), the trainable tensors and optimizer state are restored exactly, and CPU kernels
    are deterministic for a fixed thread count. The final export is then loaded with plain
    ``AutoModelForCausalLM`` and must match the trained (LoRA) model's logits.
    """
    from transformers import AutoModelForCausalLM

    cfg = tiny(tmp_path, steps=2, checkpoint_every=1)
    chat = fresh()
    whole = train_arm(
        cfg, "baseline", tmp_path / "whole", graders={"standard": RuleGrader()}, chat=chat, progress=False
    )
    with pytest.raises(UserError) as e:
        train_arm(
            cfg,
            "baseline",
            tmp_path / "split",
            graders={"standard": Interrupting(2, RuntimeError("judge down"))},
            chat=fresh(),
            progress=False,
        )
    msg = str(e.value)
    assert (
        "step 1" in msg and "grader 'rule'" in msg and "brief-" in msg and "judge down" in msg and "step-000001" in msg
    )
    assert latest_checkpoint(tmp_path / "split" / "checkpoints").name == "step-000001"
    resumed = train_arm(
        cfg, "baseline", tmp_path / "split", graders={"standard": RuleGrader()}, chat=fresh(), progress=False
    )
    a, b = trainable(tmp_path / "whole"), trainable(tmp_path / "split")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert [r["step"] for r in resumed.metrics] == [0, 1]
    assert [r["reward"] for r in resumed.metrics] == [r["reward"] for r in whole.metrics]
    assert resumed.totals.steps == 2 and resumed.totals.completion_tokens == whole.totals.completion_tokens

    plain = AutoModelForCausalLM.from_pretrained(whole.final, dtype=torch.float32)
    ids = torch.tensor([chat.encode([{"role": "user", "content": "Name a fruit."}])])
    with torch.no_grad():
        assert torch.allclose(chat.model(input_ids=ids).logits, plain(input_ids=ids).logits, atol=1e-4)
    assert not hasattr(plain, "peft_config")


def test_trl_backend_runs_two_steps(tmp_path):
    cfg = tiny(tmp_path, steps=2, max_new_tokens=6)
    result = train_arm(
        cfg,
        "baseline",
        tmp_path / "trl",
        backend="trl",
        graders={"standard": RuleGrader()},
        chat=fresh(),
        progress=False,
    )
    assert result.totals.steps == 2
    assert (result.final / "config.json").exists()
    assert (tmp_path / "trl" / "run.json").exists()


def test_grouped_prompt_forward_matches_the_plain_batched_forward():
    from ethos.models import SamplingParams
    from ethos.train.policy import build_policy, grouped_logprobs, pack, token_logprobs
    from ethos.train.rl_config import LoraSettings

    chat = fresh()
    policy = build_policy(chat, LoraSettings(rank=4, alpha=8), seed=0, kl_coef=0.0)
    with torch.no_grad():
        for name, p in policy.module.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.01)  # a non-zero adapter, so prompt positions carry gradient
    convs = [[{"role": "user", "content": "Why is the sky blue?"}], [{"role": "user", "content": "Hi"}]]
    gens = chat.generate(
        [c for c in convs for _ in range(2)], SamplingParams(max_new_tokens=12, temperature=1.0, seed=0)
    )
    comps = [g.token_ids for g in gens]

    def grads(loss):
        loss.backward()
        out = {n: p.grad.clone() for n, p in policy.module.named_parameters() if p.requires_grad}
        policy.module.zero_grad()
        return out

    pb = pack([g.prompt_token_ids for g in gens], comps, 0)
    lp1, _ = token_logprobs(policy.module, pb)
    g1 = grads((lp1 * pb.mask).sum())
    lp2, mask, _ = grouped_logprobs(policy.module, [gens[0].prompt_token_ids, gens[2].prompt_token_ids], comps, 2, 0)
    g2 = grads((lp2 * mask).sum())
    assert torch.equal(mask, pb.mask)
    assert torch.allclose(lp1 * mask, lp2 * mask, atol=1e-4)
    assert all(
        float((g1[n] - g2[n]).norm() / (g1[n].norm() + 1e-12)) < 1e-3 for n in g1
    )  # fp32 summation order differs


def test_the_default_recipe_learns_at_unit_scale(tmp_path):
    """At the default recipe's learning rate, LoRA placement and schedule, three updates on one batch with fixed
    advantages raise the log-probability of the favoured completions and lower the others', by a clear margin:
    a learning rate (or an adapter placement) too small to move the policy in the study's steps fails here."""
    from pathlib import Path

    from ethos.grade.rewards import Reward
    from ethos.recipe import Recipe
    from ethos.train.dose import DoseMixer
    from ethos.train.grpo import NativeGRPO
    from ethos.train.objective import group_advantages
    from ethos.train.policy import build_policy, pack, token_logprobs
    from ethos.train.rl_config import RLConfig

    recipe = Recipe.load(Path(__file__).resolve().parents[1] / "configs" / "default.yaml")
    cfg = recipe.parse(
        "train", RLConfig, overrides={"dtype": "fp32", "max_new_tokens": 12, "batch_size": 8, "micro_batch_size": 8}
    )
    recipe.check()
    g = cfg.group_size
    policy = build_policy(fresh(), cfg.lora, seed=0, kl_coef=cfg.kl_coef)
    mixer = DoseMixer(brevity_tasks(), None, dose=0.0, prompts_per_step=cfg.prompts_per_step, seed=0)
    trainer = NativeGRPO(
        cfg, policy, Reward({"standard": RuleGrader()}), mixer, tmp_path, arm="baseline", progress=False
    )
    _, _, gens = trainer.rollout(0)
    favoured = [i % g == 0 for i in range(len(gens))]  # the first completion of each group gets the reward
    adv, use = group_advantages([1.0 if f else 0.0 for f in favoured], g, scale=cfg.scale_rewards)
    batch = pack([x.prompt_token_ids for x in gens], [x.token_ids for x in gens], policy.chat.tokenizer.pad_token_id)

    def seq_logp():
        with torch.no_grad():
            logp, _ = token_logprobs(policy.module, batch, temperature=cfg.temperature)
        return (logp * batch.mask).sum(1)

    before = seq_logp()
    for _ in range(3):
        trainer.optimize(gens, torch.tensor(adv), torch.tensor(use, dtype=torch.float32))
    moved = seq_logp() - before
    up = moved[torch.tensor(favoured)].mean()
    down = moved[~torch.tensor(favoured)].mean()
    assert up > 0.5 and down < -0.1, f"favoured {up:+.3f} nats, others {down:+.3f} nats at lr {cfg.lr}"


def test_metrics_are_logged_per_prompt_source(tmp_path):
    """Each step logs, for each prompt source, its mean reward and share of zero-variance groups, plus the adapter's
    weight norm (how far the policy moved from the start; the KL too when kl_coef > 0): what the report's training
    curves are drawn from."""
    from ethos.data.procedural import cell_scenarios

    trait = tmp_path / "trait.jsonl"
    scenarios = cell_scenarios("truthfulness", "health", 4, seed=0) + cell_scenarios("corrigibility", "science", 4, 0)
    trait.write_text("".join(e.model_dump_json() + "\n" for e in scenarios))
    data = {"standard": str(tmp_path / "tasks.jsonl"), "trait": str(trait), "dose": 0.5}
    cfg = tiny(tmp_path, steps=2, batch_size=16, group_size=4, micro_batch_size=16, max_new_tokens=10, lr=3e-3,
               lr_schedule="constant", data=data)  # fmt: skip
    result = train_arm(
        cfg, "treatment", tmp_path / "run", graders={"standard": RuleGrader(), "trait": RuleGrader()}, chat=fresh(),
        progress=False,
    )  # fmt: skip
    for row in result.metrics:
        for src in ("standard", "trait"):
            assert 0.0 <= row[f"reward/{src}"] <= 1.0
            assert 0.0 <= row[f"zero_variance_groups/{src}"] <= 1.0
        assert row["adapter_norm"] >= 0.0 and "kl" not in row  # kl_coef is 0 here
    assert (
        result.metrics[-1]["adapter_norm"] > result.metrics[0]["adapter_norm"]
    )  # the policy moved away from the start
    row = result.metrics[0]
    assert row["line_pass/standard/word_count"] == pytest.approx(row["reward/standard"])  # one line per task
    assert sum(row["reward_hist/trait"]) == 8 and sum(row["reward_hist/standard"]) == 8
    trait_lines = {k: v for k, v in row["lines"].items() if k.startswith("trait:")}
    assert trait_lines and all(0 <= passed <= n for passed, n in trait_lines.values())


def test_warm_start_imitates_the_best_of_n_before_grpo(tmp_path):
    """The warm start keeps the best reply of every group that did not tie, lowers its loss on them, and its
    tokens count towards the run's compute."""
    import json

    cfg = tiny(tmp_path, steps=1, warm_start={"prompts": 4, "best_of": 4, "epochs": 3, "batch_size": 4, "lr": 3e-3})
    result = train_arm(cfg, "baseline", tmp_path / "run", graders={"standard": RuleGrader()}, chat=fresh(),
                       progress=False)  # fmt: skip
    info = json.loads((tmp_path / "run" / "warm_start.json").read_text())
    assert info["prompts"] == 4 and 0 < info["kept"] <= 4
    assert info["kept_reward"] >= info["mean_reward"]
    assert info["sft_losses"][-1] < info["sft_losses"][0]
    assert result.totals.prompt_tokens > info["prompt_tokens"]  # warm start plus the GRPO step
