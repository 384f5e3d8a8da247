"""Each public-format adapter on small fixtures in the published layout, plus bad input."""

import json
import shutil
from pathlib import Path

import pytest

from ethos.errors import UserError
from ethos.evals.adapters import discover
from ethos.evals.suites import load_suite

FIXTURES = Path(__file__).parent / "fixtures" / "public"


@pytest.fixture(scope="module")
def found():
    d = discover(FIXTURES)
    return d, {b.name: b for b in d.benchmarks}


def test_anthropic_direction_per_file(found):
    _, b = found
    corr = b["anthropic.human.corrigible-neutral-HHH"]
    assert corr.category == "corrigibility"
    assert [corr.items[0].options[g] for g in corr.items[0].good] == ["(A)"]  # matching is good
    power = b["anthropic.human.power-seeking-inclination"]
    assert [power.items[0].options[g] for g in power.items[0].good] == ["(B)"]  # matching is bad
    persona = b["anthropic.persona.desire-for-acquiring-power"]
    assert [persona.items[1].options[g] for g in persona.items[1].good] == ["Yes"]
    syc = b["anthropic.sycophancy.sycophancy_on_nlp_survey"]
    assert [syc.items[1].options[g] for g in syc.items[1].good] == ["(B)"]  # list-valued not-matching answer


def test_unknown_direction_is_listed_not_silently_skipped(tmp_path):
    src = FIXTURES / "evals" / "advanced-ai-risk" / "human_generated_evals" / "power-seeking-inclination.jsonl"
    dest = tmp_path / "advanced-ai-risk" / "human_generated_evals" / "made-up-behaviour.jsonl"
    dest.parent.mkdir(parents=True)
    shutil.copy(src, dest)
    d = discover(tmp_path, adapters=["anthropic"])
    assert d.benchmarks == []
    assert any("made-up-behaviour" in n and "matching_good" in n for n in d.not_found)


def test_matching_good_override_flips_the_table(found):
    _, b = found
    default = b["anthropic.human.self-awareness-general-ai"]  # the table: knowing it is an AI is the good answer
    assert default.items[0].options[default.items[0].good[0]] == "(B)" and default.category == "transparency"
    d = discover(FIXTURES, adapters=["anthropic"], matching_good={"self-awareness-general-ai": False})
    bench = {b.name: b for b in d.benchmarks}["anthropic.human.self-awareness-general-ai"]
    assert bench.items[0].options[bench.items[0].good[0]] == "(A)"


def test_caa(found):
    _, b = found
    syc = b["caa.sycophancy"]
    assert syc.category == "sycophancy" and len(syc.items) == 2
    assert syc.items[0].options[syc.items[0].good[0]] == "(B)"
    assert b["caa.corrigible-neutral-HHH"].items[0].options[b["caa.corrigible-neutral-HHH"].items[0].good[0]] == "(A)"


def test_xstest_splits_safe_and_unsafe_and_scores_with_its_own_classifier(found):
    _, b = found
    safe, unsafe = b["xstest.safe"], b["xstest.unsafe"]
    assert len(safe.items) == 2 and safe.category == "over_refusal" and unsafe.category == "harmful_refusal"
    assert safe.independent and safe.grader == "xstest-strmatch"
    refusal, compliance = "I'm sorry, I can't help with that.", "Sure: kill the process with kill -9."
    assert [v.score for v in safe.scorer.grade_many(safe.items[:1] * 2, [refusal, compliance])] == [0.0, 1.0]
    assert [v.score for v in unsafe.scorer.grade_many(unsafe.items[:1] * 2, [refusal, compliance])] == [1.0, 0.0]


def test_bbq(found):
    _, b = found
    bbq = b["bbq.Age"]
    assert bbq.items[0].good == (2,) and bbq.items[1].good == (1,)
    assert bbq.items[1].meta["condition"] == "disambig" and bbq.chance == pytest.approx(1 / 3)


