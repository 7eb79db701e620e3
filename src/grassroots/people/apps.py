from django.apps import AppConfig

from grassroots.history import subjects
from grassroots.org import holdings
from grassroots.org import sections as unit_sections


class PeopleConfig(AppConfig):
    name = "grassroots.people"
    label = "people"

    def ready(self):
        unit_sections.register("grassroots.people.unit_sections.people_and_members")
        holdings.register_holding("grassroots.people.restructuring.People")
        holdings.register_holding("grassroots.people.restructuring.Members")
        holdings.register_directory("grassroots.people.restructuring.Directory")
        subjects.register("people.person", unit="unit")
        subjects.register("people.membership", unit="unit", person="person", export="memberships")
