"""The admission procedure as data: steps, their fields, limits and the rules' messages.

`engine.py` reads a `RuleSet`; nothing else in the app knows the numbers. Another
organisation writes its own module with a `RULES = RuleSet(...)` and points the setting
`GRASSROOTS_RULES` at it ("myorg.rules"); views, services and templates stay the same.

The default is the Vietnamese party's procedure as described in /work/shared/domain.md
(Regulation 24 and Guidance 01 of the central organisation committee). Figures the
domain notes call unverified are still plain numbers here, so they are easy to change.
"""

import dataclasses
import functools
import importlib

from django.conf import settings
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class Field:
    """One piece of data a step records (stored in DossierStep.data)."""

    name: str
    label: str
    kind: str = "text"  # text | int | bool | date | choice
    required: bool = True
    choices: tuple = ()
    # Required only for readmission dossiers.
    readmission_only: bool = False
    help: str = ""


@dataclasses.dataclass(frozen=True)
class Step:
    code: str
    label: str
    form_code: str = ""
    fields: tuple = ()
    # Committee steps need Action.DECIDE; the cell's own steps need Action.RECORD_STEP.
    decides: bool = False


@dataclasses.dataclass(frozen=True)
class Rule:
    code: str
    message: str  # a lazy translation with %(name)s placeholders
    # May an authorised user (Action.DECIDE) record the step anyway, with a reason?
    exceptable: bool = False


@dataclasses.dataclass(frozen=True)
class Limits:
    """Every number of the procedure. Months are calendar months, days working days."""

    min_age_months: int = 18 * 12
    max_age_months: int = 60 * 12  # over 60 only by exception (rule age_limit)
    min_education: str = "lower_secondary"
    # Education levels in rising order; the minimum is compared by position.
    education_order: tuple = (
        "none",
        "primary",
        "lower_secondary",
        "upper_secondary",
        "vocational",
        "college",
        "university",
        "master",
        "doctorate",
    )
    certificate_valid_months: int = 60
    introducer_min_months: int = 12
    majority_numerator: int = 2
    majority_denominator: int = 3
    max_failed_cell_votes: int = 3
    # The decision is due this many working days after `decision_counted_from`.
    decision_counted_from: str = "cell_vote"
    decision_working_days: int = 60
    decision_extension_working_days: int = 30
    ceremony_working_days: int = 30
    probation_months: int = 12
    confirmation_vote_working_days: int = 30
    confirmation_decision_working_days: int = 30
    confirmation_extension_working_days: int = 30
    member_record_working_days: int = 30
    readmission_wait_months: int = 36
    readmission_wait_after_record_months: int = 60
    readmission_max_times: int = 1
    # A dossier with no step for this many calendar days shows as stalled.
    stalled_after_days: int = 90


@dataclasses.dataclass(frozen=True)
class RuleSet:
    name: str
    steps: tuple
    rules: dict
    limits: Limits
    leave_reasons: tuple  # (code, label) pairs
    forbidden_leave_reasons: frozenset
    introducer_kinds: tuple

    def step(self, code):
        for step in self.steps:
            if step.code == code:
                return step
        return None

    @property
    def step_codes(self):
        return [step.code for step in self.steps]

    def step_label(self, code):
        step = self.step(code)
        return step.label if step else code

    def rule(self, code):
        return self.rules[code]


LEAVE_REASONS = (
    ("removed_from_rolls", _("removed from the rolls")),
    ("resigned_family_hardship", _("resigned because of serious family hardship")),
    ("moved_away", _("moved away without transferring")),
    ("other", _("other")),
    ("abandoned_activity", _("abandoned activity")),
    ("resigned", _("resigned")),
    ("serious_disunity", _("caused serious disunity")),
    ("corruption_conviction", _("convicted of corruption")),
    ("serious_crime_conviction", _("convicted of a serious crime")),
)

INTRODUCER_KINDS = (
    ("members", _("two official members (3-KNĐ)")),
    ("youth_union", _("Youth Union grassroots executive and one member (4-KNĐ)")),
    ("trade_union", _("trade union grassroots executive and one member (4-KNĐ)")),
)

