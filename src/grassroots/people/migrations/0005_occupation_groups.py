"""Occupation becomes the statistical form's group; the former free text is the job title.

SQLite changes the columns by rebuilding people_person, which the unit-tally triggers
(org 0003) refer to: they are taken off for the rebuild and put back after it.
"""

import grassroots.inputs
from django.db import migrations, models

from grassroots.org import tally

CODES = {
    "state_official",
    "party_mass_org_official",
    "commune_official",
    "public_employee",
    "non_public_employee",
    "business_owner",
    "enterprise_manager",
    "worker",
    "farmer",
    "armed_forces",
    "university_student",
    "pupil",
    "other",
}


def text_to_job_title(apps, schema_editor):
    """A free-text occupation is kept as the job title, the group set to `other`; a value
    that already is a group's code stays."""
    Person = apps.get_model("people", "Person")
    for text in Person.objects.exclude(occupation="").values_list("occupation", flat=True).distinct():
        if text.strip().lower() in CODES:
            Person.objects.filter(occupation=text).update(occupation=text.strip().lower())
        else:
            Person.objects.filter(occupation=text).update(job_title=text, occupation="other")


def job_title_to_text(apps, schema_editor):
    """Back: the job title (or the group's code) is the free-text occupation again."""
    Person = apps.get_model("people", "Person")
    Person.objects.exclude(job_title="").update(occupation=models.F("job_title"))


def remove_triggers(apps, schema_editor):
    for sql in tally.remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in tally.remove_sql(vendor) + tally.install_sql(vendor):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_input_limits"),
        ("org", "0007_input_limits"),
    ]

    operations = [
        migrations.RunPython(remove_triggers, install_triggers),
        migrations.AddField(
            model_name="person",
            name="job_title",
            field=models.CharField(
                blank=True,
                max_length=120,
                validators=[grassroots.inputs.TextValidator(multiline=False)],
                verbose_name="job title",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="youth_union",
            field=models.BooleanField(
                default=False,
                help_text="A member of the Youth Union.",
                verbose_name="Youth Union member",
            ),
        ),
        migrations.RunPython(text_to_job_title, job_title_to_text),
        migrations.AlterField(
            model_name="person",
            name="occupation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("state_official", "civil servant of the state"),
                    ("party_mass_org_official", "official of the party, the Front or a mass organisation"),
                    ("commune_official", "commune official"),
                    ("public_employee", "public employee"),
                    ("non_public_employee", "employee outside the public sector"),
                    ("business_owner", "owner of a private enterprise"),
                    ("enterprise_manager", "enterprise manager"),
                    ("worker", "staff and workers of enterprises"),
                    ("farmer", "farmer, forester, fisher"),
                    ("armed_forces", "armed forces"),
                    ("university_student", "university student"),
                    ("pupil", "pupil"),
                    ("other", "other"),
                ],
                help_text="The group of the statistical form; empty: unknown.",
                max_length=30,
                verbose_name="occupation",
            ),
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
