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
    # The lowest level (a code of APPROVING_LEVELS) whose written approval lets a user who
    # takes decisions record the step anyway; "" when the charter allows no exception.
    exception_by: str = ""
    # Where the charter allows the exception (shown with the rule, printed on the step).
    exception_reference: str = ""
    # A short name for people (a lazy translation); "" takes RULE_TITLES, then the code.
    title: str = ""

    @property
    def exceptable(self):
        return bool(self.exception_by)


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
    # Introducers of the unions' executives (4-KNĐ): the executive plus this many members.
    union_members: int = 1
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
    approving_levels: tuple = ()  # (code, label) pairs, lowest first

    def level_rank(self, code):
        codes = [level for level, _label in self.approving_levels]
        return codes.index(code) if code in codes else -1

    def level_label(self, code):
        return dict(self.approving_levels).get(code, code)

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

    def rule_title(self, code):
        """The rule's short name in the active language (its code if it has none)."""
        rule = self.rules.get(code)
        return str((rule.title if rule else "") or RULE_TITLES.get(code) or code)

    def rule_titles(self, codes):
        """A stored list of rule codes ("a,b", as exception_rule holds it), named."""
        return ", ".join(self.rule_title(code) for code in codes.split(",") if code)


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

# Who may approve an exception, lowest first. An exception names the level that approved
# it; that level must be at least the rule's `exception_by`.
APPROVING_LEVELS = (
    ("grassroots_committee", _("grassroots committee (đảng ủy cơ sở)")),
    ("superior_committee", _("directly superior committee (cấp ủy cấp trên trực tiếp)")),
    (
        "provincial_committee",
        _("committee directly under the Central Committee (cấp ủy trực thuộc Trung ương)"),
    ),
    ("central_secretariat", _("Central Secretariat (Ban Bí thư)")),
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
            Field(
                "introducer_1",
                _("first introducer (member from the register)"),
                kind="member",
                required=False,
                help=_(
                    "National ID or name of an official member; leave empty for someone "
                    "outside the register."
                ),
            ),
            Field(
                "introducer_1_outside",
                _("first introducer outside the register (name, organisation)"),
                required=False,
                help=_(
                    "Only for an introducer the register does not hold: the committee "
                    "must verify them."
                ),
            ),
            Field("introducer_1_form_date", _("date of the first introduction form"), "date"),
            Field(
                "introducer_2",
                _("second introducer (member from the register)"),
                kind="member",
                required=False,
            ),
            Field(
                "introducer_2_outside",
                _("second introducer outside the register (name, organisation)"),
                required=False,
            ),
            Field(
                "introducer_2_form_date",
                _("date of the second introduction form"),
                "date",
                required=False,
            ),
            Field(
                "executive_resolution_no",
                _("resolution of the union's grassroots executive (number)"),
                required=False,
            ),
            Field(
                "executive_resolution_date",
                _("resolution of the union's grassroots executive (date)"),
                "date",
                required=False,
            ),
        ),
    ),
    Step(
        "comments",
        _("comments of organisations and the residence cell"),
        "5-KNĐ",
        fields=(
            Field("work_comment", _("comment where the applicant works")),
            Field("residence_comment", _("comment of the residence cell")),
        ),
    ),
    Step(
        "cell_vote",
        _("cell vote"),
        "6-KNĐ",
        fields=(
            Field("present", _("official members present"), "int"),
            Field("in_favour", _("votes in favour"), "int"),
            Field("against", _("votes against"), "int"),
        ),
    ),
    Step(
        "committee_resolution",
        _("committee resolution"),
        "8-KNĐ",
        fields=(
            Field("committee_members", _("members of the committee"), "int"),
            Field("present", _("committee members present"), "int"),
            Field("in_favour", _("votes in favour"), "int"),
            Field("against", _("votes against"), "int"),
            Field("partial_appraisal", _("appraisal of the partial committee"), required=False),
            Field(
                "outside_introducers_verified",
                _("verification of introducers outside the register (document number)"),
                required=False,
                help=_("Required when an introducer was not chosen from the register."),
            ),
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
    Step("ceremony", _("admission ceremony"), "", fields=()),
)

# References of the charter's texts that allow an exception.
REG_24 = "Quy định 24-QĐ/TW (2021)"
GUIDE_01 = "Hướng dẫn 01-HD/TW (2021)"
GUIDE_12 = "Hướng dẫn 12-HD/BTCTW (2022)"
SUPERIOR = "superior_committee"

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
        Rule(
            "step_date_after_next",
            _("%(step)s cannot be dated after the next step (%(next)s)."),
        ),
        Rule(
            "before_dossier_opened",
            _("%(step)s cannot be dated before the dossier was opened (%(opened)s)."),
        ),
        Rule("date_in_future", _("The date %(date)s lies in the future.")),
        Rule("required_data", _("%(label)s is required for %(step)s.")),
        Rule("invalid_data", _("%(label)s must be %(kind)s.")),
        Rule(
            "age_minimum",
            _(
                "At the cell vote the applicant must be at least %(min)s months old (18 "
                "years); they are %(months)s months old."
            ),
        ),
        Rule(
            "age_maximum",
            _(
                "At the cell vote the applicant must be at most %(max)s months old (60 "
                "years); they are %(months)s months old. Older applicants only with the "
                "approval of a high level."
            ),
            exception_by="provincial_committee",
            exception_reference=f"{REG_24}; {GUIDE_01}",
        ),
        Rule(
            "education_minimum",
            _(
                "The applicant needs at least lower secondary education; only a cell in a "
                "mountain, border, island or ethnic-minority area may ask for an exception."
            ),
            exception_by="provincial_committee",
            exception_reference=f"{REG_24}; {GUIDE_01}",
        ),
        Rule(
            "certificate_valid",
            _(
                "At the cell vote the applicant needs an awareness course certificate issued "
                "at most %(months)s months earlier."
            ),
        ),
        Rule(
            "two_introducers",
            _("The applicant needs %(needed)s introducers, each named once."),
        ),
        Rule(
            "introducer_not_in_register",
            _("%(who)s is not in the member register: choose a member or name them as outside."),
        ),
        Rule("introducer_is_applicant", _("The applicant cannot introduce themselves.")),
        Rule(
            "introducer_official",
            _("%(who)s was not an official member on %(date)s."),
        ),
        Rule(
            "introducer_months",
            _(
                "%(who)s had been a member of this cell for %(had)s months on %(date)s; an "
                "introducer must have worked with the applicant for at least %(months)s "
                "months in the same unit."
            ),
            exception_by=SUPERIOR,
            exception_reference=GUIDE_01,
        ),
        Rule(
            "introduction_form_date",
            _(
                "The introduction form cannot be dated after the introduction or before the application."
            ),
        ),
        Rule(
            "union_executive",
            _(
                "An introduction by the union's executive needs the number and date of its resolution."
            ),
        ),
        Rule(
            "introducer_unverified",
            _(
                "An introducer outside the register must be verified by the committee: give "
                "the number of the verification."
            ),
        ),
        Rule(
            "vote_counts",
            _(
                "The votes do not add up: %(present)s present of %(members)s members, "
                "%(in_favour)s in favour and %(against)s against."
            ),
        ),
        Rule(
            "no_official_members",
            _("The register lists no official member of %(unit)s on %(date)s."),
        ),
        Rule(
            "cell_vote_two_thirds",
            _(
                "The cell vote needs at least two thirds of the official members in favour: "
                "%(in_favour)s of %(members)s is not enough."
            ),
        ),
        Rule(
            "cell_vote_passed",
            _(
                "This vote reached two thirds of the official members: record it as the "
                "cell vote, not as a failed one."
            ),
        ),
        Rule(
            "cell_vote_after_failed",
            _("The cell vote cannot be dated before the failed vote of %(date)s."),
        ),
        Rule(
            "cell_vote_attempts",
            _(
                "After %(max)s failed cell votes the case goes to the higher committee "
                "(this is attempt %(attempt)s)."
            ),
            exception_by=SUPERIOR,
            exception_reference=GUIDE_01,
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
            exception_by=SUPERIOR,
            exception_reference=GUIDE_01,
        ),
        Rule(
            "ceremony_deadline",
            _(
                "The admission ceremony was due within %(days)s working days of the "
                "decision, by %(due)s (later only with the superior's approval)."
            ),
            exception_by=SUPERIOR,
            exception_reference=REG_24,
        ),
        Rule(
            "readmission_wait",
            _("Readmission is possible at the earliest on %(earliest)s."),
        ),
        Rule(
            "left_on_register",
            _(
                "The register records that the applicant left on %(date)s: the application "
                "gives %(given)s."
            ),
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
            exception_by=SUPERIOR,
            exception_reference=GUIDE_01,
        ),
        Rule(
            "confirmation_decision_deadline",
            _(
                "The confirmation decision was due within %(days)s working days of the cell "
                "vote, by %(due)s."
            ),
            exception_by=SUPERIOR,
            exception_reference=GUIDE_01,
        ),
        Rule(
            "confirmation_two_thirds",
            _(
                "Recognition as an official member needs at least two thirds of the cell's "
                "official members in favour: %(in_favour)s of %(members)s is not enough."
            ),
        ),
        Rule("no_ceremony", _("The admission ceremony has not been recorded yet.")),
        Rule(
            "exception_level",
            _(
                "%(rule)s can be set aside only with the approval of %(level)s or higher "
                "(%(reference)s)."
            ),
        ),
        Rule(
            "exception_document",
            _("An exception needs the approving level, the document's number and its date."),
        ),
    )
}

