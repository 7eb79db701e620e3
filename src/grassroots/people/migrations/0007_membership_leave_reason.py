"""Why a membership ended by leaving: a code of the rule set's reasons (pipeline/rules.py).

SQLite adds the column by making the table anew, which drops the table's triggers: the
unit counters' triggers are set aside first and installed again after (as in 0005, 0006).
"""

from django.db import migrations, models

from grassroots.org import tally


class Migration(migrations.Migration):
    dependencies = [("people", "0006_fewer_person_indexes")]

    operations = [
        migrations.RunPython(tally.remove_triggers, tally.install_triggers),
        migrations.AddField(
            model_name="membership",
            name="leave_reason",
            field=models.CharField(blank=True, max_length=40, verbose_name="reason for leaving"),
        ),
        migrations.RunPython(tally.install_triggers, tally.remove_triggers),
    ]
