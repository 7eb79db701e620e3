"""The password validators' messages in the reader's language.

Django 5.2 words the minimum length's refusal "… at least %d characters."; its Vietnamese
catalogue still holds the older "%(min_length)d" wording, so that a too short password was
refused in English on a Vietnamese page. The message is given here, with the same words, so
that the product's catalogue (read before Django's) translates it.
"""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return (
            ngettext(
                "This password is too short. It must contain at least %d character.",
                "This password is too short. It must contain at least %d characters.",
                self.min_length,
            )
            % self.min_length
        )
