"""'Everything below unit X' as one indexed query.

Unit.path is a treebeard materialized path, so a subtree is a prefix. On PostgreSQL,
Django gives the unique path column a second `varchar_pattern_ops` index (`*_like`), which
serves `LIKE 'prefix%'` whatever the database collation. SQLite's LIKE is case-insensitive
and cannot use the index, so there the prefix becomes a binary range, which can.
"""

from django.db import connection
from django.db.models import Q

# Treebeard's alphabet is 0-9A-Z; '~' sorts after all of it in binary order.
_AFTER_ALPHABET = "~"


def under(prefix, field="path"):
    """Q for rows whose `field` (a unit path) lies at or below the unit with `prefix`."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _AFTER_ALPHABET})


def under_any(prefixes, field="path"):
    """Q for rows below any of the given paths; matches nothing for an empty list."""
    query = Q(pk__in=[])
    for prefix in _outermost(prefixes):
        query |= under(prefix, field)
    return query


def _outermost(prefixes):
    """Drop paths that lie below another path in the list."""
    kept = []
    for prefix in sorted(set(prefixes)):
        if not kept or not prefix.startswith(kept[-1]):
            kept.append(prefix)
    return kept
