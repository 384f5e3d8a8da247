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
    assert (head.a, head.b) == ("baseline", "treatment") and head.total > 0
    assert {r.benchmark for r in head.rows} <= {b.name for b in study.suite.benchmarks}
    assert {c.train_set for c in res.generalization} == {"all domains (treatment)", "health only"}
    tests = [c.test for c in res.contrasts]
    assert any("harmful_medical" in t for t in tests) and any("careful_clinician" in t for t in tests)
    assert "fine-tune: health" in tests and "baseline" in res.finetune_comparison
    assert [j.model for j in res.jailbreaks] == ["baseline", "treatment"]
    assert set(res.jailbreaks[0].per_technique) == {"none", "base64"}
    assert [c.arm for c in res.curves] == ["baseline", "treatment", "gen_health_only"]
    assert all(c.tokens and c.tokens > 0 for c in res.curves)

    log = io.StringIO()
    Study(SMOKE, run_dir=run_dir, console=Console(file=log, width=200)).execute()
    assert log.getvalue().count("finished earlier") == n_stages

    other = yaml.safe_load(SMOKE.read_text())
    other["train"]["lr"] = 1e-3
    (tmp_path / "other.yaml").write_text(yaml.safe_dump(other))
    with pytest.raises(UserError, match="different config"):
        Study(tmp_path / "other.yaml", run_dir=run_dir).execute()
