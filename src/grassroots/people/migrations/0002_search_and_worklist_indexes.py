"""Indexes for national-scale pages.

- PostgreSQL only: a pg_trgm GIN index on people_person.search_text, so that
  `search_text LIKE '%word%'` (Django's `contains`) uses an index when the word has three
  characters or more. SQLite has no trigram index; its databases are small.
- Both: people_membership (status, probation_ends_on), for the work list's confirmations
  (probationary members whose probation ends within the horizon).

Written as SQL guarded by the database vendor because django.contrib.postgres indexes
cannot be created on SQLite.
"""

from django.db import migrations

TRGM_INDEX = "people_person_search_trgm"
PROBATION_INDEX = "people_memb_status_probation_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} "
            "ON people_person USING gin (search_text gin_trgm_ops)"
        )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {PROBATION_INDEX} "
        "ON people_membership (status, probation_ends_on)"
    )


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {PROBATION_INDEX}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
