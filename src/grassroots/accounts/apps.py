from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.utils.module_loading import import_string

from grassroots.history import subjects


class AccountsConfig(AppConfig):
    name = "grassroots.accounts"
    label = "accounts"

    def ready(self):
        # An account's history is read by the administrators of the units where it holds,
        # or held, a role (as its pages are), not by everyone who sees those units.
        from .roles import Action

        subjects.register("auth.user", unit="role_assignments__unit", action=Action.MANAGE_ACCOUNTS)
        # Failed log-ins and lock-outs are recorded for the administrators above the
        # account (accounts.lockout); the signals come from Django's authenticate() and
        # from django-axes, outside any of our services. (django-axes' signals module reads
        # models when imported, so it is named here, not imported with this module.)
        user_login_failed.connect(
            import_string("grassroots.accounts.lockout.on_login_failed"),
            dispatch_uid="grassroots-login-failed",
        )
        import_string("axes.signals.user_locked_out").connect(
            import_string("grassroots.accounts.lockout.on_locked_out"),
            dispatch_uid="grassroots-locked-out",
        )
        user_logged_in.connect(
            import_string("grassroots.accounts.middleware.note_login"),
            dispatch_uid="grassroots-session-start",
        )
        user_logged_in.connect(
            import_string("grassroots.accounts.middleware.note_profile"),
            dispatch_uid="grassroots-account-profile",
        )