# The rules' short names, as pages name a rule that refuses a step or was set aside.
RULE_TITLES = {
    "dossier_closed": _("dossier closed"),
    "unknown_step": _("unknown step"),
    "step_once": _("each step once"),
    "step_order": _("order of the steps"),
    "step_date_order": _("dates in the order of the steps"),
    "step_date_after_next": _("date before the next step"),
    "before_dossier_opened": _("date after the dossier was opened"),
    "date_in_future": _("date not in the future"),
    "required_data": _("required details"),
    "invalid_data": _("valid details"),
    "age_minimum": _("minimum age"),
    "age_maximum": _("maximum age"),
    "education_minimum": _("minimum education"),
    "certificate_valid": _("valid course certificate"),
    "two_introducers": _("two introducers"),
    "introducer_not_in_register": _("introducer in the register"),
    "introducer_is_applicant": _("introducer other than the applicant"),
    "introducer_official": _("introducer is an official member"),
    "introducer_months": _("introducer's time with the applicant"),
    "introduction_form_date": _("date of the introduction form"),
    "union_executive": _("resolution of the union's executive"),
    "introducer_unverified": _("verification of an introducer outside the register"),
    "vote_counts": _("vote counts"),
    "no_official_members": _("cell with official members"),
    "cell_vote_two_thirds": _("two thirds at the cell vote"),
    "cell_vote_attempts": _("number of cell votes"),
    "cell_vote_passed": _("a failed vote did not reach two thirds"),
    "cell_vote_after_failed": _("cell vote after the failed ones"),
    "committee_two_thirds": _("two thirds of the committee"),
    "decision_deadline": _("time limit for the decision"),
    "ceremony_deadline": _("time limit for the ceremony"),
    "readmission_wait": _("waiting time before readmission"),
    "left_on_register": _("leaving date from the register"),
    "readmission_once": _("readmission only once"),
    "readmission_reason": _("reason for leaving that allows readmission"),
    "confirmation_after_probation": _("confirmation after probation"),
    "confirmation_deadline": _("time limit for the confirmation vote"),
    "confirmation_decision_deadline": _("time limit for the confirmation decision"),
    "confirmation_two_thirds": _("two thirds for the confirmation"),
    "no_ceremony": _("ceremony recorded"),
    "exception_level": _("approving level of an exception"),
    "exception_document": _("written approval of an exception"),
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
    approving_levels=APPROVING_LEVELS,
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
