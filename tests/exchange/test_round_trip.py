"""Export, empty the database, import: the same data comes back."""

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from grassroots.exchange import exporter
from grassroots.exchange.format import FILES
from grassroots.org.models import Unit
from grassroots.people.models import Membership

from .helpers import STORY, imported, write


def _everything():
    data = {name: list(exporter.rows(name)) for name in FILES}
    data["memberships"] = sorted(
        Membership.objects.values_list(
            "person__national_id",
            "unit__code",
            "status",
            "admitted_on",
            "ceremony_date",
            "probation_ends_on",
            "official_since",
            "ended_on",
            "readmission",
        )
    )
    data["groupings"] = sorted(
        Unit.objects.values_list("code", "effective_cluster__name", "effective_sector__name")
    )
    return data


def _empty_database():
    """Delete every row of the project's tables (protected ones after what protects them)."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in {"contenttypes", "sessions", "auth"} and m._meta.managed
    ]
    for _ in range(10):
        left = False
        for model in models:
            if not model.objects.exists():
                continue
            try:
                with transaction.atomic():
                    model.objects.all().delete()
            except (ProtectedError, RestrictedError, IntegrityError):
                left = True
        if not left:
            return
    raise AssertionError("could not empty the database")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database(town, tmp_path, fmt):
    imported(write(tmp_path / "story", **STORY))
    before = _everything()
    if fmt == "csv":
        target = tmp_path / "export"
        exporter.write_csv_folder(target)
    else:
        target = tmp_path / "export.xlsx"
        exporter.write_xlsx(target)
    _empty_database()
    assert not Unit.objects.exists()
    imported(target)
    assert _everything() == before
    assert Unit.find_problems() == ([], [], [], [], [])


def test_export_of_a_unit_keeps_its_subtree(town, tmp_path):
    imported(write(tmp_path / "story", **STORY))
    exporter.write_csv_folder(tmp_path / "hs", unit=Unit.objects.get(code="HS"))
    units = (tmp_path / "hs" / "units.csv").read_text().splitlines()
    assert units[1:] == ["HS,High school cell,cell,TOWN,,Education"]
    people = (tmp_path / "hs" / "people.csv").read_text()
    assert "001090000002" in people and "079100000001" in people
    assert "001090000001" not in people  # lives in W1, no record in HS
    assert "079100000002" not in people


def test_only_some_tables(town, tmp_path):
    counts = exporter.write_csv_folder(tmp_path / "x", only=["people", "units"])
    assert list(counts) == ["units", "people"]
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["people.csv", "units.csv"]
