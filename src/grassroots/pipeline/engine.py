"""The rule engine: which rules a proposed step breaks, and what is due when.

Pure functions over plain facts (no database): the services build `Facts` from a dossier,
the tests build them by hand. Every number comes from the `RuleSet` (rules.py); working
days come from `grassroots.workdays`, given the calendar overrides (`overrides`, a dict
{date: is_working_day}; pass {} in tests, None reads the administrators' calendar).
"""

import dataclasses
import datetime as dt

from grassroots.workdays import add_months, add_working_days, months_between

from .rules import get_rules


@dataclasses.dataclass(frozen=True)
class StepFact:
    step: str
    date: dt.date
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the engine knows about one candidate's dossier."""

    birth_date: dt.date
    education: str = ""
    certificate_date: dt.date | None = None
    steps: tuple = ()
    readmission: bool = False
    previous_readmissions: int = 0
    closed: bool = False
    today: dt.date | None = None

    def step(self, code):
        for fact in self.steps:
            if fact.step == code:
                return fact
        return None


@dataclasses.dataclass(frozen=True)
class Violation:
    code: str
    message: str
    exceptable: bool = False
    field: str = ""  # the form field the rule is about ("" for the step as a whole)

    def __str__(self):
        return f"{self.message} [{self.code}]"


@dataclasses.dataclass(frozen=True)
class Due:
    kind: str
    label: str
    due_on: dt.date
    extendable_to: dt.date | None = None


_DATE_RULES = {
    "date_in_future",
    "step_date_order",
    "decision_deadline",
    "ceremony_deadline",
    "readmission_wait",
}


def _violation(rules, code, field="", **params):
    rule = rules.rule(code)
    if not field and code in _DATE_RULES:
        field = "date"
    return Violation(code, str(rule.message) % params, rule.exceptable, field)


def parse_value(field, value):
    """A step field's value as its type; raises ValueError if it is not one."""
    if value is None or value == "":
        return None
    if field.kind == "int":
        if isinstance(value, bool):
            raise ValueError(value)
        return int(value)
    if field.kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return bool(value)
    if field.kind == "date":
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if field.kind == "choice":
        if value not in {code for code, _label in field.choices}:
            raise ValueError(value)
        return value
    return str(value).strip()


def _kind_label(kind):
    from django.utils.translation import gettext

    return {
        "int": gettext("a whole number"),
        "bool": gettext("yes or no"),
        "date": gettext("a date"),
        "choice": gettext("one of the listed choices"),
    }.get(kind, gettext("text"))


def step_values(rules, step, data, *, readmission=False):
    """(values, violations): the step's data parsed by its declared fields."""
    values, violations = {}, []
    for field in step.fields:
        if field.readmission_only and not readmission:
            continue
        raw = (data or {}).get(field.name)
        try:
            value = parse_value(field, raw)
        except (TypeError, ValueError):
            violations.append(
                _violation(
                    rules,
                    "invalid_data",
                    field=field.name,
                    label=field.label,
                    kind=_kind_label(field.kind),
                )
            )
            continue
        if value is None and field.required:
            violations.append(
                _violation(
                    rules, "required_data", field=field.name, label=field.label, step=step.label
                )
            )
        values[field.name] = value
    return values, violations


def next_step(facts, rules=None):
    """The first step of the procedure not yet recorded (None when all are)."""
    rules = rules or get_rules()
    done = {fact.step for fact in facts.steps}
    for code in rules.step_codes:
        if code not in done:
            return code
    return None


def age_in_months(birth_date, on):
    """Whole months completed: the largest n with add_months(birth_date, n) <= on.

    A month that has no such day ends on its last day (born 29 February 2004, 216 months
    old on 28 February 2022), as the civil code counts periods of months.
    """
    months = months_between(birth_date, on)
    if add_months(birth_date, months + 1) <= on:
        months += 1
    return months


def is_majority(in_favour, members, rules):
    limits = rules.limits
    return in_favour * limits.majority_denominator >= members * limits.majority_numerator


