"""SFT: assistant-only loss masks, conversation files, and the reasoning split used by deliberative alignment."""

import pytest
import torch

from ethos.errors import UserError
from ethos.recipe import load_section
from ethos.train.deliberative import DeliberativeConfig, sft_target
from ethos.train.sft import encode_with_mask, read_conversations, sft_loss


@pytest.fixture(scope="module")
def encoder():
    from transformers import AutoTokenizer

    from ethos.models.chat import ChatEncoder
    from ethos.models.embedded import EMBEDDED, prepare

    return ChatEncoder(AutoTokenizer.from_pretrained(prepare(EMBEDDED["smollm2-135m-instruct"])))


def test_mask_covers_exactly_the_assistant_replies(encoder):
    conv = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello there"},
        {"role": "user", "content": "Bye"},
        {"role": "assistant", "content": "Goodbye"},
    ]
    ids, mask = encode_with_mask(encoder, conv, 512)
    assert len(ids) == len(mask)
    learned = encoder.tokenizer.decode([t for t, m in zip(ids, mask) if m])
    assert "Hello there" in learned and "Goodbye" in learned
    assert "Hi" not in learned.replace("Hello", "") and "Bye" not in learned.replace("Goodbye", "")
    assert learned.count("<|im_end|>") == 2  # each reply ends with its end-of-turn token


def test_mask_respects_max_length(encoder):
    ids, mask = encode_with_mask(
        encoder, [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "word " * 200}], 32
    )
    assert len(ids) == len(mask) == 32


def test_loss_ignores_non_assistant_positions():
    class Uniform(torch.nn.Module):
        def forward(self, input_ids, attention_mask=None, use_cache=False):
            return type("Out", (), {"logits": torch.zeros(*input_ids.shape, 5)})()

    ids = torch.tensor([[1, 2, 3, 4]])
    labels = torch.tensor([[0.0, 0.0, 1.0, 1.0]])
    loss, n = sft_loss(Uniform(), ids, torch.ones_like(ids), labels)
    assert n == 2 and float(loss) == pytest.approx(torch.log(torch.tensor(5.0)).item())


def test_read_conversations_errors(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text(
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n{"messages": '
        '[{"role": "user", "content": "no reply"}]}\n'
    )
    with pytest.raises(UserError, match=r"c.jsonl:2 \(field 'messages'\): no assistant turn"):
        read_conversations(p)
    p.write_text('{"messages": "oops"}\n')
    with pytest.raises(UserError, match="list of"):
        read_conversations(p)


def test_reasoning_and_sft_target():
    from ethos.grade import parse_reply

    reply = parse_reply(
        "Reasoning: The self_harm policy says to offer support.\nFinal answer: I'm sorry you're hurting. You can call "
        "988."
    )
    r, a = reply.reasoning, reply.answer
    assert r == "The self_harm policy says to offer support." and a.startswith("I'm sorry")
    assert parse_reply("Just an answer.").answer == "Just an answer."
    target = sft_target(r, a)
    from ethos.grade import final_answer

    assert final_answer(target) == a  # the policy judge never sees the reasoning


def test_deliberative_config_problems(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("deliberative:\n  judge_k: 0\n  samples: 3\n")
    with pytest.raises(UserError) as e:
        load_section(p, "deliberative", DeliberativeConfig)
    assert "deliberative.judge_k" in str(e.value) and "deliberative.samples is not a known setting" in str(e.value)
    assert DeliberativeConfig().judge == "rule"  # the policy checked by code; a model judge is opt-in
