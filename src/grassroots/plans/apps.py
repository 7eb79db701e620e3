import datetime as dt

from django.apps import AppConfig

from grassroots.history import subjects


class PlansConfig(AppConfig):
    name = "grassroots.plans"
    label = "plans"

    def ready(self):
        subjects.register("plans.target", unit="unit")
        subjects.register("plans.finding", unit="unit")
        from grassroots.tasks import schedule

        schedule.daily(
            "plans.forecasts", at=dt.time(2, 0), run="grassroots.plans.services.record_forecasts"
        )
