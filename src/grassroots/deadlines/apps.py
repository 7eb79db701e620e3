import datetime as dt

from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "grassroots.deadlines"
    label = "deadlines"

    def ready(self):
        from grassroots.tasks import schedule

        from .digest import send_daily_digests

        # Every morning, the daily e-mail of what is due to those who asked for it.
        schedule.daily("deadlines.digest", at=dt.time(6, 30), run=send_daily_digests)
