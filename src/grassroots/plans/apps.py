from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "grassroots.plans"
    label = "plans"
