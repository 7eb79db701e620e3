from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "grassroots.org"
    label = "org"
