"""Own profile and API tokens; accounts and roles for administrators of a subtree."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from grassroots.formerrors import add_service_errors
from grassroots.history.services import Trace
from grassroots.paging import paginate

from . import middleware, scope, selectors, services, tokens, twofactor
from .forms import (
    CodeForm,
    LanguageForm,
    LoginForm,
    PasswordResetForm,
    RoleGrantForm,
    TokenForm,
    UserCreateForm,
)
from .models import ApiToken, RoleAssignment
from .roles import Action, role_descriptions


def _me_context(request, **extra):
    return {
        "assignments": request.user.role_assignments.select_related("unit").order_by("unit__path"),
        "tokens": selectors.tokens_of(request.user),
        "token_form": TokenForm(),
        "language_form": LanguageForm(initial={"language": request.LANGUAGE_CODE}),
        "role_descriptions": role_descriptions(),
        **extra,
    }


@login_not_required
@require_POST
def set_language(request):
    """The language menu: Django's set_language (a cookie), and for a logged-in user the
    account's language too, so that it follows them to any device."""
    response = django_set_language(request)
    form = LanguageForm(request.POST)
    if request.user.is_authenticated and form.is_valid():
        language = form.cleaned_data["language"]
        services.language_set(trace=Trace(user=request.user), user=request.user, language=language)
        request.session[middleware.LANGUAGE] = language
    return response


@require_GET
def me(request):
    context = _me_context(request, may_use_two_factor=twofactor.may_use(request.user))
    context["two_factor_on"] = twofactor.device_of(request.user) is not None
    return render(request, "accounts/me.html", context)


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
            response["Cache-Control"] = "private, no-store"
            return response
    return render(request, "accounts/me.html", _me_context(request, token_form=form), status=400)


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("accounts:me")


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Django's log-in page with the second factor's field (forms.LoginForm); answers
    GET and POST only, before it redirects a user who is logged in already."""

    authentication_form = LoginForm
    redirect_authenticated_user = True
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; a one-time password set by an administrator must be
    changed here before any other page opens (middleware.account_preferences)."""

    http_method_names = ["get", "post"]
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["one_time"] = bool(self.request.session.get(middleware.MUST_CHANGE_PASSWORD))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(trace=Trace(user=self.request.user), user=self.request.user)
        self.request.session[middleware.MUST_CHANGE_PASSWORD] = False
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _require_admin(user):
    if not selectors.may_manage_accounts(user):
        raise PermissionDenied


def _units_to_manage(admin):
    """The units where the admin manages accounts: the role pickers choose among them."""
    return scope.units_visible_to(admin, Action.MANAGE_ACCOUNTS)


@require_GET
def users(request):
    _require_admin(request.user)
    context = paginate(request, selectors.users_for(request.user))
    return render(request, "accounts/users.html", context)


@require_http_methods(["GET", "POST"])
def user_create(request):
    admin = request.user
    _require_admin(admin)
    form = UserCreateForm(request.POST or None, units=_units_to_manage(admin))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            user = services.user_create(trace=Trace(user=admin), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user_detail", username=user.username)
    context = {"form": form, "role_descriptions": role_descriptions()}
    return render(request, "accounts/user_form.html", context)


def _may_manage_whole_account(admin, account):
    """Every role the account holds lies where the admin manages accounts (not themself)."""
    return account != admin and all(
        scope.can(admin, Action.MANAGE_ACCOUNTS, a.unit) for a in account.role_assignments.all()
    )


def _user_page(request, account, grant_form=None, reset_form=None, status=200):
    admin = request.user
    assignments = [
        (a, scope.can(admin, Action.MANAGE_ACCOUNTS, a.unit))
        for a in account.role_assignments.all()
    ]
    context = {
        "account": account,
        "assignments": assignments,
        "grant_form": grant_form or RoleGrantForm(units=_units_to_manage(admin)),
        "reset_form": reset_form or PasswordResetForm(),
        "may_reset": _may_manage_whole_account(admin, account),
        "role_descriptions": role_descriptions(),
        "changes": selectors.account_history(account)[:50],
        "tokens": selectors.tokens_of(account),
        "login_failures": selectors.login_failures_for(admin, account=account)[:20],
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@require_GET
def user_detail(request, username):
    return _user_page(request, selectors.user_for(request.user, username))


@require_POST
def role_grant(request, username):
    admin = request.user
    account = selectors.user_for(admin, username)
    form = RoleGrantForm(request.POST, units=_units_to_manage(admin))
    if not form.is_valid():
        # The page again with what was typed and the candidates, not a redirect losing it.
        return _user_page(request, account, grant_form=form, status=400)
    try:
        services.role_grant(
            trace=Trace(user=admin),
            user=account,
            unit=form.cleaned_data["unit"],
            role=form.cleaned_data["role"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _user_page(request, account, grant_form=form, status=400)
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
def assignment_follow_up(request, pk):
    """Mark a role a restructuring ended as dealt with (reassigned, or not needed)."""
    admin = request.user
    assignment = scope.get_scoped(
        admin,
        RoleAssignment.objects.filter(ended_by_event__isnull=False).select_related("user", "unit"),
        action=Action.MANAGE_ACCOUNTS,
        pk=pk,
    )
    services.assignment_followed_up(trace=Trace(user=admin), assignment=assignment)
    messages.success(
        request,
        _("The ended role of %(name)s is followed up.") % {"name": assignment.user.username},
    )
    return redirect("restructuring:event", pk=assignment.ended_by_event_id)


@require_POST
def user_password_reset(request, username):
    """Give the account a new one-time password (to be changed at its next log-in); only
    if every role it holds lies in the admin's subtree."""
    admin = request.user
    account = selectors.user_for(admin, username)
    if not _may_manage_whole_account(admin, account):
        raise PermissionDenied
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            services.password_reset(
                trace=Trace(user=admin), user=account, password=form.cleaned_data["password"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("New one-time password set: %(name)s must change it at the next log-in.")
                % {"name": account.username},
            )
            return redirect("accounts:user_detail", username=account.username)
    return _user_page(request, account, reset_form=form, status=400)


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


@require_GET
def login_failures(request):
    """Failed log-ins and lock-outs of the accounts the administrator manages."""
    _require_admin(request.user)
    context = paginate(request, selectors.login_failures_for(request.user))
    return render(request, "accounts/login_failures.html", context)


@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Set up, or switch off, the second factor of one's own account."""
    user = request.user
    if not twofactor.may_use(user):
        raise PermissionDenied
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    status = 200
    if request.method == "POST":
        trace = Trace(user=user)
        try:
            if action == "begin":
                twofactor.totp_begin(trace=trace, user=user)
                return redirect("accounts:two_factor")
            if form.is_valid() and action == "confirm":
                twofactor.totp_confirm(trace=trace, user=user, token=form.cleaned_data["token"])
                messages.success(request, _("The second factor is on."))
                return redirect("accounts:me")
            if form.is_valid() and action == "remove":
                twofactor.totp_remove(trace=trace, user=user, token=form.cleaned_data["token"])
                messages.success(request, _("The second factor is off."))
                return redirect("accounts:me")
        except ValidationError as exc:
            add_service_errors(form, exc)
        status = 400
    device = twofactor.device_of(user)
    pending = None if device else twofactor.device_of(user, confirmed=False)
    context = {
        "device": device,
        "pending": pending,
        "qr": twofactor.qr_svg(pending) if pending else "",
        "secret": twofactor.secret_of(pending) if pending else "",
        "form": form if request.method == "POST" else CodeForm(),
    }
    return render(request, "accounts/two_factor.html", context, status=status)
