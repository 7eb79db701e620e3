"""Role assignments on units, and API tokens."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.inputs import plain_text


class Role(models.TextChoices):
    VIEWER = "viewer", _("viewer")
    CLERK = "clerk", _("clerk")
    SECRETARY = "secretary", _("secretary")
    ORGANISATION_COMMITTEE = "organisation_committee", _("organisation committee")
    ADMINISTRATOR = "administrator", _("administrator")


class RoleAssignment(models.Model):
    """A user holds a role on a unit and acts on that unit and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_on = models.DateTimeField(_("granted on"), auto_now_add=True)
    # An assignment is never deleted: revoking it, or the end of its unit in a
    # restructuring, ends it (the last day it held), so that who held what stays known.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by_event = models.ForeignKey(
        "org.UnitEvent",
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ended_assignments",
    )
    # Set when an administrator has dealt with an assignment that a restructuring ended
    # (reassigned its holder, or decided not to): it leaves their work list then.
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=models.Q(ended_on__isnull=True),
                name="one_role_per_unit",
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit.code}"

    def is_active_on(self, day):
        return self.ended_on is None or day <= self.ended_on


class ApiToken(models.Model):
    """A bearer token for the REST API: shown once, stored as its SHA-256."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, validators=[plain_text])
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class LoginFailure(models.Model):
    """A failed log-in, and a lock-out it caused or met: for the administrators of the
    units where the account holds a role (accounts.selectors.login_failures_for)."""

    class Kind(models.TextChoices):
        FAILED = "failed", _("wrong password or code")
        LOCKED_OUT = "locked_out", _("locked out after repeated failures")
        REFUSED = "refused", _("refused during a lock-out")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # As typed: a name that belongs to no account is kept too (guessing of user names).
    username = models.CharField(_("user name"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="login_failures",
    )
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="login_failure_user_at")]
        verbose_name = _("failed log-in")
        verbose_name_plural = _("failed log-ins")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.kind}"


class Profile(models.Model):
    """What an account keeps besides Django's user: its language, and whether its password
    was set by an administrator (a one-time password, to be changed at the next log-in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="grassroots_profile",
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    class Meta:
        verbose_name = _("account profile")
        verbose_name_plural = _("account profiles")

    def __str__(self):
        return str(self.user)
