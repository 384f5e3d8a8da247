"""The study report: statements, JSON round trip, and rendering in a real headless Chromium."""

from __future__ import annotations

import base64
import random
import re
import time

import pytest

from browser import CHROMIUM, DevTools
from ethos.evals.compare import Row
from ethos.evals.graders.agreement import GraderAgreement
from ethos.evals.validity import ValidityRow
from ethos.report import (
    Comparison,
    CouplingRow,
    DeliberativePanel,
    DesignRow,
    GamingRow,
    GeneralizationCell,
    HeldoutRow,
    Interval,
    JailbreakResult,
    PersistenceContrast,
    PersistenceRow,
    RunInfo,
    StudyResults,
    TrainingCurve,
    render_html,
    statements,
    write_report,
)

FIGURES = 10  # 2 headline forests + 1 secondary forest + refusals + heatmap + persistence + jailbreaks + curves
# + training diagnostics + per-line learning curves


def _iv(v: float, w: float = 0.05) -> Interval:
    return Interval(v, v - w, v + w, 100)


def _row(name: str, cat: str, d: float, sig: bool, independent: bool = True) -> Row:
    return Row(
        name,
        cat,
        "gen",
        "xstest-strmatch" if independent else "rule grader",
        independent,
        False,
        cat == "capability",
        "in_range",
        100,
        3,
        3,
        0.4,
        0.4 + d,
        _iv(d, 0.02 if sig else 0.3),
        0.001 if sig else 0.5,
        0.2,
        0.08,
        q=(0.01 if sig else 0.6) if independent else None,
        refusal_a=0.1,
        refusal_b=0.2,
        n_neither_refused=80,
        delta_neither_refused=_iv(d),
    )


def synthetic(sig_better: int = 3, tokens=(1000, 1000)) -> StudyResults:
    rng = random.Random(0)
    cats = ["sycophancy", "sycophancy", "honesty", "mental_health", "capability"]
    rows = [_row(f"bench_{i}", cat, abs(rng.uniform(0.01, 0.2)), i < sig_better) for i, cat in enumerate(cats)]
    comp = Comparison("baseline", "treatment", rows)
    comp_pre = Comparison("pre", "treatment", rows[:3])
    secondary = [Comparison("baseline", "treatment", [_row("rule_bench", "honesty", 0.3, True, independent=False)])]
    return StudyResults(
        info=RunInfo(
            "ethos study (synthetic)",
            "seed: 0\narms: [baseline, treatment]\n",
            "abc123",
            0,
            [0, 1, 2],
            "smollm2-135m-instruct",
            "runs/synthetic",
            {"ethos": "0.1.0", "torch": "2.x", "cpu": "x86_64 AVX2+FMA", "dtype": "fp32"},
            {"train": 12.5, "eval": 30.0},
            "2026-01-01T00:00",
            "2026-01-01T01:00",
        ),
        comparisons=[comp, comp_pre],
        secondary=secondary,
        headline_suite="public",
        design=[
            DesignRow(a, "what it is", d, [0, 1, 2], {"standard": 300.0, "trait": 20.0}, "12 of 36", 1e5, 60.0)
            for a, d in (("baseline", 0.0), ("treatment", 0.25))
        ],
        heldout=[
            HeldoutRow("trait (training domains)", "treatment", 3, 0.6, _iv(0.1), _iv(0.05)),
            HeldoutRow("trait (held-out skeletons)", "treatment", 3, 0.5, _iv(0.17), _iv(0.12), 0.2, True),
        ],
        gaming=[GamingRow(m, 3, 0.1, 24, 0.05, 200) for m in ("pre", "treatment")],
        generalization=[
            GeneralizationCell(s, g, _iv(rng.uniform(-0.1, 0.1)), 0.5)
            for s in ("all", "health only")
            for g in ("health", "science", "other")
        ],
        persistence=[
            PersistenceRow("persona: harmful_medical", m, 3, True, 0.45, 0.3, _iv(0.15))
            for m in ("baseline", "treatment")
        ]
        + [PersistenceRow("fine-tune: health", m, 1, True, 0.5, 0.4, _iv(0.1)) for m in ("baseline", "treatment")],
        contrasts=[
            PersistenceContrast(
                "persona: harmful_medical", "treatment", "baseline", True, Interval(0.13, 0.05, 0.21, 40), 0.01, 3
            ),
            PersistenceContrast(
                "persona: careful_clinician", "treatment", "baseline", False, Interval(0.005, -0.016, 0.025, 40), 0.6, 3
            ),
        ],
        jailbreaks=[
            JailbreakResult(m, _iv(0.3), 0.1, 0, 0.9, {"none": 0.5, "base64": 0.2}) for m in ("baseline", "treatment")
        ],
        deliberative=DeliberativePanel(
            "policy_rules", 64, 20, False, {"not unsafe": {"pre": 0.2, "baseline": 0.25, "deliberative": 0.4}}
        ),
        curves=[
            TrainingCurve(
                a,
                s,
                [0, 1, 2],
                [0.1, 0.2, 0.3],
                [None, 0.5, 0.6],
                entropy=[1.0, 0.9, 0.8],
                kind_pass={"refuses": [0.2, 0.4, 0.6]},
                line_pass={"sk#0 (refuses)": [0.2, 0.4, 0.6]},
                reward_hist={"trait": [[2, 0, 1, 0, 0], [0, 0, 1, 0, 2]]},
                tokens=t,
                seconds=10.0,
            )
            for a, t in zip(("baseline", "treatment"), tokens)
            for s in (0, 1)
        ],
        coupling=[CouplingRow("bench_0", "xstest-strmatch", True, 0.0)],
        validity=[ValidityRow("bench_0", "sycophancy", "gen", "in_range", 0.4, 0.6, 0.2, 0.4, 0.001, 0.002, True)],
        grader_agreement=[
            GraderAgreement("refusal", "XSTest labels", Interval(0.88, 0.87, 0.9, 2250), 0.77, {"2_full_refusal": 0.86})
        ],
        finetune_comparison="baseline (compute-matched)",
        limits=["Every arm trained with one seed."],
    )


