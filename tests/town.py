"""The small town every test starts from: a few units, named users and people.

    TOWN  Town committee (committee), cluster "Gò Nổi"
    ├── W1    Ward 1 committee (committee)
    │   ├── W1C1   Residential area 1 cell (cell)
    │   │   └── W1C1G1  Group 1 (group)
    │   └── W1C2   Residential area 2 cell (cell)
    ├── W2    Ward 2 committee (committee)
    │   └── W2C1   Ward 2 cell (cell)
    └── HS    High school cell (cell), sector "Education"

Users (password "demo"): admin (administrator of TOWN), org (organisation committee of
TOWN), secretary (secretary of HS), w1_clerk (clerk of W1), w1_viewer (viewer of W1),
outsider (secretary of W2).
"""

import datetime as dt
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from grassroots.accounts.models import Role, RoleAssignment
from grassroots.history.services import Trace
from grassroots.org import services as org_services
from grassroots.org.models import Unit
from grassroots.people import services as people_services
from grassroots.people.models import Person

UNIT_CODES = ["TOWN", "W1", "W1C1", "W1C1G1", "W1C2", "W2", "W2C1", "HS"]
USERS = {
    "admin": ("TOWN", Role.ADMINISTRATOR),
    "org": ("TOWN", Role.ORGANISATION_COMMITTEE),
    "secretary": ("HS", Role.SECRETARY),
    "w1_clerk": ("W1", Role.CLERK),
    "w1_viewer": ("W1", Role.VIEWER),
    "outsider": ("W2", Role.SECRETARY),
}
PEOPLE = [
    # national_id, full_name, gender, birth_date, education, unit
    ("001090000001", "Đặng Hữu Tú", "male", dt.date(1975, 4, 2), "university", "W1"),
    ("001090000002", "Nguyễn Thị Lan", "female", dt.date(2006, 9, 1), "upper_secondary", "HS"),
    ("001090000003", "Lê Văn Dũng", "male", dt.date(1980, 1, 15), "master", "HS"),
    ("001090000004", "Trần Thị Bích", "female", dt.date(1990, 6, 30), "college", "W1C1"),
    ("001090000005", "Phạm Văn An", "male", dt.date(1988, 3, 3), "vocational", "W2C1"),
    ("001090000006", "Võ Thị Hoa", "female", dt.date(2000, 12, 12), "university", "W2"),
]


def build_town():
    trace = Trace.system("test town")
    cluster = org_services.cluster_get_or_create(trace=trace, name="Gò Nổi")
    sector = org_services.sector_get_or_create(trace=trace, name="Education")
    town = org_services.unit_create(
        trace=trace, code="TOWN", name="Town committee", kind="committee", cluster=cluster
    )
    w1 = org_services.unit_create(
        trace=trace, parent=town, code="W1", name="Ward 1", kind="committee"
    )
    w1c1 = org_services.unit_create(
        trace=trace, parent=w1, code="W1C1", name="Residential area 1", kind="cell"
    )
    org_services.unit_create(trace=trace, parent=w1c1, code="W1C1G1", name="Group 1", kind="group")
    org_services.unit_create(
        trace=trace, parent=w1, code="W1C2", name="Residential area 2", kind="cell"
    )
    w2 = org_services.unit_create(
        trace=trace, parent=town, code="W2", name="Ward 2", kind="committee"
    )
    org_services.unit_create(trace=trace, parent=w2, code="W2C1", name="Ward 2 cell", kind="cell")
    org_services.unit_create(
        trace=trace, parent=town, code="HS", name="High school cell", kind="cell", sector=sector
    )
    units = {u.code: u for u in Unit.objects.all()}
    User = get_user_model()
    for username, (code, role) in USERS.items():
        user = User.objects.create_user(username=username, password="demo")
        RoleAssignment.objects.create(user=user, unit=units[code], role=role)
    for national_id, name, gender, birth, education, code in PEOPLE:
        people_services.person_create(
            trace=trace,
            national_id=national_id,
            full_name=name,
            gender=gender,
            birth_date=birth,
            education=education,
            unit=units[code],
        )


def load_town():
    """The town as a namespace: town.units['HS'], town.users['secretary'], town.people[...]"""
    if not Unit.objects.filter(code="TOWN").exists():
        build_town()
    User = get_user_model()
    units = {u.code: u for u in Unit.objects.all()}
    users = {u.username: u for u in User.objects.filter(username__in=USERS)}
    people = {p.national_id: p for p in Person.objects.all()}
    return SimpleNamespace(
        units=units,
        users=users,
        people=people,
        unit=units.__getitem__,
        user=users.__getitem__,
        trace=Trace.system("test"),
    )
