import datetime as dt

from tests.urlcheck import Route


def _target(town):
    from grassroots.plans.models import Target

    target, _ = Target.objects.get_or_create(
        unit=town.unit("W1C1"),
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        defaults={"minimum": 4},
    )
    return {"pk": target.pk}


def _w1_target(town):
    from grassroots.plans.models import Target

    target, _ = Target.objects.get_or_create(
        unit=town.unit("W1"),
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        defaults={"minimum": 4},
    )
    return {"pk": target.pk}


def _finding(town):
    from grassroots.plans.models import Finding

    finding = Finding.objects.create(
        unit=town.unit("W1C1"),
        by_unit=town.unit("W1"),
        date=dt.date(2024, 5, 2),
        kind="shortcoming",
        findings="Sources list not reviewed since January.",
        follow_up_due=dt.date(2024, 7, 1),
    )
    return {"pk": finding.pk}


def unit(code):
    return lambda town: {"unit": code}


ROUTES = [
    Route("plans:targets_export"),
    Route("plans:targets_export_xlsx"),
    Route("plans:findings_export"),
    Route("plans:findings_export_xlsx"),
    Route("plans:targets", data=unit("W1"), record_unit="W1"),
    Route("plans:target_new", data=unit("W1C1"), record_unit="W1C1", weak_user="w1_clerk"),
    Route("plans:target_edit", kwargs=_target, record_unit="W1C1", weak_user="w1_clerk"),
    Route("plans:target_allocate", kwargs=_w1_target, record_unit="W1", weak_user="w1_viewer"),
    Route("plans:findings", data=unit("W1"), record_unit="W1"),
    Route("plans:at_risk", data=unit("W1"), record_unit="W1"),
    Route("plans:finding_new", data=unit("W1C1"), record_unit="W1C1", weak_user="w1_viewer"),
    Route("plans:finding_close", kwargs=_finding, record_unit="W1C1", weak_user="w1_clerk"),
]
