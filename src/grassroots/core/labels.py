"""`get_FOO_display` without translating every choice on every call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on
each call, which hashes every choice's lazy label, that is translates each of them: a
list of 50 rows showing a field of 10 choices translates 500 labels for 50 shown
(profiled: a fifth of the sources list). `install()` puts in its place, on our models'
fields with fixed choices, a function that looks the value up in a dict built once per
field (labels left lazy) and translates only the label shown. The answer is the same:
the label in the active language, or the value itself when it is not a choice.
"""

from functools import partialmethod

from django.apps import apps
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(field):
    labels = {}

    def display(self):
        if not labels:
            labels.update((make_hashable(v), label) for v, label in field.flatchoices)
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    display.__name__ = f"get_{field.name}_display"
    return display


def install():
    for model in apps.get_models():
        if not model.__module__.startswith("grassroots."):
            continue
        for field in model._meta.get_fields():
            choices = getattr(field, "choices", None)
            if not choices or isinstance(choices, CallableChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            # Only Django's own (a model that writes its own keeps it).
            if isinstance(model.__dict__.get(name), partialmethod):
                setattr(model, name, _display(field))
