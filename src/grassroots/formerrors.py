"""Carry a service's ValidationError back to the form, each message on its field."""

from django.core.exceptions import NON_FIELD_ERRORS


def add_service_errors(form, exc):
    """Put every message of `exc` on the form field it names (or on the form itself)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                for message in error.messages:
                    if target is None and field != NON_FIELD_ERRORS:
                        message = f"{field}: {message}"
                    form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
