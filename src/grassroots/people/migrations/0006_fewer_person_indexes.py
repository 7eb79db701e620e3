"""Four indexes fewer on people_person: writes (an import of many people above all) and disk.

`search_text` had a B-tree and, on PostgreSQL, a `varchar_pattern_ops` copy; search is
`contains`, which neither serves (the trigram index of 0002 does). `sort_key` had the same
pair; every list orders by (sort_key, national_id), which the covering index of 0002 serves
on PostgreSQL. SQLite gets a plain index in that order instead of the one on sort_key alone.

SQLite alters a column by making the table anew, which drops the table's triggers: the
unit counters' triggers are set aside first and installed again after (as in 0005).
"""

from django.db import migrations, models

from grassroots.org import tally

ROSTER_INDEX_SQLITE = "people_person_roster_order"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {ROSTER_INDEX_SQLITE} "
            "ON people_person (sort_key, national_id)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {ROSTER_INDEX_SQLITE}")


class Migration(migrations.Migration):
    dependencies = [("people", "0005_occupation_groups")]

    operations = [
        migrations.RunPython(tally.remove_triggers, tally.install_triggers),
        migrations.AlterField(
            model_name="person",
            name="search_text",
            field=models.CharField(editable=False, max_length=240),
        ),
        migrations.AlterField(
            model_name="person",
            name="sort_key",
            field=models.CharField(editable=False, max_length=400),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(tally.install_triggers, tally.remove_triggers),
    ]
