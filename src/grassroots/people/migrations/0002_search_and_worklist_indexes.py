"""Indexes for national-scale pages.

- PostgreSQL only: a pg_trgm GIN index on people_person.search_text, so that
  `search_text LIKE '%word%'` (Django's `contains`) uses an index when the word has three
  characters or more. SQLite has no trigram index; its databases are small.
- PostgreSQL only: a covering index in roster order (sort_key, national_id) that includes
  search_text and unit_id, so the keys of one page of a name search are read by an
  index-only scan that filters the names without touching the table.
- Both: people_membership (status, probation_ends_on), for the work list's confirmations
  (probationary members whose probation ends within the horizon).

Written as SQL guarded by the database vendor because django.contrib.postgres indexes
cannot be created on SQLite.
"""

from django.db import migrations

TRGM_INDEX = "people_person_search_trgm"
ROSTER_INDEX = "people_person_roster_cover"
PROBATION_INDEX = "people_memb_status_probation_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} "
            "ON people_person USING gin (search_text gin_trgm_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {ROSTER_INDEX} ON people_person "
            "(sort_key, national_id) INCLUDE (search_text, unit_id)"
        )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {PROBATION_INDEX} "
        "ON people_membership (status, probation_ends_on)"
    )


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {PROBATION_INDEX}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {ROSTER_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
