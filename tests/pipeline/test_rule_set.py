"""The rule set is data: another organisation swaps it through settings, not through code."""

import pytest

from grassroots.pipeline import rules
from grassroots.pipeline.engine import check_step

from .helpers import data, facts_before, next_date


@pytest.fixture
def union_rules(settings):
    settings.GRASSROOTS_RULES = "tests.pipeline.other_rules"
    yield rules.get_rules()
    settings.GRASSROOTS_RULES = ""


def test_default_rule_set_is_in_force_without_the_setting():
    assert rules.get_rules() is rules.DEFAULT_RULES


def test_setting_switches_the_rule_set(union_rules):
    assert union_rules.name == "union"
    facts = facts_before("cell_vote")
    found = check_step(
        facts, "cell_vote", next_date(facts), data("cell_vote", in_favour=5), overrides={}
    )
    assert found == []


def test_every_rule_has_a_code_and_a_message():
    for code, rule in rules.DEFAULT_RULES.rules.items():
        assert rule.code == code
        assert str(rule.message)


def test_the_steps_follow_domain_md():
    assert rules.DEFAULT_RULES.step_codes == [
        "application",
        "history_declaration",
        "history_verification",
        "introduction",
        "comments",
        "cell_vote",
        "committee_resolution",
        "admission_decision",
        "ceremony",
    ]
    decides = [s.code for s in rules.DEFAULT_RULES.steps if s.decides]
    assert decides == ["committee_resolution", "admission_decision"]
