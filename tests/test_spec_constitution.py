"""The constitution file: the shipped one covers every trait in the first person; bad files stop with file:line;
the principle drawn for a prompt is seeded."""

from __future__ import annotations

import pytest

from ethos.errors import UserError
from ethos.spec import builtin_spec, draw_principle, load_constitution, parse_constitution

TRAITS = ("truthfulness", "fairness")
GOOD = """# preamble is free text
## truthfulness
- I say only what I believe is true and say so when
  I cannot verify a claim.
## fairness
- I treat people of every group with equal respect always.
"""


def test_shipped_constitution_covers_every_trait_of_the_spec():
    c = load_constitution()
    traits = set(builtin_spec().traits)
    assert {p.trait for p in c.principles} == traits
    assert 10 <= len(c.principles) <= 20
    assert all(p.id.startswith(p.trait + ".") for p in c.principles)
    assert len({p.text for p in c.principles}) == len(c.principles)


def test_a_continuation_line_joins_its_principle():
    c = parse_constitution(GOOD, "c.md", TRAITS)
    assert c.principles[0].text.endswith("when I cannot verify a claim.") and c.principles[0].line == 3
    assert [p.id for p in c.principles] == ["truthfulness.1", "fairness.1"]


@pytest.mark.parametrize(
    "text, where, says",
    [
        (GOOD.replace("## fairness", "## fairnes"), "c.md:5", "unknown trait 'fairnes'"),
        (GOOD.replace("- I treat people", "- Treat people"), "c.md:6", "first person"),
        (GOOD + "## truthfulness\n- I say more of what I believe is true.\n", "c.md:7", "two sections"),
        (GOOD + "- I treat people of every group with equal respect always.\n", "c.md:7", "appears twice"),
        (GOOD.replace("- I treat people of every group with equal respect always.", "- I am fair."), "c.md:6", "short"),
        (GOOD + "not a bullet\n", "c.md:7", "'- ' line"),
        (GOOD.split("## fairness")[0], "c.md", "no principle for fairness"),
    ],
)
def test_bad_files_name_the_line_and_the_fix(text, where, says):
    with pytest.raises(UserError) as e:
        parse_constitution(text, "c.md", TRAITS)
    assert str(e.value).startswith(where) and says in str(e.value)


def test_a_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_constitution(tmp_path / "nope.md")


def test_the_draw_is_seeded_and_stays_in_the_trait():
    c = load_constitution()
    keys = [f"prompt-{i}" for i in range(40)]
    first = [draw_principle(c, k, 0, "fairness").id for k in keys]
    assert first == [draw_principle(c, k, 0, "fairness").id for k in keys]  # the same seed: the same draws
    assert all(i.startswith("fairness.") for i in first)
    assert len(set(first)) == 2  # both fairness principles are drawn
    assert first != [draw_principle(c, k, 1, "fairness").id for k in keys]  # another seed: other draws
    anywhere = {draw_principle(c, k, 0, "fairness", "any").trait for k in keys}
    assert len(anywhere) > 3  # CAI's uniform draw ranges over the whole constitution
    assert draw_principle(c, "x", 0, None).id == draw_principle(c, "x", 0, None, "any").id  # no trait: any


def test_a_recipe_naming_a_bad_constitution_stops_before_anything_runs(tmp_path):
    from ethos.recipe import load_section
    from ethos.train.constitution import ConstitutionConfig

    (tmp_path / "mine.md").write_text(GOOD.replace("## fairness", "## kindness"))
    recipe = tmp_path / "r.yaml"
    recipe.write_text("constitution:\n  spec: mine.md\n")
    with pytest.raises(UserError) as e:
        load_section(recipe, "constitution", ConstitutionConfig, overrides={"recipe": str(recipe)})
    assert "constitution.spec" in str(e.value) and "unknown trait 'kindness'" in str(e.value)
