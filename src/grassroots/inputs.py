"""What a field accepts, declared once on the model field and read by every door.

A model field carries its limits: `max_length`, `choices`, `blank`, and its validators
(`plain_text` for one line, `multiline_text` where line breaks belong, a pattern such as
the national ID's or `email_address`). Services check them with `field_errors` (the
model's own `clean_fields`); the forms take their fields from the model (`form_field`);
the API derives its schema types from the same field (`grassroots.api_fields`), and the
importer its columns (`exchange/format.py`). A limit changes in one place.

Text refuses control characters: the C0 and C1 controls (a tab too), the bidirectional
marks, embeddings, overrides and isolates (`U+202E` turns a name around in every list),
line and paragraph separators, the byte order mark, lone surrogates and non-characters.
`multiline_text` lets line breaks (`\\n`, `\\r`) through, nothing else. Spreadsheets
cannot hold most of these (openpyxl's `IllegalCharacterError`), and none belongs in a
name.

`text_pattern` states the same rule as a regular expression for the API's schema,
written so that Python, ECMAScript (JSON Schema) and Rust (pydantic) read it alike and
run it in linear time.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import IntegrityError, transaction
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Characters no text field takes, as ranges of code points.
_FORBIDDEN_EVERYWHERE = (
    (0x0000, 0x0009),  # C0 controls up to the tab
    (0x000B, 0x000C),
    (0x000E, 0x001F),
    (0x007F, 0x009F),  # DEL and the C1 controls
    (0x061C, 0x061C),  # Arabic letter mark
    (0x200E, 0x200F),  # left-to-right and right-to-left marks
    (0x2028, 0x2029),  # line and paragraph separators
    (0x202A, 0x202E),  # bidirectional embeddings and overrides
    (0x2066, 0x2069),  # bidirectional isolates
    (0xD800, 0xDFFF),  # lone surrogates (UTF-8 has no bytes for them)
    (0xFEFF, 0xFEFF),  # byte order mark
    (0xFFF9, 0xFFFB),  # interlinear annotation
    (0xFFFE, 0xFFFF),  # non-characters
)
_SURROGATES = (0xD800, 0xDFFF)
_LINE_BREAKS = ((0x000A, 0x000A), (0x000D, 0x000D))
# What str.strip() removes besides the forbidden characters: a required text needs one
# character outside these (the services strip every text they store).
_SPACES = (
    (0x0020, 0x0020),
    (0x00A0, 0x00A0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)


def _forbidden(multiline):
    return _FORBIDDEN_EVERYWHERE if multiline else _FORBIDDEN_EVERYWHERE + _LINE_BREAKS


def _class(ranges):
    """A character class body with \\uXXXX escapes, which every engine reads alike."""
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )


def text_pattern(*, multiline=False, required=False):
    """The regular expression a text satisfies: no forbidden character, and, when the
    field is required, at least one character that is not a space.

    Surrogates stay out of the pattern: Rust's JSON Schema validators cannot name them
    and valid UTF-8 cannot carry them; the validator refuses one sent as a JSON escape.
    """
    forbidden = [r for r in _forbidden(multiline) if r != _SURROGATES]
    allowed = f"[^{_class(forbidden)}]"
    if not required:
        return f"^{allowed}*$"
    spaces = list(_SPACES) + (list(_LINE_BREAKS) if multiline else [])
    # Spaces, one visible character, then anything allowed: no ambiguity to backtrack over.
    return f"^[{_class(spaces)}]*[^{_class(forbidden + spaces)}]{allowed}*$"


_FORBIDDEN_RE = {
    multiline: re.compile(f"[{_class(_forbidden(multiline))}]") for multiline in (False, True)
}


def _describe(char):
    name = unicodedata.name(char, "")
    code = f"U+{ord(char):04X}"
    return f"{code} {name}" if name else code


@deconstructible
class TextValidator:
    """Refuses control and formatting characters; `multiline` lets line breaks through."""

    code = "control_character"

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        if not isinstance(value, str):
            return
        found = _FORBIDDEN_RE[self.multiline].search(value)
        if found is None:
            return
        char = found.group()
        if char in "\n\r":
            message = _("Line breaks are not allowed here: write it on one line.")
        else:
            message = _(
                "Remove the control character %(char)s: it cannot be stored or exported."
            ) % {"char": _describe(char)}
        raise ValidationError(message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, TextValidator) and other.multiline == self.multiline

    def __hash__(self):
        return hash(("TextValidator", self.multiline))


plain_text = TextValidator(multiline=False)

# Django's refusals of a number out of its bounds, listed here so that the product's
# catalogue words them: Django's Vietnamese catalogue writes "… bằng với 0 ." with a space
# before the full stop (the product's catalogue is read first).
BOUND_MESSAGES = (
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
)
multiline_text = TextValidator(multiline=True)

# A note, a reason, a finding: about a page at most. Unbounded, an 11 MB note was stored
# and the history page that showed it weighed 38 MB. Long text fields take
# `max_length=LONG_TEXT` (forms, the API's schema and the importer read it) and
# `long_text` (the services' `field_errors`: a TextField does not check its max_length).
LONG_TEXT = 4000
long_text = MaxLengthValidator(LONG_TEXT)

# An e-mail address as every door takes it: a dot-atom local part and a host name with a
# letter top-level domain. Stricter than Django's EmailValidator (no quoted local parts,
# no IP literals, no "localhost"), so that one pattern says it all, in the API's schema
# too.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$"
)
email_address = RegexValidator(
    EMAIL_PATTERN, _("Enter an e-mail address such as name@example.org."), code="invalid"
)


# A code that is part of a web address (`/units/<code>/`, `/api/v1/courses/<code>`): one
# path segment holds no "/", and every client reads a segment "." or ".." as "here" or
# "up", never as a code. Otherwise a one-line text with a visible character, like
# `text_pattern(required=True)`; the slash and dots are named so that the API's schema
# says it too.
_SLASH_AND_DOT = ((0x002E, 0x002E), (0x002F, 0x002F))
_SLASH = ((0x002F, 0x002F),)


def _url_code_pattern():
    forbidden = [r for r in _forbidden(False) if r != _SURROGATES]
    leading = _class([*_SPACES, *_SLASH_AND_DOT[:1]])
    first = _class([*forbidden, *_SPACES, *_SLASH_AND_DOT])
    rest = _class([*forbidden, *_SLASH])
    return f"^[{leading}]*[^{first}][^{rest}]*$"


URL_CODE_PATTERN = _url_code_pattern()
url_code = RegexValidator(
    URL_CODE_PATTERN,
    _('A code is part of a web address: it holds no "/" and is not only dots.'),
    code="invalid",
)


def is_multiline(field):
    return any(isinstance(v, TextValidator) and v.multiline for v in field.validators)


def is_text(field):
    return any(isinstance(v, TextValidator) for v in field.validators)


def patterns_of(field):
    """The regular expressions a field's own validators require (national ID, month, …)."""
    return [v.regex.pattern for v in field.validators if isinstance(v, RegexValidator)]


