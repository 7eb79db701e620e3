from django.apps import AppConfig

from grassroots.history import subjects


class AccountsConfig(AppConfig):
    name = "grassroots.accounts"
    label = "accounts"

    def ready(self):
        # An account's history is read by the administrators of the units where it holds,
        # or held, a role.
        subjects.register("auth.user", unit="role_assignments__unit")
