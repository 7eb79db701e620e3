from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "grassroots.exchange"
    label = "exchange"

    def ready(self):
        from . import tasks

        tasks.register()
