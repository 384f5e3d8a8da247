"""Token-matched compute: an arm whose steps cost fewer tokens trains proportionally more steps."""

from dataclasses import dataclass

from ethos.data.procedural import cell_scenarios
from ethos.data.standard import standard_tasks
from ethos.experiments.compute_match import PROBE_STEPS, matched_steps, tokens_per_step, write_match
from ethos.files import write_json
from ethos.train.rl_config import RLConfig


@dataclass
class Gen:
    prompt_token_ids: list
    token_ids: list


class WordChat:
    """Tokens = words; a reply as long as its prompt, up to the limit (long prompts, long replies)."""

    def __init__(self):
        self.calls = 0

    def generate(self, convs, params):
        self.calls += 1
        out = []
        for conv in convs:
            words = " ".join(m["content"] for m in conv).split()
            out.append(Gen(words, words[: params.max_new_tokens]))
        return out


def test_the_undosed_arm_gets_more_steps_when_trait_steps_cost_more(tmp_path):
    (tmp_path / "build").mkdir()
    trait = cell_scenarios("truthfulness", "health", 8, seed=0)
    std = standard_tasks(40, 0, {"ifeval": 0.6, "arithmetic": 0.4})
    from ethos.data.io import save_examples

    save_examples(tmp_path / "build" / "trait.jsonl", trait)
    save_examples(tmp_path / "build" / "std.jsonl", std)
    cfg = RLConfig(steps=18, batch_size=16, group_size=4, max_new_tokens=48, data={"dose": 0.5})
    chat = WordChat()
    assert tokens_per_step(chat, cfg, std, trait, 0.5) > tokens_per_step(chat, cfg, std, trait, 0.0)
    info = write_match(chat, cfg, tmp_path, "std.jsonl", "trait.jsonl")
    assert chat.calls == 2 * PROBE_STEPS + 2 * PROBE_STEPS  # the two direct probes, then one per dose
    assert info["steps"]["0.5"] == 18 and info["steps"]["0.0"] > 18
    assert matched_steps(tmp_path, 0.0, 18) == info["steps"]["0.0"]
    assert matched_steps(tmp_path, 0.5, 18) == 18
    assert matched_steps(tmp_path / "absent", 0.0, 18) == 18  # nothing measured: the recipe's steps
    write_json(tmp_path / "compute_match.json", {"steps": {"0.0": 7}})
    assert matched_steps(tmp_path, 0, 18) == 7  # an int dose reads the same key
