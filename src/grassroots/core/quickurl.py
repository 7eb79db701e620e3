"""`{% url %}` that remembers what it reversed.

Django's `reverse` takes about 60 µs (namespaces, candidate patterns, a regular expression,
quoting); a list page links each row, and the unit page reverses 130 times. The answer
depends only on the route, its arguments, the current application namespace, the URL
configuration, the script prefix and the language, so this tag keeps it per process
(bounded) under exactly those, for arguments that are plain text or numbers; anything
else, and a route that does not reverse, goes to `reverse` each time as before.

Installed as a template builtin after Django's (settings.TEMPLATES `builtins`), so every
`{% url %}` in every template is this one, with the same syntax and the same output.
"""

import functools

from django import template
from django.template import defaulttags
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()
PLAIN = (str, int)


@functools.lru_cache(maxsize=20_000)
def _reversed(view_name, args, kwargs, current_app, _urlconf, _prefix, _language):
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


class QuickURLNode(defaulttags.URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        plain = isinstance(view_name, str) and all(
            type(value) in PLAIN for value in (*args, *kwargs.values())
        )
        if not plain:
            return super().render(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        try:
            url = _reversed(
                view_name,
                args,
                tuple(sorted(kwargs.items())),
                current_app,
                get_urlconf(),
                get_script_prefix(),
                get_language(),
            )
        except Exception:
            # NoReverseMatch and the like: Django's own tag, as before (it raises, or
            # sets "" with `as`).
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    node.__class__ = QuickURLNode
    return node
