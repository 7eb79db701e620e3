"""Template context every page needs: the navigation and the user's top units."""

from grassroots.accounts import scope
from grassroots.accounts.roles import Action


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_top_units": scope.top_units(user),
        "nav_can_manage_accounts": scope.is_everywhere(user)
        or bool(scope.paths_for(user, Action.MANAGE_ACCOUNTS)),
    }
