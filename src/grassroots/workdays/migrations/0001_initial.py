from django.db import migrations, models


class Migration(migrations.Migration):
    """The administrators' calendar marks, moved here from the deadlines app (whose
    migration 0002 copies the rows and drops its table)."""

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True, verbose_name="day")),
                ("is_working_day", models.BooleanField(verbose_name="working day")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
            ],
            options={
                "verbose_name": "calendar day",
                "verbose_name_plural": "calendar days",
                "ordering": ["day"],
            },
        ),
    ]
