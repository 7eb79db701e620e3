"""`|grouped`: a count or a share written as the reader writes numbers.

Django localises the decimal mark of the numbers a template shows (45,5 in Vietnamese and
German) but groups thousands only with USE_THOUSAND_SEPARATOR, which would also group the
years and the codes that templates show as numbers. The report tables therefore group
their figures explicitly: 2.408 in Vietnamese and German, 2,408 in English. Not a number
(None, a dash already put in its place, a label): given back as it came.

Installed as a template builtin (settings.TEMPLATES `builtins`).
"""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter(is_safe=True)
def grouped(value):
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return number_format(value, force_grouping=True)
