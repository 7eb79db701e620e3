"""The admission keeps the person's occupation group (as people 0005 made it)."""

from django.db import migrations, models


def keep_group(apps, schema_editor):
    """Admissions recorded with a free-text occupation: the group `other` (people 0005
    keeps the text as the person's job title); a group's code stays."""
    Admission = apps.get_model("pipeline", "Admission")
    Person = apps.get_model("people", "Person")
    codes = {value for value, _label in Person._meta.get_field("occupation").choices}
    for text in Admission.objects.exclude(occupation="").values_list("occupation", flat=True).distinct():
        value = text.strip().lower()
        Admission.objects.filter(occupation=text).update(
            occupation=value if value in codes else "other"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("pipeline", "0005_input_limits"),
        ("people", "0005_occupation_groups"),
    ]

    operations = [
        migrations.RunPython(keep_group, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="admission",
            name="occupation",
            field=models.CharField(blank=True, max_length=30, verbose_name="occupation when admitted"),
        ),
    ]
