"""Extending ethos is one registered object: a toy benchmark and a toy grader, used by name like the built-in ones."""

from __future__ import annotations

import pytest

from ethos.data.schema import RubricLine
from ethos.errors import UserError
from ethos.evals.benchmark import BENCHMARKS, Benchmark
from ethos.evals.items import gen_item, mc_item, user
from ethos.evals.suites import load_suite
from ethos.grade import grader_by_name
from ethos.grade.types import GRADERS, Grade, register_grader
from ethos.registry import Registry


def test_registry_rejects_duplicates_and_names_the_known_ones():
    reg: Registry[int] = Registry("widget")
    reg.register(1, name="one")
    with pytest.raises(ValueError, match="one"):
        reg.register(2, name="one")
    with pytest.raises(UserError, match="unknown widget 'two'; known: one"):
        reg.get("two")
    reg.unregister("one")
    assert "one" not in reg and len(reg) == 0


@pytest.fixture
def toy_benchmark():
    @BENCHMARKS.register(name="toy_capitals")
    def toy_capitals() -> Benchmark:
        items = [
            mc_item(f"toy-{c}", user(f"What is the capital of {c}?"), [a], [b], domain="other")
            for c, a, b in (("France", "Paris", "Lyon"), ("Japan", "Tokyo", "Osaka"))
        ]
        return Benchmark(
            name="toy_capitals",
            category="capability",
            kind="mc",
            items=items,
            good="higher = more probability on the capital",
        )

    yield "toy_capitals"
    BENCHMARKS.unregister("toy_capitals")


@pytest.fixture
def toy_grader():
    class Shouting:
        name = "shouting"

        def grade_many(self, examples, replies):
            return [Grade(float(r.isupper()), why="all caps" if r.isupper() else "not all caps") for r in replies]

    register_grader("shouting", lambda judge=None, **kw: Shouting(), description="1 when the reply is all caps")
    yield "shouting"
    GRADERS.unregister("shouting")


def test_a_registered_benchmark_is_usable_by_name_in_a_suite_file(tmp_path, toy_benchmark):
    suite = tmp_path / "s.yaml"
    suite.write_text(f"name: toy\nbuiltin: [{toy_benchmark}]\n")
    (bench,) = load_suite(str(suite)).benchmarks
    assert bench.name == toy_benchmark and len(bench.items) == 2 and bench.independent


def test_a_registered_grader_is_built_by_name(toy_grader):
    g = grader_by_name(toy_grader)
    item = gen_item("t", user("hi"), [RubricLine(text="shouts")])
    assert [x.score for x in g.grade_many([item, item], ["HELLO", "hello"])] == [1.0, 0.0]
    with pytest.raises(UserError, match="known: .*shouting"):
        grader_by_name("whisper")