def check_step(facts, step_code, date, data=None, *, rules=None, overrides=None):
    """Every rule the proposed step breaks, as a list of Violation (empty: allowed)."""
    rules = rules or get_rules()
    if facts.closed:
        return [_violation(rules, "dossier_closed")]
    step = rules.step(step_code)
    if step is None:
        return [_violation(rules, "unknown_step", step=step_code)]
    violations = []
    if facts.today is not None and date > facts.today:
        violations.append(_violation(rules, "date_in_future", date=date.isoformat()))
    done = {fact.step for fact in facts.steps}
    if step_code in done:
        violations.append(_violation(rules, "step_once", step=step.label))
    else:
        missing = [code for code in rules.step_codes[: rules.step_codes.index(step_code)]]
        missing = [code for code in missing if code not in done]
        if missing:
            violations.append(
                _violation(
                    rules, "step_order", step=step.label, missing=rules.step_label(missing[0])
                )
            )
    if facts.steps:
        previous = max(facts.steps, key=lambda fact: fact.date)
        if date < previous.date:
            violations.append(
                _violation(
                    rules,
                    "step_date_order",
                    step=step.label,
                    previous=f"{rules.step_label(previous.step)} {previous.date.isoformat()}",
                )
            )
    values, data_violations = step_values(rules, step, data, readmission=facts.readmission)
    violations += data_violations
    if data_violations:
        return violations
    check = _STEP_CHECKS.get(step_code)
    if check:
        violations += check(facts, date, values, rules, overrides)
    return violations


def _check_application(facts, date, values, rules, overrides):
    if not facts.readmission:
        return []
    limits = rules.limits
    violations = []
    if facts.previous_readmissions >= limits.readmission_max_times:
        violations.append(_violation(rules, "readmission_once"))
    reason = values.get("leave_reason")
    if reason in rules.forbidden_leave_reasons:
        label = dict(rules.leave_reasons).get(reason, reason)
        violations.append(_violation(rules, "readmission_reason", reason=label))
    earliest = readmission_earliest(values, rules)
    if earliest and date < earliest:
        violations.append(_violation(rules, "readmission_wait", earliest=earliest.isoformat()))
    return violations


def readmission_earliest(values, rules):
    limits = rules.limits
    left_on = values.get("left_on")
    if not left_on:
        return None
    earliest = add_months(left_on, limits.readmission_wait_months)
    cleared = values.get("record_cleared_on")
    if cleared:
        earliest = max(earliest, add_months(cleared, limits.readmission_wait_after_record_months))
    return earliest


def _check_introduction(facts, date, values, rules, overrides):
    limits = rules.limits
    kind = values["introduced_by"]
    names = [values.get("introducer_1"), values.get("introducer_2")]
    people = [
        (values.get(f"introducer_{i}_official"), values.get(f"introducer_{i}_months"))
        for i, name in enumerate(names, start=1)
        if name
    ]
    violations = []
    if kind == "members":
        given = [name.casefold() for name in names if name]
        if len(given) != 2 or len(set(given)) != 2:
            violations.append(_violation(rules, "two_introducers", needed=2))
    else:
        if not values.get("executive_resolution_no"):
            violations.append(_violation(rules, "union_executive"))
        people = people[:1]
    if any(not official for official, _months in people):
        violations.append(_violation(rules, "introducer_official"))
    if any((months or 0) < limits.introducer_min_months for _official, months in people):
        violations.append(
            _violation(rules, "introducer_months", months=limits.introducer_min_months)
        )
    return violations


def _vote_violations(rules, in_favour, members, majority_code):
    if members < 1 or in_favour < 0 or in_favour > members:
        return [_violation(rules, "vote_counts")]
    if not is_majority(in_favour, members, rules):
        return [_violation(rules, majority_code, in_favour=in_favour, members=members)]
    return []


def _check_cell_vote(facts, date, values, rules, overrides):
    limits = rules.limits
    violations = _vote_violations(
        rules, values["in_favour"], values["official_members"], "cell_vote_two_thirds"
    )
    attempt = values["attempt"]
    if attempt < 1:
        violations.append(
            _violation(
                rules,
                "invalid_data",
                field="attempt",
                label=rules.step("cell_vote").fields[2].label,
                kind=_kind_label("int"),
            )
        )
    elif attempt > limits.max_failed_cell_votes:
        violations.append(
            _violation(
                rules, "cell_vote_attempts", max=limits.max_failed_cell_votes, attempt=attempt
            )
        )
    months = age_in_months(facts.birth_date, date)
    if not limits.min_age_months <= months <= limits.max_age_months:
        violations.append(
            _violation(
                rules,
                "age_limit",
                min=limits.min_age_months,
                max=limits.max_age_months,
                months=months,
            )
        )
    if not education_ok(facts, rules):
        violations.append(_violation(rules, "education_minimum"))
    if not certificate_ok(facts.certificate_date, date, rules):
        violations.append(
            _violation(rules, "certificate_valid", months=limits.certificate_valid_months)
        )
    return violations


def education_ok(facts, rules):
    application = facts.step("application")
    if application and parse_value(
        rules.step("application").fields[0], application.data.get("special_area")
    ):
        return True
    order = rules.limits.education_order
    if facts.education not in order:
        return False
    return order.index(facts.education) >= order.index(rules.limits.min_education)


def certificate_ok(certificate_date, on, rules):
    if certificate_date is None or certificate_date > on:
        return False
    return on <= add_months(certificate_date, rules.limits.certificate_valid_months)


