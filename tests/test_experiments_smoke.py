"""The smoke study, for real: every stage on the embedded model, then resume and config mixing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from ethos.errors import UserError
from ethos.experiments import Study
from ethos.report import StudyResults

SMOKE = Path(__file__).resolve().parents[1] / "configs" / "smoke.yaml"


@pytest.mark.model
def test_smoke_study_runs_end_to_end_resumes_and_refuses_other_configs(tmp_path):
    run_dir = tmp_path / "run"
    study = Study(SMOKE, run_dir=run_dir, console=Console(file=io.StringIO()))
    n_stages = len(study.stages())
    report = study.execute()

    html = report.read_text()
    assert html.count('class="plot"') >= 6 and "<script" not in html
    assert (run_dir / "summary.md").read_text().startswith("# ethos smoke study")
    res = StudyResults.load(run_dir / "results.json")
    head = res.comparisons[0]
    assert (head.a, head.b) == ("baseline", "treatment") and head.seeds == (2, 2)
    assert {r.benchmark for r in head.rows} == {b.name for b in study.suite.benchmarks}
    assert [(c.a, c.b) for c in res.comparisons] == [
        ("baseline", "treatment"),
        ("control", "treatment"),
        ("baseline", "control"),
        ("baseline", "deliberative"),
        ("treatment", "deliberative"),
        ("baseline", "constitution"),
        ("treatment", "constitution"),
        ("deliberative", "constitution"),
        ("baseline", "health_only"),
        ("treatment", "health_only"),
        ("pre", "treatment"),
        ("pre", "baseline"),
    ]
    # Two seeds a side: every comparison between trained arms is descriptive; against the fixed pre model too.
    assert all(r.p is None and r.q is None for c in res.comparisons for r in c.rows)
    assert res.grader_agreement and res.grader_agreement[0].agreement.value >= 0.85
    assert {r.benchmark for r in res.secondary[0].rows} == {b.name for b in study.secondary.benchmarks}
    assert {"misconceptions", "over_refusal"} <= {b.name for b in study.secondary.benchmarks}
    assert all(r.q is None for r in head.rows if not r.independent)  # rule-graded rows never enter the correction
    assert {c.train_set for c in res.generalization} == {"all domains (treatment)", "health only"}
    assert any(c.group == "held-out domains (trait reward)" for c in res.generalization)
    assert {h.stream for h in res.heldout} == {
        "standard",
        "trait (training domains)",
        "trait (held-out domains)",
        "trait (held-out skeletons)",
        "trait contrast items (blanket behaviour is wrong)",
    }
    assert all(h.held_out for h in res.heldout if "held-out" in h.stream)
    assert {g.model for g in res.gaming} >= {"pre", "baseline", "treatment"}
    assert any(c.line_pass for c in res.curves if c.arm == "treatment")
    tests = [c.test for c in res.contrasts]
    assert any("harmful_medical" in t for t in tests) and any("careful_clinician" in t for t in tests)
    assert "fine-tune: health" in tests and "baseline" in res.finetune_comparison
    jb = [c for c in res.contrasts if c.test.startswith("jailbreak goodness")]
    pairs = {("baseline", "treatment")} | {
        (ref, arm) for arm in ("deliberative", "constitution") for ref in ("baseline", "treatment")
    }
    assert {(c.comparison, c.treated) for c in jb} == pairs | {("deliberative", "constitution")}
    persona = [c for c in res.contrasts if "harmful_medical" in c.test]
    assert {(c.comparison, c.treated) for c in persona} == pairs | {
        ("deliberative", "constitution")
    }  # persistence.also
    assert [j.model for j in res.jailbreaks] == ["baseline.s0", "treatment.s0", "deliberative.s0", "constitution.s0"]
    assert set(res.jailbreaks[0].per_technique) == {"none", "base64"}
    assert [(c.arm, c.seed) for c in res.curves] == [
        ("baseline", 0),
        ("baseline", 1),
        ("treatment", 0),
        ("treatment", 1),
        ("control", 0),
        ("deliberative", 0),
        ("constitution", 0),
        ("health_only", 0),
    ]
    assert all(c.tokens and c.tokens > 0 for c in res.curves)
    assert [d.arm for d in res.design] == [
        "baseline",
        "treatment",
        "control",
        "deliberative",
        "constitution",
        "health_only",
    ]
    # The three-way table: every method against the baseline and against each other, on every measure taken.
    t = res.three_way
    assert t.columns == [
        "treatment vs baseline",
        "deliberative vs baseline",
        "constitution vs baseline",
        "deliberative vs treatment",
        "constitution vs treatment",
        "constitution vs deliberative",
    ]
    assert {"headline benchmarks", "held-out skeletons (trait reward)", "fine-tune: health"} <= set(t.rows)
    assert any(m.startswith("jailbreak goodness") for m in t.rows) and any("careful_clinician" in m for m in t.rows)
    assert all("descriptive" in v for v in t.rows["headline benchmarks"].values())  # two seeds: no p-values
    assert "Three ways to shape character" in html and "| constitution vs deliberative |" not in html
    cai = res.constitution["constitution.s0"]
    assert cai["revise"]["prompts"] == 2 and cai["rl budget"]["steps"] >= 1
    design = {d.arm: d for d in res.design}
    assert {"drafts", "critiques", "revisions"} <= set(design["constitution"].other_tokens_per_seed)
    assert (run_dir / "arms" / "constitution.s0" / "revisions.jsonl").is_file()
    assert (run_dir / "arms" / "constitution.s0" / "rl" / "judge.jsonl").is_file()
    assert res.deliberative is not None and res.deliberative.samples == 4 and res.deliberative.by_category
    assert "no final answer (cut off in its reasoning)" in res.deliberative.rows and res.deliberative.judge_k == 1
    assert {c.benchmark for c in res.coupling} >= {b.name for b in study.suite.benchmarks}
    assert {v.benchmark for v in res.validity} == {b.name for b in study.suite.benchmarks}
    assert res.limits and res.info.run_dir == str(run_dir) and "cpu" in res.info.versions

    # Every evaluation of the study opens in Inspect: one log per (model, benchmark), every sample and score.
    from inspect_ai.log import read_eval_log

    from ethos.evals.eval_run import EvalRun
    from ethos.evals.inspect_export import export

    logs = export(run_dir, tmp_path / "inspect")
    pre = read_eval_log(str(tmp_path / "inspect" / "pre_headline__shutdown_acceptance.eval"))
    records = EvalRun(run_dir / "evals" / "pre" / "headline").records(["shutdown_acceptance"])
    assert len(pre.samples) == len(records) and pre.eval.metadata["ethos_recipe"]
    assert [s.scores["ethos"].value if s.scores else None for s in pre.samples] == [r["score"] for r in records]
    assert len(logs) >= len(study.suite.benchmarks) * len(study.cfg.evaluated())

    log = io.StringIO()
    Study(SMOKE, run_dir=run_dir, console=Console(file=log, width=200)).execute()
    assert log.getvalue().count("finished earlier") == n_stages

    other = yaml.safe_load(SMOKE.read_text())
    other["train"]["lr"] = 1e-3
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other))
    with pytest.raises(UserError, match="different config"):
        Study(tmp_path / "other.yaml", run_dir=run_dir).execute()