def test_statements_state_significance_and_compute_match():
    said = statements(synthetic(sig_better=0, tokens=(1000, 1300)))
    assert "No difference is significant" in said[0]
    assert any("NOT compute-matched" in s for s in said)
    assert any("careful_clinician" in s and "not significant" in s and "3 seeds per arm" in s for s in said)
    said = statements(synthetic(sig_better=3, tokens=(1000, 1010)))
    assert "3 are significantly better" in said[0] and "No difference" not in said[0]
    assert any("compute-matched within 5%" in s for s in said)
    assert any(s.startswith("Trait reward of the treatment on held-out skeletons, 3 seed(s)") for s in said)


def test_small_effects_are_not_printed_as_zero():
    from ethos.report.numbers import ci, num

    assert num(0.0003) == "+3.0e-04" and num(0.0) == "+0.000" and num(0.25) == "+0.250"
    assert ci(Interval(0.0002, 0.0001, 0.0004)).startswith("+2.0e-04")


def test_results_round_trip(tmp_path):
    res = synthetic()
    res.save(tmp_path / "results.json")
    back = StudyResults.load(tmp_path / "results.json")
    assert back == res
    assert isinstance(back.comparisons[0].rows[0].delta, Interval)


def test_html_is_self_contained():
    html = render_html(synthetic())
    assert len(re.findall(r'<img class="plot"[^>]*src="data:image/png;base64,', html)) == FIGURES
    assert not re.search(r"(src|href)=['\"]https?://", html)
    assert "<script" not in html


def test_report_shows_what_a_reader_needs():
    html = render_html(synthetic())
    for text in (
        "Limits of this run",
        "Design",
        "Secondary panel",
        "Did RL improve its own objective?",
        "Deliberative alignment",
        "Independence of the instrument",
        "Can the benchmarks move?",
        "Graders against people",
        "full refusal 0.86",
        "runs/synthetic",
        "x86_64 AVX2+FMA",
        "capability check",
        "MDE",
        "seeds A/B",
    ):
        assert text in html, text


def test_missing_sections_are_said_not_drawn():
    res = synthetic()
    res.generalization, res.jailbreaks = [], []
    html = render_html(res)
    assert "No data for: generalization matrix" in html and "No data for: jailbreak goodness" in html


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium)")
def test_report_renders_in_headless_chromium(tmp_path):
    html_path, md_path = write_report(synthetic(), tmp_path)
    assert md_path.read_text().startswith("# ethos study")
    browser = DevTools(tmp_path / "profile")
    try:
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        browser.session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.call(f"{domain}.enable")
        browser.call("Emulation.setDeviceMetricsOverride", width=1200, height=900, deviceScaleFactor=1, mobile=False)
        browser.call("Page.navigate", url=html_path.resolve().as_uri())
        check = (
            "[document.readyState, document.images.length,"
            " [...document.images].filter(i => i.complete && i.naturalWidth > 200).length]"
        )
        for _ in range(100):
            state, n_images, n_loaded = browser.call("Runtime.evaluate", expression=check, returnByValue=True)[
                "result"
            ]["value"]
            if state == "complete":
                break
            time.sleep(0.1)
        assert (n_images, n_loaded) == (FIGURES, FIGURES)
        assert browser.errors() == []
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
    finally:
        browser.close()
    png = base64.b64decode(shot)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
    (tmp_path / "report.png").write_bytes(png)


def test_degenerate_intervals_are_not_significant():
    assert not Interval(0.0, 1e-17, 2e-17).significant
    assert not Interval(0.0, -0.1, 0.1).significant
    assert Interval(0.1, 0.05, 0.2).significant and Interval(-0.1, -0.2, -0.05).significant