STEPS = (
    Step(
        "application",
        _("application"),
        "1-KNĐ",
        fields=(
            Field(
                "special_area",
                _("lives or works in a mountain, border, island or ethnic-minority area"),
                kind="bool",
                required=False,
            ),
            Field("left_on", _("left the organisation on"), kind="date", readmission_only=True),
            Field(
                "leave_reason",
                _("reason for leaving"),
                kind="choice",
                choices=LEAVE_REASONS,
                readmission_only=True,
            ),
            Field(
                "record_cleared_on",
                _("minor criminal record cleared on"),
                kind="date",
                required=False,
                readmission_only=True,
            ),
            Field(
                "provincial_consent_no",
                _("consent of the provincial standing committee (number)"),
                readmission_only=True,
            ),
        ),
    ),
    Step("history_declaration", _("personal history declared"), "2-KNĐ"),
    Step(
        "history_verification",
        _("personal history verified"),
        "",
        fields=(
            Field(
                "verified",
                _("whose history was verified"),
                required=False,
                help=_("applicant, parents, spouse, adult children"),
            ),
        ),
    ),
    Step(
        "introduction",
        _("introduction"),
        "3-KNĐ / 4-KNĐ",
        fields=(
            Field("introduced_by", _("introduced by"), kind="choice", choices=INTRODUCER_KINDS),
            Field("introducer_1", _("first introducer")),
            Field("introducer_1_official", _("first introducer is an official member"), "bool"),
            Field("introducer_1_months", _("months worked with the applicant (first)"), "int"),
            Field("introducer_2", _("second introducer"), required=False),
            Field(
                "introducer_2_official",
                _("second introducer is an official member"),
                "bool",
                required=False,
            ),
            Field(
                "introducer_2_months",
                _("months worked with the applicant (second)"),
                "int",
                required=False,
            ),
            Field(
                "executive_resolution_no",
                _("resolution of the union's grassroots executive (number)"),
                required=False,
            ),
        ),
    ),
    Step(
        "comments",
        _("comments of organisations and the residence cell"),
        "5-KNĐ",
        fields=(
            Field("work_comment", _("comment where the applicant works"), required=False),
            Field("residence_comment", _("comment of the residence cell"), required=False),
        ),
    ),
    Step(
        "cell_vote",
        _("cell vote"),
        "6-KNĐ",
        fields=(
            Field("in_favour", _("votes in favour"), "int"),
            Field("official_members", _("official members of the cell"), "int"),
            Field("attempt", _("attempt number"), "int"),
        ),
    ),
    Step(
        "committee_resolution",
        _("committee resolution"),
        "8-KNĐ",
        fields=(
            Field("in_favour", _("votes in favour"), "int"),
            Field("committee_members", _("members of the committee"), "int"),
            Field("partial_appraisal", _("appraisal of the partial committee"), required=False),
        ),
        decides=True,
    ),
    Step(
        "admission_decision",
        _("admission decision"),
        "9-KNĐ",
        fields=(
            Field("decision_no", _("decision number")),
            Field(
                "extended",
                _("time limit extended by 30 working days"),
                "bool",
                required=False,
            ),
        ),
        decides=True,
    ),
    Step("ceremony", _("admission ceremony")),
)

