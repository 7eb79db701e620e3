"""Template context every page needs: whether the menu offers the accounts page."""

from grassroots.accounts import scope
from grassroots.accounts.roles import Action


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # The roles are read once per request (scope keeps them on the request's user).
    return {
        "nav_can_manage_accounts": scope.is_everywhere(user)
        or bool(scope.paths_for(user, Action.MANAGE_ACCOUNTS)),
    }
