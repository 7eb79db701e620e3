"""The rule engine: which rules a proposed step breaks, and what is due when.

Pure functions over plain facts (no database): the services build `Facts` from a dossier,
the tests build them by hand. Every number comes from the `RuleSet` (rules.py); working
days come from `grassroots.workdays`, given the calendar overrides (`overrides`, a dict
{date: is_working_day}; pass {} in tests, None reads the administrators' calendar).
"""

import dataclasses
import datetime as dt

from django.utils.translation import gettext, gettext_noop

from grassroots.dates import shown_day as _shown_day
from grassroots.workdays import add_months, add_working_days, months_between

from .rules import get_rules


@dataclasses.dataclass(frozen=True)
class StepFact:
    step: str
    date: dt.date
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class MemberFact:
    """One membership of the register, as the engine needs it.

    `in_cell`: the membership belongs to the dossier's cell (or a group below it);
    `unit_since`: since when it has been there (None: since the admission).
    """

    national_id: str
    name: str
    admitted_on: dt.date
    official_since: dt.date | None = None
    ended_on: dt.date | None = None
    in_cell: bool = False
    unit_since: dt.date | None = None

    def official_on(self, day):
        return (
            self.official_since is not None
            and self.official_since <= day
            and (self.ended_on is None or self.ended_on > day)
        )

    def months_in_cell(self, day):
        if not self.in_cell:
            return 0
        since = max(self.admitted_on, self.unit_since or self.admitted_on)
        return max(0, months_between(since, day))


@dataclasses.dataclass(frozen=True)
class Register:
    """The part of the member register a step is checked against: the memberships of the
    cell (for the official members at a vote) and those of the people named in the step
    (the introducers), by national ID."""

    cell_roll: tuple = ()
    members: dict = dataclasses.field(default_factory=dict)  # national ID -> (MemberFact, ...)

    def official_members(self, day):
        return sum(1 for member in self.cell_roll if member.official_on(day))

    def memberships(self, national_id):
        return self.members.get((national_id or "").upper(), ())


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
    opened_on: dt.date | None = None
    national_id: str = ""
    cell: str = ""
    # The cell lies in a mountain, border, island or ethnic-minority area (org.Unit).
    special_area: bool = False
    register: Register | None = None
    # After the decision: the membership's status, the confirmation's cell vote and
    # whether the committee decided, the day the member's record was completed.
    membership_status: str = ""
    confirmation_vote_on: dt.date | None = None
    confirmation_decided: bool = False
    member_record_on: dt.date | None = None
    # For a readmission: the day the register says the applicant's last membership ended
    # (left or not confirmed), which the application's `left_on` must give.
    left_on: dt.date | None = None
    # Why that membership ended, as the register records it (a code of the rule set's
    # leave_reasons; empty: not recorded, e.g. imported without it).
    leave_reason: str = ""
    # The days of the cell's votes that did not reach two thirds (FailedCellVote, not
    # annulled): the passing vote's attempt number is counted from them.
    failed_cell_votes: tuple = ()

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
    exception_by: str = ""  # the lowest approving level (rules.APPROVING_LEVELS)
    exception_reference: str = ""
    title: str = ""  # the rule's short name, in the active language

    def __str__(self):
        # What people read: the message (the code stays on the ValidationError).
        return self.message


@dataclasses.dataclass(frozen=True)
class Due:
    kind: str
    label: str
    due_on: dt.date
    extendable_to: dt.date | None = None


_DATE_RULES = {
    "date_in_future",
    "step_date_order",
    "step_date_after_next",
    "before_dossier_opened",
    "decision_deadline",
    "ceremony_deadline",
    "readmission_wait",
    "cell_vote_after_failed",
}


def _violation(rules, code, field="", exceptable=None, **params):
    """The rule's violation; `exceptable=False` withholds an exception the rule allows
    elsewhere (education outside the special areas)."""
    rule = rules.rule(code)
    if not field and code in _DATE_RULES:
        field = "date"
    allowed = rule.exceptable if exceptable is None else (exceptable and rule.exceptable)
    return Violation(
        code,
        str(rule.message) % params,
        allowed,
        field,
        rule.exception_by if allowed else "",
        rule.exception_reference if allowed else "",
        rules.rule_title(code),
    )