RULE_TABLE = {
    rule.code: rule
    for rule in (
        Rule("dossier_closed", _("The dossier is closed: no further steps can be recorded.")),
        Rule("unknown_step", _("%(step)s is not a step of the procedure.")),
        Rule("step_once", _("%(step)s has already been recorded.")),
        Rule("step_order", _("%(step)s must come after %(missing)s.")),
        Rule(
            "step_date_order",
            _("%(step)s cannot be dated before the previous step (%(previous)s)."),
        ),
        Rule("date_in_future", _("The date %(date)s lies in the future.")),
        Rule("required_data", _("%(label)s is required for %(step)s.")),
        Rule("invalid_data", _("%(label)s must be %(kind)s.")),
        Rule(
            "age_limit",
            _(
                "At the cell vote the applicant must be between %(min)s and %(max)s months old "
                "(18 to 60 years); they are %(months)s months old."
            ),
            exceptable=True,
        ),
        Rule(
            "education_minimum",
            _(
                "The applicant needs at least lower secondary education, unless they live or "
                "work in a mountain, border, island or ethnic-minority area."
            ),
            exceptable=True,
        ),
        Rule(
            "certificate_valid",
            _(
                "At the cell vote the applicant needs an awareness course certificate issued "
                "at most %(months)s months earlier."
            ),
            exceptable=True,
        ),
        Rule(
            "two_introducers",
            _("The applicant needs %(needed)s introducers, each named once."),
        ),
        Rule("introducer_official", _("Every introducing member must be an official member.")),
        Rule(
            "introducer_months",
            _(
                "Every introducer must have worked with the applicant for at least %(months)s "
                "months in the same unit."
            ),
            exceptable=True,
        ),
        Rule(
            "union_executive",
            _("An introduction by the union's executive needs the number of its resolution."),
        ),
        Rule(
            "vote_counts",
            _("The votes in favour cannot exceed the members, who must be at least one."),
        ),
        Rule(
            "cell_vote_two_thirds",
            _(
                "The cell vote needs at least two thirds of the official members in favour: "
                "%(in_favour)s of %(members)s is not enough."
            ),
        ),
        Rule(
            "cell_vote_attempts",
            _(
                "After %(max)s failed cell votes the case goes to the higher committee "
                "(this is attempt %(attempt)s)."
            ),
            exceptable=True,
        ),
        Rule(
            "committee_two_thirds",
            _(
                "The committee resolution needs at least two thirds of the committee members "
                "in favour: %(in_favour)s of %(members)s is not enough."
            ),
        ),
        Rule(
            "decision_deadline",
            _(
                "The admission decision was due within %(days)s working days of the "
                "%(origin)s, by %(due)s."
            ),
            exceptable=True,
        ),
        Rule(
            "ceremony_deadline",
            _(
                "The admission ceremony was due within %(days)s working days of the "
                "decision, by %(due)s (later only with the superior's approval)."
            ),
            exceptable=True,
        ),
        Rule(
            "readmission_wait",
            _("Readmission is possible at the earliest on %(earliest)s."),
        ),
        Rule("readmission_once", _("A person can be readmitted only once.")),
        Rule(
            "readmission_reason",
            _("Nobody who left for the reason '%(reason)s' can be readmitted."),
        ),
        Rule(
            "confirmation_after_probation",
            _("The confirmation vote cannot come before probation ends on %(ends)s."),
        ),
        Rule(
            "confirmation_deadline",
            _(
                "The cell's confirmation vote was due within %(days)s working days after "
                "probation ended, by %(due)s."
            ),
            exceptable=True,
        ),
        Rule(
            "confirmation_decision_deadline",
            _(
                "The confirmation decision was due within %(days)s working days of the cell "
                "vote, by %(due)s."
            ),
            exceptable=True,
        ),
        Rule("no_ceremony", _("The admission ceremony has not been recorded yet.")),
    )
}

DEFAULT_RULES = RuleSet(
    name="default",
    steps=STEPS,
    rules=RULE_TABLE,
    limits=Limits(),
    leave_reasons=LEAVE_REASONS,
    forbidden_leave_reasons=frozenset(
        {
            "abandoned_activity",
            "resigned",
            "serious_disunity",
            "corruption_conviction",
            "serious_crime_conviction",
        }
    ),
    introducer_kinds=INTRODUCER_KINDS,
)

# A module named in settings.GRASSROOTS_RULES must define RULES like this one.
RULES = DEFAULT_RULES
RULES_SETTING = "GRASSROOTS_RULES"


@functools.cache
def _load(path):
    if not path:
        return DEFAULT_RULES
    return importlib.import_module(path).RULES


def get_rules():
    """The rule set in force: settings.GRASSROOTS_RULES (a module with RULES) or the default."""
    return _load(getattr(settings, RULES_SETTING, "") or "")
