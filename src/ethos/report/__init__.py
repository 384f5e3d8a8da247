"""The study report: one self-contained HTML page (inline CSS and PNG figures) and a short summary."""

from ethos.report.html import render_html, render_summary, write_report
from ethos.report.results import (
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
)
from ethos.report.statements import statements

__all__ = [
    "Comparison",
    "CouplingRow",
    "DeliberativePanel",
    "DesignRow",
    "GamingRow",
    "GeneralizationCell",
    "HeldoutRow",
    "Interval",
    "JailbreakResult",
    "PersistenceContrast",
    "PersistenceRow",
    "RunInfo",
    "StudyResults",
    "TrainingCurve",
    "render_html",
    "render_summary",
    "statements",
    "write_report",
]
