from django.db import migrations


def copy_forward(apps, schema_editor):
    old = apps.get_model("deadlines", "CalendarDay")
    new = apps.get_model("workdays", "CalendarDay")
    new.objects.bulk_create(
        new(day=row.day, is_working_day=row.is_working_day, note=row.note)
        for row in old.objects.all()
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("deadlines", "CalendarDay")
    new = apps.get_model("workdays", "CalendarDay")
    old.objects.bulk_create(
        old(day=row.day, is_working_day=row.is_working_day, note=row.note)
        for row in new.objects.all()
    )


class Migration(migrations.Migration):
    """The calendar marks belong to the bottom-level `workdays` app now: copy the rows
    there, then drop this app's table (reversible)."""

    dependencies = [
        ("deadlines", "0001_initial"),
        ("workdays", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.DeleteModel(name="CalendarDay"),
    ]
