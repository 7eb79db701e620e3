"""What a user has done with their reminders: items marked as seen, and the daily digest."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SeenItem(models.Model):
    """A work-list item the user has marked as seen: it leaves their badge. The key names
    the item (its kind, record and due date), so an item whose due date moves is new again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="seen_items",
    )
    key = models.CharField(_("item"), max_length=64)
    due_on = models.DateField(_("due on"))
    seen_at = models.DateTimeField(_("seen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("item seen")
        verbose_name_plural = _("items seen")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="seen_item_once_per_user")
        ]

    def __str__(self):
        return f"{self.user} · {self.key}"


class Digest(models.Model):
    """A user's daily e-mail of what is due: opt-in, and the last day it was sent (a day
    is sent once; a day whose mail failed is sent at the next run)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="reminder_digest",
    )
    daily = models.BooleanField(_("daily e-mail"), default=False)
    last_sent_on = models.DateField(_("last sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")

    def __str__(self):
        return f"{self.user} · {self.daily}"