def form_field(model, name, **overrides):
    """The form field for `model.name` with every limit of the model field: its length,
    choices and validators (Django's `formfield()` leaves the validators out).

    `overrides` are the form's own choices: label, widget, required, help_text.
    """
    field = model._meta.get_field(name)
    overrides.setdefault(
        "validators", [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    )
    formfield = field.formfield(**overrides)
    # The form field adds its own bounds (a positive integer's min_value=0), equal to the
    # model's: each limit once, or a bad value is refused twice with the same words.
    unique = []
    for validator in formfield.validators:
        if validator not in unique:
            unique.append(validator)
    formfield.validators = unique
    return formfield


def composed(text):
    """A key as every door stores and finds it (a unit's or a course's code, a cluster's
    name): stripped, in Unicode's composed form (NFC). A keyboard set to combining accents
    or a Mac writes ổ as o and two combining marks: the same code to a reader, and so the
    same code here, never a second unit beside the first (the importer's `clean_text`
    does the same)."""
    text = (text or "").strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def save_checked(save, check):
    """`save()` in a savepoint, for a record with a unique key (a code, a national ID).

    The service's `check()` ran before and found the key free, but it cannot see a row
    that another request is writing at the same moment: the database then refuses the
    key. `check()` runs again and now refuses it as it would have a moment later (a
    ValidationError naming the field: 409 on the API, the field's error on the page),
    never a server error. Anything else the database refuses stays what it is."""
    try:
        with transaction.atomic():
            return save()
    except IntegrityError:
        check()
        raise


def field_errors(instance, fields):
    """{field: [messages]} for the named fields that break their model field's limits
    (length, choices, blank, validators), as `Model.clean_fields` finds them."""
    others = [f.name for f in instance._meta.fields if f.name not in fields]
    try:
        instance.clean_fields(exclude=others)
    except ValidationError as exc:
        return exc.error_dict
    return {}
