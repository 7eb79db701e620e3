from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "grassroots.exchange"
    label = "exchange"
