from django.apps import AppConfig

from grassroots.history import subjects


class PlansConfig(AppConfig):
    name = "grassroots.plans"
    label = "plans"

    def ready(self):
        subjects.register("plans.target", unit="unit")
        subjects.register("plans.finding", unit="unit")
