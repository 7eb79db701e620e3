from django.apps import AppConfig

from grassroots import downloads


class ExchangeConfig(AppConfig):
    name = "grassroots.exchange"
    label = "exchange"

    def ready(self):
        from . import tasks

        tasks.register()
        downloads.register("grassroots.exchange.downloads.table_response")
