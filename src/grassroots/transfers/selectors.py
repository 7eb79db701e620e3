"""Reading transfers, always through the acting user's scope.

A transfer is visible to the users of the sending unit and to those of the receiving
unit: both have work to do with it.
"""

from django.db.models import Q
from django.http import Http404

from grassroots.accounts import scope
from grassroots.accounts.roles import Action

from .models import Transfer

DIRECTION_WITHIN = "within"
DIRECTION_OUT = "out"
DIRECTION_IN = "in"


def _visible_q(user, action=Action.VIEW):
    if scope.is_everywhere(user):
        return Q()
    return scope.unit_q(user, action, "from_unit__path") | scope.unit_q(
        user, action, "to_unit__path"
    )


def transfers_visible_to(user):
    """Transfers whose sending or receiving unit lies in the user's scope."""
    return (
        Transfer.objects.filter(_visible_q(user))
        .select_related("person", "from_unit", "to_unit")
        .order_by("-issued_on", "-id")
    )


def transfer_list(user, *, status="", kind="", direction="", unit=None):
    """The user's transfers, filtered; `unit` keeps those sent from or to its subtree."""
    queryset = transfers_visible_to(user)
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if direction == DIRECTION_WITHIN:
        queryset = queryset.filter(from_unit__isnull=False, to_unit__isnull=False)
    elif direction == DIRECTION_OUT:
        queryset = queryset.filter(to_unit__isnull=True)
    elif direction == DIRECTION_IN:
        queryset = queryset.filter(from_unit__isnull=True)
    if unit is not None:
        queryset = queryset.filter(
            scope.under(unit.path, "from_unit__path") | scope.under(unit.path, "to_unit__path")
        )
    return queryset


def transfer_for(user, pk):
    """One transfer the user may see, or 404 (missing and out of scope look the same)."""
    transfer = transfers_visible_to(user).filter(pk=pk).first()
    if transfer is None:
        raise Http404
    return transfer


def transfers_of_person(user, person):
    """The person's transfers the user may see, oldest first."""
    return transfers_visible_to(user).filter(person=person).order_by("issued_on", "id")


def units_over_time(person, transfers):
    """Where the person belonged, spell by spell: [{unit, origin, since, until, kind}].

    Built from the memberships and the received transfers: an official transfer closes
    one spell and opens the next; a temporary one adds a spell beside the roll.
    """
    spells = []
    memberships = sorted(person.memberships.select_related("unit"), key=lambda m: m.admitted_on)
    for membership in memberships:
        moves = [
            t
            for t in transfers
            if t.membership_id == membership.pk
            and t.kind == Transfer.Kind.OFFICIAL
            and t.status == Transfer.Status.RECEIVED
            and t.from_unit_id
        ]
        moves.sort(key=lambda t: (t.arrived_on, t.pk))
        since = membership.admitted_on
        for move in moves:
            spells.append(
                {"unit": move.from_unit, "since": since, "until": move.arrived_on, "kind": ""}
            )
            since = move.arrived_on
        spells.append(
            {
                "unit": membership.unit,
                "since": since,
                "until": membership.ended_on,
                "kind": "",
            }
        )
    for transfer in transfers:
        if transfer.kind == Transfer.Kind.TEMPORARY and transfer.status in (
            Transfer.Status.RECEIVED,
            Transfer.Status.RETURNED,
        ):
            spells.append(
                {
                    "unit": transfer.to_unit,
                    "since": transfer.arrived_on,
                    "until": None,
                    "kind": Transfer.Kind.TEMPORARY,
                }
            )
    spells.sort(key=lambda s: (s["since"] is None, s["since"]))
    return spells
