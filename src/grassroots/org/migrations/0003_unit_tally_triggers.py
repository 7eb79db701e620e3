"""Triggers that keep org.UnitTally, and the first fill of the counters.

The SQL lives in grassroots.org.tally (one copy for PostgreSQL, one for SQLite).
"""

from django.db import migrations

from grassroots.org import tally


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in tally.remove_sql(vendor) + tally.install_sql(vendor):
        schema_editor.execute(sql, params=None)
    for sql in tally.rebuild_sql(vendor):
        schema_editor.execute(sql, params=None)


def remove(apps, schema_editor):
    for sql in tally.remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_unit_tally"),
        ("people", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, remove)]
