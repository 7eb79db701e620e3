"""The demo town lives through the 2025 reform.

On 1 July 2025 Vietnam abolished the district level and merged provinces and communes:
the town committee of Điện Bàn ceased to exist and its twenty wards and communes became
five wards and two communes of the new Đà Nẵng city (the province of Quảng Nam merged into
it). The demo records that day as restructuring events, through the same services as the
pages and `grassroots restructure` (org.restructure), so that its reports show both sides:
the former town's figures by its code (as it was), and each new ward's restated figures
for the years before it existed.

Illustrative: the names of the new units follow the 2025 arrangement for Điện Bàn, but
which former commune went into which new unit, and where the town's own cells went, is
the demo's choice (the resolution's annex was not at hand); the demo says so on the
events (their reference).
"""

import datetime as dt

from grassroots.accounts import services as account_services
from grassroots.accounts.models import RoleAssignment
from grassroots.org import restructure
from grassroots.org import services as org_services
from grassroots.org.models import Unit
from grassroots.plans import services as plan_services

from . import story, structure

REFORM_DAY = dt.date(2025, 7, 1)
RESOLUTION = "Nghị quyết 1659/NQ-UBTVQH15 ngày 16/6/2025 (sắp xếp minh họa cho bản demo)"
CITY_CODE = "DN"
CITY_NAME = "Đảng bộ thành phố Đà Nẵng"

# (code, name, former wards and communes by suffix): the first one's kind, cluster and
# sector pass to the new unit.
NEW_LOCALITIES = [
    ("DN-DB", "Đảng bộ phường Điện Bàn", ["VD", "DA", "DM", "DP"]),
    ("DN-DBD", "Đảng bộ phường Điện Bàn Đông", ["DNT", "DND", "DD"]),
    ("DN-AT", "Đảng bộ phường An Thắng", ["DTB", "DTT", "DTN"]),
    ("DN-DBB", "Đảng bộ phường Điện Bàn Bắc", ["DNG", "DNB", "DH"]),
    ("DN-DBT", "Đảng bộ xã Điện Bàn Tây", ["DHO", "DTH", "DTI", "DPC"]),
    ("DN-GN", "Đảng bộ xã Gò Nổi", ["DQ", "DTR", "DPH"]),
]
# The town's own cells, each under the new unit where it lies.
TOWN_CELLS_TO = {
    story.PPT_CODE: "DN-GN",
    "DB-NDH": "DN-DB",
    "DB-HD": "DN-AT",
    "DB-NT": "DN-DBB",
    "DB-LTV": "DN-DBT",
    "DB-TTGDNN": "DN-DB",
    "DB-TTYT": "DN-DB",
    "DB-PKAP": "DN-DBD",
    "DB-QS": "DN-DB",
    "DB-CA": "DN-DB",
    "DB-DTVT": "DN-DBD",
    "DB-PANKO": "DN-DBB",
    "DB-GACH": "DN-DB",
}
# The offices of the former town committee and council merge into one cell of the ward.
OFFICES = (["DB-VP", "DB-UBND"], "DN-DB-CQ", "Chi bộ Khối cơ quan phường Điện Bàn", "DN-DB")

# 2026 plans of the new units (minimum, stretch), set by the city on 20 January 2026.
TARGETS_2026 = {
    CITY_CODE: (190, 220),
    "DN-DB": (45, 52),
    "DN-DBD": (28, 33),
    "DN-AT": (26, 30),
    "DN-DBB": (30, 35),
    "DN-DBT": (24, 28),
    "DN-GN": (22, 26),
}


def apply(trace, log=lambda message: None):
    """Record the reform of 1 July 2025 (idempotent: nothing happens when it is there)."""
    if Unit.objects.filter(code=CITY_CODE).exists():
        return False
    city = org_services.unit_create(
        trace=trace, code=CITY_CODE, name=CITY_NAME, kind="committee", valid_from=REFORM_DAY
    )
    for code, name, suffixes in NEW_LOCALITIES:
        restructure.unit_merge(
            trace=trace,
            units=[_unit(structure.locality_code(s)) for s in suffixes],
            into=code,
            name=name,
            parent=city,
            day=REFORM_DAY,
            reference=RESOLUTION,
        )
    log(f"{len(NEW_LOCALITIES)} new wards and communes")
    for cell, to in TOWN_CELLS_TO.items():
        restructure.unit_move(
            trace=trace,
            unit=_unit(cell),
            new_parent=_unit(to),
            day=REFORM_DAY,
            reference=RESOLUTION,
        )
    offices, code, name, parent = OFFICES
    restructure.unit_merge(
        trace=trace,
        units=[_unit(c) for c in offices],
        into=code,
        name=name,
        parent=_unit(parent),
        day=REFORM_DAY,
        reference=RESOLUTION,
    )
    # Last, the town committee itself, with nothing left below it, into the city's.
    restructure.unit_merge(
        trace=trace,
        units=[_unit(story.TOWN_CODE)],
        into=CITY_CODE,
        day=REFORM_DAY,
        reference=RESOLUTION,
    )
    log("town committee merged into the city committee")
    _targets_2026(trace)
    return True


def reassign_town_accounts(trace, accounts):
    """The former town's officers receive their roles on the city committee: an explicit
    assignment (nobody keeps access to a successor without one), and the assignments the
    reform ended are marked as dealt with."""
    city = _unit(CITY_CODE)
    for user, role in accounts:
        account_services.role_grant(trace=trace, user=user, unit=city, role=role)
        for ended in RoleAssignment.objects.filter(
            user=user, ended_by_event__isnull=False, followed_up_on__isnull=True
        ):
            account_services.assignment_followed_up(trace=trace, assignment=ended)


def _targets_2026(trace):
    for code, (minimum, stretch) in TARGETS_2026.items():
        plan_services.target_set(
            trace=trace,
            unit=_unit(code),
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
            minimum=minimum,
            stretch=stretch,
            resolution_ref="Giao chỉ tiêu năm 2026",
            resolution_date=dt.date(2026, 1, 20),
        )


def _unit(code):
    return Unit.objects.get(code=code)
