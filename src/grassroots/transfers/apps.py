from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "grassroots.transfers"
    label = "transfers"
