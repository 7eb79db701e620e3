from django.db import migrations, models


def create_counter(apps, schema_editor):
    Generation = apps.get_model("history", "Generation")
    Generation.objects.using(schema_editor.connection.alias).get_or_create(pk=1)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS history_generation")


def drop_counter(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS history_generation")


class Migration(migrations.Migration):
    dependencies = [("history", "0003_change_scoped_by_record")]

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"db_table": "history_generation_row"},
        ),
        migrations.RunPython(create_counter, drop_counter),
    ]
