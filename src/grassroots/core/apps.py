from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "grassroots.core"
    label = "core"
    verbose_name = "Grassroots"

    def ready(self):
        from . import labels

        labels.install()
