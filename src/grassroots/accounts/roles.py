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
