"""A refused password is refused in the reader's language.

Django 5.2 words the minimum length's refusal "… at least %d characters."; its Vietnamese
catalogue only holds the older wording, so the account form answered a short password in
English on a Vietnamese page.
"""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation

REFUSALS = {
    "vi": "Mật khẩu này quá ngắn. Mật khẩu phải có ít nhất 12 ký tự.",
    "de": "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten.",
    "en": "This password is too short. It must contain at least 12 characters.",
}


@pytest.mark.parametrize("language", sorted(REFUSALS))
def test_a_short_password_is_refused_in_the_readers_language(language):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        validate_password("Xq7#kWz")
    assert REFUSALS[language] in refused.value.messages


@pytest.mark.parametrize("language", ["vi", "de"])
def test_no_password_refusal_or_help_stays_english(language):
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            validate_password("1234")
        texts = [*refused.value.messages, *password_validators_help_texts()]
    english = [t for t in texts if "password" in t.lower() or "Password" in t]
    assert not english, english
