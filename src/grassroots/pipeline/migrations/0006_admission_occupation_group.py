"""The admission keeps the person's occupation group (as people 0005 made it); the
report roll-ups' occupation breakdown follows (free-text values become `other`)."""

from collections import Counter

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
    # The roll-ups count the admissions' occupations below each unit: a count under a free
    # text moves to `other` (or to the code it spelled differently).
    SubtreeTally = apps.get_model("reports", "SubtreeTally")
    stale = SubtreeTally.objects.filter(dimension="occupation").exclude(value="").exclude(
        value__in=codes
    )
    moved = Counter()
    for unit_id, month, value, n in stale.values_list("unit_id", "month", "value", "n"):
        code = value.strip().lower()
        moved[(unit_id, month, code if code in codes else "other")] += n
    stale.delete()
    for (unit_id, month, code), n in moved.items():
        row, _created = SubtreeTally.objects.get_or_create(
            unit_id=unit_id, month=month, dimension="occupation", value=code, defaults={"n": 0}
        )
        row.n += n
        row.save(update_fields=["n"])


class Migration(migrations.Migration):

    dependencies = [
        ("pipeline", "0005_input_limits"),
        ("people", "0005_occupation_groups"),
        ("reports", "0003_subtree_dimensions_as_it_was"),
    ]

    operations = [
        migrations.RunPython(keep_group, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="admission",
            name="occupation",
            field=models.CharField(blank=True, max_length=30, verbose_name="occupation when admitted"),
        ),
    ]