def _check_committee(facts, date, values, rules, overrides):
    return _vote_violations(
        rules, values["in_favour"], values["committee_members"], "committee_two_thirds"
    )


def decision_due(origin_date, rules, *, extended=False, overrides=None):
    limits = rules.limits
    days = limits.decision_working_days + (
        limits.decision_extension_working_days if extended else 0
    )
    return days, add_working_days(origin_date, days, overrides)


def _check_decision(facts, date, values, rules, overrides):
    origin = facts.step(rules.limits.decision_counted_from)
    if origin is None:
        return []
    days, due = decision_due(
        origin.date, rules, extended=bool(values.get("extended")), overrides=overrides
    )
    if date > due:
        origin_label = rules.step_label(rules.limits.decision_counted_from)
        return [
            _violation(
                rules, "decision_deadline", days=days, origin=origin_label, due=due.isoformat()
            )
        ]
    return []


def _check_ceremony(facts, date, values, rules, overrides):
    decision = facts.step("admission_decision")
    if decision is None:
        return []
    days = rules.limits.ceremony_working_days
    due = add_working_days(decision.date, days, overrides)
    if date > due:
        return [_violation(rules, "ceremony_deadline", days=days, due=due.isoformat())]
    return []


_STEP_CHECKS = {
    "application": _check_application,
    "introduction": _check_introduction,
    "cell_vote": _check_cell_vote,
    "committee_resolution": _check_committee,
    "admission_decision": _check_decision,
    "ceremony": _check_ceremony,
}


def probation_end(ceremony_date, rules=None):
    rules = rules or get_rules()
    return add_months(ceremony_date, rules.limits.probation_months)


def check_confirmation(
    *, ceremony_date, cell_vote_date, decided_on, extended=False, rules=None, overrides=None
):
    """Rules a confirmation (recognition as official member) breaks."""
    rules = rules or get_rules()
    limits = rules.limits
    if ceremony_date is None:
        return [_violation(rules, "no_ceremony")]
    ends = probation_end(ceremony_date, rules)
    vote = cell_vote_date or decided_on
    violations = []
    if vote < ends:
        violations.append(_violation(rules, "confirmation_after_probation", ends=ends.isoformat()))
    else:
        due = add_working_days(ends, limits.confirmation_vote_working_days, overrides)
        if vote > due:
            violations.append(
                _violation(
                    rules,
                    "confirmation_deadline",
                    days=limits.confirmation_vote_working_days,
                    due=due.isoformat(),
                )
            )
    if decided_on < vote:
        violations.append(
            _violation(
                rules,
                "step_date_order",
                step=str(decided_on),
                previous=vote.isoformat(),
            )
        )
    else:
        days = limits.confirmation_decision_working_days + (
            limits.confirmation_extension_working_days if extended else 0
        )
        due = add_working_days(vote, days, overrides)
        if decided_on > due:
            violations.append(
                _violation(rules, "confirmation_decision_deadline", days=days, due=due.isoformat())
            )
    return violations


def due_dates(facts, rules=None, overrides=None):
    """What is due when for this dossier, earliest first (a list of Due)."""
    from django.utils.translation import gettext

    rules = rules or get_rules()
    limits = rules.limits
    dues = []
    if facts.closed:
        return dues
    vote = facts.step("cell_vote")
    decision = facts.step("admission_decision")
    ceremony = facts.step("ceremony")
    if vote is None:
        if facts.certificate_date:
            dues.append(
                Due(
                    "certificate_expires",
                    gettext("cell vote while the course certificate is valid"),
                    add_months(facts.certificate_date, limits.certificate_valid_months),
                )
            )
        last_age_day = add_months(facts.birth_date, limits.max_age_months + 1) - dt.timedelta(1)
        dues.append(Due("age_limit", gettext("cell vote before the age limit"), last_age_day))
    origin = facts.step(limits.decision_counted_from)
    if origin is not None and decision is None:
        _days, due = decision_due(origin.date, rules, overrides=overrides)
        _days, extended = decision_due(origin.date, rules, extended=True, overrides=overrides)
        dues.append(Due("admission_decision", gettext("admission decision"), due, extended))
    if decision is not None and ceremony is None:
        due = add_working_days(decision.date, limits.ceremony_working_days, overrides)
        dues.append(Due("ceremony", gettext("admission ceremony"), due))
    if ceremony is not None:
        ends = probation_end(ceremony.date, rules)
        dues.append(Due("probation_ends", gettext("end of probation"), ends))
        due = add_working_days(ends, limits.confirmation_vote_working_days, overrides)
        dues.append(Due("confirmation", gettext("confirmation vote"), due))
    return sorted(dues, key=lambda due: due.due_on)