# The largest count a step takes (members, votes, attempts): no body votes with more, and a
# number beyond it is a typing error, not a vote.
MAX_COUNT = 100_000


def parse_value(field, value):
    """A step field's value as its type; raises ValueError if it is not one."""
    if value is None or value == "":
        return None
    if field.kind == "int":
        if isinstance(value, bool):
            raise ValueError(value)
        number = int(value)
        if not 0 <= number <= MAX_COUNT:
            raise ValueError(value)
        return number
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
    if field.kind == "member":
        return str(value).strip().upper() or None
    return str(value).strip() or None


def _kind_label(kind):
    return {
        "int": gettext("a whole number from 0 to %(max)s") % {"max": f"{MAX_COUNT:,}"},
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
        violations.append(_violation(rules, "date_in_future", date=_shown_day(date)))
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
                    previous=f"{rules.step_label(previous.step)} {_shown_day(previous.date)}",
                )
            )
    if facts.opened_on is not None and date < facts.opened_on:
        violations.append(
            _violation(
                rules,
                "before_dossier_opened",
                step=step.label,
                opened=_shown_day(facts.opened_on),
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


def check_correction(facts, step_code, date, data=None, *, rules=None, overrides=None):
    """The rules a corrected step breaks: checked as if recorded after the steps before
    it, dated no later than the step after it; the later steps' own rules are checked
    again with the corrected facts (a later step's recorded exceptions still hold)."""
    rules = rules or get_rules()
    order = rules.step_codes
    position = order.index(step_code)
    before = tuple(f for f in facts.steps if order.index(f.step) < position)
    after = sorted(
        (f for f in facts.steps if order.index(f.step) > position),
        key=lambda f: order.index(f.step),
    )
    violations = check_step(
        dataclasses.replace(facts, steps=before),
        step_code,
        date,
        data,
        rules=rules,
        overrides=overrides,
    )
    if after and date > after[0].date:
        violations.append(
            _violation(
                rules,
                "step_date_after_next",
                step=rules.step_label(step_code),
                next=f"{rules.step_label(after[0].step)} {_shown_day(after[0].date)}",
            )
        )
    elif (
        facts.failed_cell_votes
        and position < order.index("cell_vote")
        and date > min(facts.failed_cell_votes)
    ):
        # The failed votes came after the steps before the cell vote, as it does.
        violations.append(
            _violation(
                rules,
                "step_date_after_next",
                step=rules.step_label(step_code),
                next=f"{gettext('failed cell vote')} {_shown_day(min(facts.failed_cell_votes))}",
            )
        )
    corrected = StepFact(step_code, date, dict(data or {}))
    steps = [*before, corrected]
    for later in after:
        found = check_step(
            dataclasses.replace(facts, steps=tuple(steps), today=None),
            later.step,
            later.date,
            later.data,
            rules=rules,
            overrides=overrides,
        )
        set_aside = set((later.data or {}).get("_exceptions", ()))
        violations += [v for v in found if v.code not in set_aside and v.code not in _DATA_RULES]
        steps.append(later)
    return violations


_DATA_RULES = {"required_data", "invalid_data"}


def _check_application(facts, date, values, rules, overrides):
    if not facts.readmission:
        return []
    limits = rules.limits
    violations = []
    if facts.previous_readmissions >= limits.readmission_max_times:
        violations.append(_violation(rules, "readmission_once"))
    # The register's reason, where it has one, decides: the form cannot type it away.
    reason = facts.leave_reason or values.get("leave_reason")
    if reason in rules.forbidden_leave_reasons:
        label = dict(rules.leave_reasons).get(reason, reason)
        violations.append(_violation(rules, "readmission_reason", reason=label))
    given = values.get("left_on")
    if facts.left_on and given and given != facts.left_on:
        violations.append(
            _violation(
                rules,
                "left_on_register",
                field="left_on",
                date=_shown_day(facts.left_on),
                given=_shown_day(given),
            )
        )
    earliest = readmission_earliest(values, rules)
    if earliest and date < earliest:
        violations.append(_violation(rules, "readmission_wait", earliest=_shown_day(earliest)))
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


def introducers(values):
    """[(slot, national ID or None, outside text or None, form date)] named in the step."""
    found = []
    for slot in (1, 2):
        national_id = values.get(f"introducer_{slot}")
        outside = values.get(f"introducer_{slot}_outside")
        if national_id or outside:
            found.append((slot, national_id, outside, values.get(f"introducer_{slot}_form_date")))
    return found


def register_introducer(facts, national_id, day):
    """The introducer's membership that counts on `day`: official then if any, else the
    latest; None when the register does not hold them."""
    memberships = facts.register.memberships(national_id) if facts.register else ()
    if not memberships:
        return None
    official = [m for m in memberships if m.official_on(day)]
    if official:
        return max(official, key=lambda m: m.months_in_cell(day))
    return max(memberships, key=lambda m: m.admitted_on)


def _check_introduction(facts, date, values, rules, overrides):
    limits = rules.limits
    kind = values["introduced_by"]
    named = introducers(values)
    violations = []
    needed = 2 if kind == "members" else limits.union_members
    keys = [
        (national_id or (outside or "").casefold()) for _slot, national_id, outside, _d in named
    ]
    if len(named) != needed or len(set(keys)) != len(keys):
        violations.append(_violation(rules, "two_introducers", needed=needed))
    if kind != "members" and not (
        values.get("executive_resolution_no") and values.get("executive_resolution_date")
    ):
        violations.append(_violation(rules, "union_executive", field="executive_resolution_no"))
    application = facts.step("application")
    for slot, national_id, _outside, form_date in named:
        field = f"introducer_{slot}"
        if form_date is None:
            violations.append(
                _violation(
                    rules,
                    "required_data",
                    field=f"{field}_form_date",
                    label=rules.step("introduction").fields[3 if slot == 1 else 6].label,
                    step=rules.step_label("introduction"),
                )
            )
        elif form_date > date or (application is not None and form_date < application.date):
            violations.append(
                _violation(rules, "introduction_form_date", field=f"{field}_form_date")
            )
        if not national_id:
            continue  # outside the register: flagged for the committee
        if national_id == facts.national_id:
            violations.append(_violation(rules, "introducer_is_applicant", field=field))
            continue
        day = form_date or date
        member = register_introducer(facts, national_id, day)
        if member is None:
            violations.append(
                _violation(rules, "introducer_not_in_register", field=field, who=national_id)
            )
            continue
        if not member.official_on(day):
            violations.append(
                _violation(
                    rules,
                    "introducer_official",
                    field=field,
                    who=member.name,
                    date=_shown_day(day),
                )
            )
        elif member.months_in_cell(day) < limits.introducer_min_months:
            violations.append(
                _violation(
                    rules,
                    "introducer_months",
                    field=field,
                    who=member.name,
                    had=member.months_in_cell(day),
                    date=_shown_day(day),
                    months=limits.introducer_min_months,
                )
            )
    return violations


def outside_introducers(facts):
    """How many introducers of the recorded introduction are outside the register."""
    introduction = facts.step("introduction")
    if introduction is None:
        return 0
    return sum(1 for slot in (1, 2) if introduction.data.get(f"introducer_{slot}_outside"))


def _vote_violations(rules, values, members, majority_code):
    present = values["present"]
    in_favour = values["in_favour"]
    against = values["against"]
    params = {"present": present, "members": members, "in_favour": in_favour, "against": against}
    if (
        members < 1
        or min(present, in_favour, against) < 0
        or present > members
        or in_favour + against > present
    ):
        # No body of no members votes: two thirds of nobody would be a majority of 0 ≥ 0.
        return [_violation(rules, "vote_counts", field="in_favour", **params)]
    if not is_majority(in_favour, members, rules):
        return [
            _violation(
                rules, majority_code, field="in_favour", in_favour=in_favour, members=members
            )
        ]
    return []


def official_members(facts, day):
    """The official members of the cell on `day`, counted from the register."""
    return facts.register.official_members(day) if facts.register else 0


def _check_cell_vote(facts, date, values, rules, overrides):
    limits = rules.limits
    members = official_members(facts, date)
    if members < 1:
        violations = [
            _violation(
                rules,
                "no_official_members",
                field="present",
                unit=facts.cell,
                date=_shown_day(date),
            )
        ]
    else:
        violations = _vote_violations(rules, values, members, "cell_vote_two_thirds")
    attempt = cell_vote_attempt(facts)
    if attempt > limits.max_failed_cell_votes:
        violations.append(
            _violation(
                rules, "cell_vote_attempts", max=limits.max_failed_cell_votes, attempt=attempt
            )
        )
    if facts.failed_cell_votes and date < max(facts.failed_cell_votes):
        violations.append(
            _violation(
                rules, "cell_vote_after_failed", date=_shown_day(max(facts.failed_cell_votes))
            )
        )
    violations += eligibility(facts, date, rules)
    return violations


def cell_vote_attempt(facts):
    """The number of the next cell vote: one more than the failed ones recorded (the
    register of votes, not a number typed on the form)."""
    return len(facts.failed_cell_votes) + 1


def check_failed_cell_vote(facts, date, data, *, rules=None, overrides=None):
    """The rules a failed cell vote breaks: those of the cell vote (its place in the
    procedure, its date, its counts, the number of votes, the candidate's eligibility)
    but two thirds, which it did not reach; a vote that did reach them is no failed one."""
    rules = rules or get_rules()
    violations = [
        v
        for v in check_step(facts, "cell_vote", date, data, rules=rules, overrides=overrides)
        if v.code != "cell_vote_two_thirds"
    ]
    if violations:
        return violations
    values, _problems = step_values(rules, rules.step("cell_vote"), data)
    if is_majority(values["in_favour"], official_members(facts, date), rules):
        violations.append(_violation(rules, "cell_vote_passed", field="in_favour"))
    return violations


def eligibility(facts, date, rules):
    """Age, education and certificate at the cell vote."""
    limits = rules.limits
    violations = []
    months = age_in_months(facts.birth_date, date)
    if months < limits.min_age_months:
        violations.append(
            _violation(rules, "age_minimum", min=limits.min_age_months, months=months)
        )
    elif months > limits.max_age_months:
        violations.append(
            _violation(rules, "age_maximum", max=limits.max_age_months, months=months)
        )
    if not education_ok(facts, rules):
        # Only a cell marked as a special area may ask for the exception.
        violations.append(_violation(rules, "education_minimum", exceptable=facts.special_area))
    if not certificate_ok(facts.certificate_date, date, rules):
        violations.append(
            _violation(rules, "certificate_valid", months=limits.certificate_valid_months)
        )
    return violations


def education_ok(facts, rules):
    order = rules.limits.education_order
    if facts.education not in order:
        return False
    return order.index(facts.education) >= order.index(rules.limits.min_education)


def certificate_ok(certificate_date, on, rules):
    if certificate_date is None or certificate_date > on:
        return False
    return on <= add_months(certificate_date, rules.limits.certificate_valid_months)


def eligibility_since_vote(facts, rules):
    """Eligibility at the cell vote, checked again with the person's record as it is now
    (an age or an education changed after the vote), less what the vote set aside."""
    vote = facts.step("cell_vote")
    if vote is None:
        return []
    set_aside = set((vote.data or {}).get("_exceptions", ()))
    return [v for v in eligibility(facts, vote.date, rules) if v.code not in set_aside]


def _check_committee(facts, date, values, rules, overrides):
    members = values["committee_members"]
    if members < 1:
        violations = [
            _violation(
                rules,
                "vote_counts",
                field="committee_members",
                present=values["present"],
                members=members,
                in_favour=values["in_favour"],
                against=values["against"],
            )
        ]
    else:
        violations = _vote_violations(rules, values, members, "committee_two_thirds")
    violations += eligibility_since_vote(facts, rules)
    if outside_introducers(facts) and not values.get("outside_introducers_verified"):
        violations.append(
            _violation(rules, "introducer_unverified", field="outside_introducers_verified")
        )
    return violations


def derived_values(facts, step_code, date, values, rules=None):
    """What the register says about a step, stored beside its data for the record and the
    printed forms: the cell's official members at a vote, the introducers' names."""
    rules = rules or get_rules()
    extra = {}
    if step_code == "cell_vote":
        extra["official_members"] = official_members(facts, date)
        extra["attempt"] = cell_vote_attempt(facts)
    if step_code == "introduction":
        for slot, national_id, _outside, form_date in introducers(values):
            if not national_id:
                continue
            member = register_introducer(facts, national_id, form_date or date)
            if member is not None:
                extra[f"introducer_{slot}_name"] = member.name
                extra[f"introducer_{slot}_months"] = member.months_in_cell(form_date or date)
                if member.official_since:
                    extra[f"introducer_{slot}_official_since"] = member.official_since
    return extra


def decision_due(origin_date, rules, *, extended=False, overrides=None):
    limits = rules.limits
    days = limits.decision_working_days + (
        limits.decision_extension_working_days if extended else 0
    )
    return days, add_working_days(origin_date, days, overrides)


def _check_decision(facts, date, values, rules, overrides):
    eligible = eligibility_since_vote(facts, rules)
    origin = facts.step(rules.limits.decision_counted_from)
    if origin is None:
        return eligible
    days, due = decision_due(
        origin.date, rules, extended=bool(values.get("extended")), overrides=overrides
    )
    if date > due:
        origin_label = rules.step_label(rules.limits.decision_counted_from)
        return [
            *eligible,
            _violation(
                rules, "decision_deadline", days=days, origin=origin_label, due=_shown_day(due)
            ),
        ]
    return eligible


def _check_ceremony(facts, date, values, rules, overrides):
    decision = facts.step("admission_decision")
    if decision is None:
        return []
    days = rules.limits.ceremony_working_days
    due = add_working_days(decision.date, days, overrides)
    if date > due:
        return [_violation(rules, "ceremony_deadline", days=days, due=_shown_day(due))]
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
    *,
    ceremony_date,
    cell_vote_date,
    decided_on,
    extended=False,
    votes=None,
    members=None,
    outcome=None,
    rules=None,
    overrides=None,
):
    """Rules a confirmation (recognition as official member) breaks.

    `votes` ({present, in_favour, against}) and `members` (the cell's official members on
    the vote day, from the register) check the cell's vote; `decided_on` may be None while
    the committee has not decided yet. Recognition (`outcome` "confirmed") needs two
    thirds of the official members in favour.
    """
    rules = rules or get_rules()
    limits = rules.limits
    if ceremony_date is None:
        return [_violation(rules, "no_ceremony")]
    ends = probation_end(ceremony_date, rules)
    vote = cell_vote_date or decided_on
    violations = []
    if vote < ends:
        violations.append(_violation(rules, "confirmation_after_probation", ends=_shown_day(ends)))
    else:
        due = add_working_days(ends, limits.confirmation_vote_working_days, overrides)
        if vote > due:
            violations.append(
                _violation(
                    rules,
                    "confirmation_deadline",
                    days=limits.confirmation_vote_working_days,
                    due=_shown_day(due),
                )
            )
    if votes is not None:
        if not members:
            violations.append(
                _violation(rules, "no_official_members", unit="", date=_shown_day(vote))
            )
        else:
            found = _vote_violations(rules, votes, members, "confirmation_two_thirds")
            if outcome != "confirmed":
                found = [v for v in found if v.code != "confirmation_two_thirds"]
            violations += found
    if decided_on is None:
        return violations
    if decided_on < vote:
        violations.append(
            _violation(
                rules,
                "step_date_order",
                step=_shown_day(decided_on),
                previous=_shown_day(vote),
            )
        )
    else:
        days = limits.confirmation_decision_working_days + (
            limits.confirmation_extension_working_days if extended else 0
        )
        due = add_working_days(vote, days, overrides)
        if decided_on > due:
            violations.append(
                _violation(rules, "confirmation_decision_deadline", days=days, due=_shown_day(due))
            )
    return violations


def check_exception(violations, exception, rules=None):
    """Whether a written approval (`exception`: {level, document_no, document_date}) sets
    every violation aside: [] when it does, else the violations that stand (the rules that
    allow no exception, and `exception_level` / `exception_document` problems)."""
    rules = rules or get_rules()
    standing = [v for v in violations if not v.exceptable]
    if standing:
        return standing
    exception = exception or {}
    if not (
        exception.get("level") and exception.get("document_no") and exception.get("document_date")
    ):
        return [_violation(rules, "exception_document", field="exception_level")]
    rank = rules.level_rank(exception["level"])
    problems = []
    for violation in violations:
        if rank < rules.level_rank(violation.exception_by):
            problems.append(
                _violation(
                    rules,
                    "exception_level",
                    field="exception_level",
                    rule=rules.rule_title(violation.code),
                    level=rules.level_label(violation.exception_by),
                    reference=violation.exception_reference,
                )
            )
    return problems


# What each kind of time limit asks for, in the user's language when shown (the work list
# shows stored limits by kind: `pipeline.dues`).
DUE_LABELS = {
    "certificate_expires": gettext_noop("cell vote while the course certificate is valid"),
    "age_limit": gettext_noop("cell vote before the age limit"),
    "admission_decision": gettext_noop("admission decision"),
    "ceremony": gettext_noop("admission ceremony"),
    "member_record": gettext_noop("member's record (1-HSĐV, 2-HSĐV)"),
    "probation_ends": gettext_noop("end of probation"),
    "confirmation": gettext_noop("confirmation vote"),
    "confirmation_decision": gettext_noop("confirmation decision"),
}


def due_label(kind):
    """The label of a kind of time limit, in the active language."""
    return gettext(DUE_LABELS[kind])


def _due(kind, due_on, extendable_to=None):
    return Due(kind, due_label(kind), due_on, extendable_to)


def due_dates(facts, rules=None, overrides=None):
    """What is due when for this dossier, earliest first (a list of Due)."""

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
                _due(
                    "certificate_expires",
                    add_months(facts.certificate_date, limits.certificate_valid_months),
                )
            )
        last_age_day = add_months(facts.birth_date, limits.max_age_months + 1) - dt.timedelta(1)
        dues.append(_due("age_limit", last_age_day))
    origin = facts.step(limits.decision_counted_from)
    if origin is not None and decision is None:
        _days, due = decision_due(origin.date, rules, overrides=overrides)
        _days, extended = decision_due(origin.date, rules, extended=True, overrides=overrides)
        dues.append(_due("admission_decision", due, extended))
    if decision is not None and ceremony is None:
        due = add_working_days(decision.date, limits.ceremony_working_days, overrides)
        dues.append(_due("ceremony", due))
    on_probation = facts.membership_status in ("", "probationary")
    if decision is not None and facts.member_record_on is None and on_probation:
        due = add_working_days(decision.date, limits.member_record_working_days, overrides)
        dues.append(_due("member_record", due))
    if ceremony is not None and on_probation and not facts.confirmation_decided:
        ends = probation_end(ceremony.date, rules)
        if facts.confirmation_vote_on is None:
            dues.append(_due("probation_ends", ends))
            due = add_working_days(ends, limits.confirmation_vote_working_days, overrides)
            dues.append(_due("confirmation", due))
        else:
            vote = facts.confirmation_vote_on
            days = limits.confirmation_decision_working_days
            extra = limits.confirmation_extension_working_days
            dues.append(
                _due(
                    "confirmation_decision",
                    add_working_days(vote, days, overrides),
                    add_working_days(vote, days + extra, overrides),
                )
            )
    return sorted(dues, key=lambda due: due.due_on)