def test_truthfulqa_json_and_csv(found):
    _, b = found
    assert b["truthfulqa.mc1"].items[0].good == (0,)
    assert b["truthfulqa.mc2"].items[0].good == (0, 1)
    mc = b["truthfulqa.mc"].items[0]  # from the CSV: MC2, every true answer against every false one
    assert mc.options[: len(mc.good)] == ("Nothing in particular happens", "It is harmless")
    assert mc.options[len(mc.good) :] == ("You will get arthritis", "Your knuckles will swell")
    gen = b["truthfulqa.gen"]
    assert gen.independent and gen.grader == "truthfulqa-rougeL"
    assert gen.items[0].meta["true_answers"] == ["Nothing in particular happens", "It is harmless"]


def test_selfaware(found):
    _, b = found
    assert len(b["selfaware.unanswerable"].items) == 2
    assert b["selfaware.answerable"].items[0].rubric[0].check.param("terms") == ["Paris"]


def test_strongreject_harmbench_coconot(found):
    _, b = found
    assert len(b["strongreject"].items) == 2
    hb = b["harmbench.val"].items
    assert (
        hb[1].messages[0].content.startswith("Notes: neighbour") and "threatening letter" in hb[1].messages[0].content
    )
    assert b["coconot.original"].category == "harmful_refusal"
    assert b["coconot.contrast"].category == "over_refusal" and not b["coconot.contrast"].scorer.want_refusal


def test_not_found_lists_every_missing_adapter(tmp_path):
    shutil.copytree(FIXTURES / "xstest", tmp_path / "x")
    d = discover(tmp_path)
    assert [b.name for b in d.benchmarks] == ["xstest.safe", "xstest.unsafe"]
    missing = {n.split(":")[0] for n in d.not_found}
    assert missing == {"anthropic", "caa", "bbq", "truthfulqa", "selfaware", "strongreject", "harmbench", "coconot"}


def test_renamed_column_names_file_expected_and_found(tmp_path):
    (tmp_path / "strongreject_dataset.csv").write_text("category,source,prompt\nViolence,x,hi\n")
    with pytest.raises(UserError) as e:
        discover(tmp_path, adapters=["strongreject"])
    msg = str(e.value)
    assert "strongreject_dataset.csv:1" in msg and "missing field(s) forbidden_prompt" in msg
    assert "has category, source, prompt" in msg


def test_missing_jsonl_field_names_the_line(tmp_path):
    (tmp_path / "Age.jsonl").write_text(json.dumps({"context": "c", "question": "q"}) + "\n")
    with pytest.raises(UserError, match=r"Age.jsonl:1.*ans0"):
        discover(tmp_path, adapters=["bbq"])


def test_empty_file_is_an_error_not_a_zero(tmp_path):
    (tmp_path / "coconot_eval.jsonl").write_text("")
    with pytest.raises(UserError, match="no items"):
        discover(tmp_path, adapters=["coconot"])


def test_hub_fails_fast_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError, match="unreachable"):
        discover(None, adapters=["anthropic"], hub=True)


def test_suite_file_with_public_adapters(tmp_path):
    suite = tmp_path / "s.yaml"
    suite.write_text(f"name: mix\nbuiltin: [arithmetic]\npublic: [xstest, bbq]\ndata_dir: {FIXTURES}\nlimit: 5\n")
    s = load_suite(str(suite))
    assert [b.name for b in s.benchmarks] == ["arithmetic", "xstest.safe", "xstest.unsafe", "bbq.Age"] and s.limit == 5
    assert {n.split(":")[0] for n in s.not_found} == set()


def test_suite_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("benchmarks: [x]\n")
    with pytest.raises(
        UserError,
        match=r"bad.yaml:1: benchmarks is not a known setting; remove it or check the spelling \(known: name, builtin",
    ):
        load_suite(str(bad))
    with pytest.raises(UserError, match="unknown suite"):
        load_suite(str(tmp_path / "nope.yaml"))
    with pytest.raises(UserError, match="public needs data_dir"):
        bad.write_text("public: [xstest]\n")
        load_suite(str(bad))
