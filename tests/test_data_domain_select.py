"""One way to select trait scenarios by domain: its domain or its skeleton's topic counts."""

from ethos.data.domain_select import DomainSelection
from ethos.data.schema import Example


def _scenario(domain: str, topic: str | None = None) -> Example:
    return Example(
        id=f"s-{domain}-{topic}",
        kind="trait",
        trait="wellbeing",
        domain=domain,
        messages=[{"role": "user", "content": "hello"}],
        rubric=[{"text": "is kind"}, {"text": "is brief"}, {"text": "is honest"}],
        meta={"topic": topic} if topic else {},
    )


def test_only_and_all_but_count_the_topic_as_well_as_the_domain():
    law, crisis_at_a_law_firm = _scenario("law"), _scenario("law", topic="health")
    only = DomainSelection(domains=["health"])
    assert not only.keeps(law) and only.keeps(crisis_at_a_law_firm)
    all_but = DomainSelection(exclude=["health"])
    assert all_but.keeps(law) and not all_but.keeps(crisis_at_a_law_firm)
    assert only.describe() == "health only" and all_but.describe() == "all but health"
    assert not DomainSelection().selects and only.selects


def test_standard_tasks_are_never_dropped_and_unknown_domains_are_named():
    task = Example(id="t", kind="standard", messages=[{"role": "user", "content": "2+2?"}], rubric=[{"text": "says 4"}])
    assert DomainSelection(domains=["health"]).keeps(task)
    problems = DomainSelection(domains=["health", "astrology"]).problems()
    assert problems == [(("domains",), problems[0][1])] and "'astrology'" in problems[0][1]


def test_the_training_stream_filters_with_the_same_selection(tmp_path):
    from ethos.train.rl_config import DataSettings
    from ethos.train.streams import load_stream

    path = tmp_path / "t.jsonl"
    rows = [_scenario("law"), _scenario("law", topic="health"), _scenario("health")]
    path.write_text("".join(e.model_dump_json() + "\n" for e in rows))
    kept = load_stream(str(path), DataSettings(exclude=["health"]))
    assert [e.id for e in kept] == ["s-law-None"]
