from django.apps import AppConfig

from grassroots.history import subjects
from grassroots.org import holdings
from grassroots.people import sections


class TransfersConfig(AppConfig):
    name = "grassroots.transfers"
    label = "transfers"

    def ready(self):
        sections.register("grassroots.transfers.sections.person_transfers")
        holdings.register_holding("grassroots.transfers.restructuring.IncomingTransfers")
        holdings.register_facts("grassroots.transfers.restructuring.TransferFacts")
        # A transfer is seen by the sending and by the receiving unit.
        subjects.register(
            "transfers.transfer",
            unit=("from_unit", "to_unit"),
            person="person",
            export="transfers",
        )
