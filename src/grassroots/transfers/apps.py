from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "grassroots.transfers"
    label = "transfers"

    def ready(self):
        from grassroots.people import sections

        from .sections import person_transfers

        sections.register(person_transfers)
