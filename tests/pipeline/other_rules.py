"""Another organisation's rule set (used by test_rule_set.py): a simple majority suffices,
and members may join from 16."""

import dataclasses

from grassroots.pipeline.rules import DEFAULT_RULES

RULES = dataclasses.replace(
    DEFAULT_RULES,
    name="union",
    limits=dataclasses.replace(
        DEFAULT_RULES.limits, majority_numerator=1, majority_denominator=2, min_age_months=16 * 12
    ),
)
