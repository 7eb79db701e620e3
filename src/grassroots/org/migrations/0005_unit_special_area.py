"""Units marked as mountain, border, island or ethnic-minority areas (where the charter
allows exceptions to the education minimum).

SQLite adds the column by rebuilding org_unit, which the unit-tally triggers (0003) refer
to: they are taken off for the rebuild and put back after it.
"""

from django.db import migrations, models

from grassroots.org import tally


def remove_triggers(apps, schema_editor):
    for sql in tally.remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in tally.remove_sql(vendor) + tally.install_sql(vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0004_unit_depth_index'),
    ]

    operations = [
        migrations.RunPython(remove_triggers, install_triggers),
        migrations.AddField(
            model_name='unit',
            name='special_area',
            field=models.CharField(blank=True, choices=[('mountain', 'mountain area'), ('border', 'border area'), ('island', 'island'), ('ethnic_minority', 'ethnic-minority area')], max_length=20, verbose_name='special area'),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
