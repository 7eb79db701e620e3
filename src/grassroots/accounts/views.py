"""Own profile and API tokens; accounts and roles for administrators of a subtree."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grassroots.formerrors import add_service_errors
from grassroots.history.services import Trace
from grassroots.org.models import Unit
from grassroots.paging import paginate

from . import scope, selectors, services, tokens
from .forms import RoleGrantForm, TokenForm, UserCreateForm
from .models import ApiToken, RoleAssignment
from .roles import Action


def _me_context(request, **extra):
    return {
        "assignments": request.user.role_assignments.select_related("unit").order_by("unit__path"),
        "tokens": selectors.tokens_of(request.user),
        "token_form": TokenForm(),
        **extra,
    }


@require_GET
def me(request):
    return render(request, "accounts/me.html", _me_context(request))


@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, plaintext = tokens.token_create(request.user, form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # Rendered, not redirected: the plaintext exists only in this response.
            context = _me_context(request, new_token=token, plaintext=plaintext)
            response = render(request, "accounts/me.html", context)
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/me.html", _me_context(request, token_form=form), status=400)


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("accounts:me")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _require_admin(user):
    if not selectors.may_manage_accounts(user):
        raise PermissionDenied


def _unit_to_manage(admin, code):
    """The unit by code if the admin manages accounts there: 404 outside their subtree."""
    unit = Unit.objects.filter(code=(code or "").strip()).first()
    if unit is None:
        raise Http404
    scope.require(admin, Action.MANAGE_ACCOUNTS, unit)
    return unit


@require_GET
def users(request):
    _require_admin(request.user)
    context = paginate(request, selectors.users_for(request.user))
    return render(request, "accounts/users.html", context)


def user_create(request):
    admin = request.user
    _require_admin(admin)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = _unit_to_manage(admin, data.pop("unit"))
        try:
            user = services.user_create(trace=Trace(user=admin), unit=unit, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_detail", username=user.username)
    return render(request, "accounts/user_form.html", {"form": form})


@require_GET
def user_detail(request, username):
    admin = request.user
    account = selectors.user_for(admin, username)
    assignments = [
        (a, scope.can(admin, Action.MANAGE_ACCOUNTS, a.unit))
        for a in account.role_assignments.all()
    ]
    context = {
        "account": account,
        "assignments": assignments,
        "grant_form": RoleGrantForm(),
        "changes": selectors.account_history(account)[:50],
        "tokens": selectors.tokens_of(account),
    }
    return render(request, "accounts/user_detail.html", context)


@require_POST
def role_grant(request, username):
    admin = request.user
    account = selectors.user_for(admin, username)
    form = RoleGrantForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect("accounts:user_detail", username=account.username)
    unit = _unit_to_manage(admin, form.cleaned_data["unit"])
    services.role_grant(
        trace=Trace(user=admin), user=account, unit=unit, role=form.cleaned_data["role"]
    )
    scope.forget(account)
    messages.success(request, _("Role granted."))
    return redirect("accounts:user_detail", username=account.username)


@require_POST
def role_revoke(request, pk):
    admin = request.user
    assignment = scope.get_scoped(
        admin,
        RoleAssignment.objects.select_related("user", "unit"),
        action=Action.MANAGE_ACCOUNTS,
        pk=pk,
    )
    services.role_revoke(trace=Trace(user=admin), assignment=assignment)
    messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", username=assignment.user.username)


@require_POST
def user_deactivate(request, username):
    """Switch an account off; only if every role it holds lies in the admin's subtree."""
    admin = request.user
    account = selectors.user_for(admin, username)
    if account == admin:
        raise PermissionDenied
    held = list(account.role_assignments.all())
    if any(not scope.can(admin, Action.MANAGE_ACCOUNTS, a.unit) for a in held):
        raise PermissionDenied
    services.user_deactivate(trace=Trace(user=admin), user=account)
    messages.success(request, _("Account %(name)s deactivated.") % {"name": account.username})
    return redirect("accounts:user_detail", username=account.username)
