"""What each role may do. One table: a different organisation edits it, not the views."""

from django.utils.translation import gettext_lazy as _

from .models import Role


class Action:
    VIEW = "view"
    EDIT_PEOPLE = "edit_people"  # the register, sources, enrolments
    RECORD_STEP = "record_step"  # dossier steps taken in the cell, transfers
    EDIT_UNITS = "edit_units"  # create, edit and move units; courses
    DECIDE = "decide"  # committee decisions, exceptions to rules, targets, findings
    MANAGE_ACCOUNTS = "manage_accounts"
    RESTRUCTURE = "restructure"  # dated unit events: move, rename, merge, split, close
    # Review the log of reads and exports of personal data (history:accesses) below the unit.
    REVIEW_ACCESS = "review_access"

    LABELS = {
        VIEW: _("view"),
        EDIT_PEOPLE: _("change people"),
        RECORD_STEP: _("record steps"),
        EDIT_UNITS: _("change units"),
        DECIDE: _("take decisions"),
        MANAGE_ACCOUNTS: _("manage accounts"),
        RESTRUCTURE: _("restructure units"),
        REVIEW_ACCESS: _("review reads of personal data"),
    }


PERMISSIONS = {
    Role.VIEWER: {Action.VIEW},
    Role.CLERK: {Action.VIEW, Action.EDIT_PEOPLE, Action.RECORD_STEP},
    Role.SECRETARY: {Action.VIEW, Action.EDIT_PEOPLE, Action.RECORD_STEP},
    Role.ORGANISATION_COMMITTEE: {
        Action.VIEW,
        Action.EDIT_PEOPLE,
        Action.RECORD_STEP,
        Action.EDIT_UNITS,
        Action.DECIDE,
        Action.REVIEW_ACCESS,
    },
    Role.ADMINISTRATOR: {
        Action.VIEW,
        Action.EDIT_PEOPLE,
        Action.RECORD_STEP,
        Action.EDIT_UNITS,
        Action.DECIDE,
        Action.MANAGE_ACCOUNTS,
        Action.RESTRUCTURE,
        Action.REVIEW_ACCESS,
    },
}


def role_allows(role, action):
    return action in PERMISSIONS.get(role, set())


# What each action lets a holder do, in the words of the people who hold the roles. The
# role descriptions on the accounts pages are read from PERMISSIONS through this table, so
# they change when the table does (tests/accounts/test_role_descriptions.py).
ACTION_DESCRIPTIONS = {
    Action.VIEW: _(
        "See the unit and every unit below it: their people, members, dossiers, transfers, "
        "plans and reports."
    ),
    Action.EDIT_PEOPLE: _(
        "Register people and change their records; nominate sources and enrol them in courses."
    ),
    Action.RECORD_STEP: _(
        "Record the steps of admission dossiers taken in the cell, and issue and receive transfers."
    ),
    Action.EDIT_UNITS: _("Create, change and move units, and organise courses."),
    Action.DECIDE: _(
        "Record committee decisions, set a rule aside with a written approval, set targets "
        "and record supervision findings."
    ),
    Action.MANAGE_ACCOUNTS: _(
        "Create accounts, give and take away roles, and reset passwords of the people below."
    ),
    Action.RESTRUCTURE: _("Merge, split, rename, move and close units on a resolution date."),
    Action.REVIEW_ACCESS: _("Read the log of who saw or exported personal data."),
}


def role_descriptions():
    """Each role with what it may do, in plain words: [(role, label, [sentences])]."""
    return [
        (
            role.value,
            role.label,
            [ACTION_DESCRIPTIONS[action] for action in ACTION_DESCRIPTIONS if action in allowed],
        )
        for role in Role
        for allowed in [PERMISSIONS.get(role, set())]
    ]
