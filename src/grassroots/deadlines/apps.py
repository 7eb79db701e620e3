import datetime as dt

from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "grassroots.deadlines"
    label = "deadlines"

    def ready(self):
        from grassroots.tasks import schedule

        # Every morning, the daily e-mail of what is due to those who asked for it.
        schedule.daily(
            "deadlines.digest",
            at=dt.time(6, 30),
            run="grassroots.deadlines.digest.send_daily_digests",
        )
