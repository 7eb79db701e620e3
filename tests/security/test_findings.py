"""Issue 15's findings for items 4 to 6, each reproduced as the probe found it.

Every test here failed against the code before the fix (checked once by running this file
on the old tree) and passes after it. They use the app only from outside (HTTP, the
settings, the Access rows' actor) so that they run unchanged on both versions; the files
beside this one test each fix in depth.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from grassroots.history.models import Access
from grassroots.pipeline.models import Admission
from tests.api.conftest import ApiClient, bearer_for
from tests.pipeline.walk import open_dossier
from tests.transfers.helpers import issue, make_member

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
BICH = "001090000004"


def _reads_by(user):
    return Access.objects.filter(actor=user).count()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("people:edit", [BICH]),
        ("people:history", [BICH]),
        ("pipeline:sources", []),
        ("pipeline:dossier", None),
        ("transfers:list", []),
        ("history:list", []),
    ],
)
def test_unlogged_reads_of_pages(client_for, town, name, args):
    """Finding: person edit and history pages, the sources list, dossier detail, the
    transfers and the history page showed national IDs without an access record."""
    dossier = open_dossier(town)
    make_member(town, "001090000003", "HS")
    issue(town, "001090000003", to_unit=town.unit("W1C1"))
    client = client_for("org")
    before = _reads_by(town.user("org"))
    response = client.get(reverse(name, args=args if args is not None else [dossier.pk]))
    assert response.status_code == 200
    assert _reads_by(town.user("org")) > before, f"{name} wrote no access record"


@pytest.mark.parametrize("path", ["/api/v1/sources", "/api/v1/admissions", "/api/v1/transfers"])
def test_unlogged_reads_of_api_lists(town, path):
    """Finding: the sources, admissions and transfers API lists were not logged."""
    open_dossier(town)
    Admission.objects.create(
        person=town.people[BICH], unit=town.unit("W1C1"), decision_date="2024-12-02"
    )
    make_member(town, "001090000003", "HS")
    issue(town, "001090000003", to_unit=town.unit("W1C1"))
    _token, plaintext = bearer_for(town.user("org"))
    before = _reads_by(town.user("org"))
    assert ApiClient(plaintext).get(path).status_code == 200
    assert _reads_by(town.user("org")) > before


def test_the_secretarys_list_reads_are_filed_where_their_committee_sees_them(client_for):
    """Finding: the secretary's list reads were filed where their own committee (the
    organisation committee above) could not see them."""
    client_for("secretary").get(reverse("people:list"))
    response = client_for("org").get(reverse("history:accesses"))
    assert response.status_code == 200
    assert "People list" in response.content.decode()


def test_thirty_wrong_passwords_and_the_right_one_straight_after(town):
    """Finding: thirty wrong passwords in a row for org, no delay, no lock; the right
    one worked straight after."""
    client = Client(REMOTE_ADDR="10.9.0.1")
    for _ in range(30):
        client.post(reverse("login"), {"username": "org", "password": "guess"})
    client.post(reverse("login"), {"username": "org", "password": "demo"})
    assert "_auth_user_id" not in client.session


def test_sec2sec2_for_user_sec2_is_refused():
    """Finding: only the length and common-password validators were on."""
    with pytest.raises(ValidationError):
        validate_password("sec2sec2", get_user_model()(username="sec2"))


def test_there_is_a_content_security_policy(client):
    """Finding: no Content-Security-Policy."""
    policy = client.get(reverse("login")).get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_no_public_default_secret_key(tmp_path):
    """Finding: SECRET_KEY fell back silently to a public default, even with DEBUG off."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "grassroots.settings",
        "DATA_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.strip() not in {"", "insecure-development-key-change-me-in-production"}
    production = {**env, "ALLOWED_HOSTS": "grassroots.example.org", "DEBUG": "0"}
    run = subprocess.run([sys.executable, "-c", code], env=production, capture_output=True)
    assert run.returncode != 0


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("people:export", {}),
        ("reports:achievement_xlsx", {"unit": "TOWN"}),
    ],
)
def test_exports_other_than_the_subject_export_are_not_cached(client_for, name, query):
    """Finding: exports other than the subject export could be cached. (The data exchange
    export now runs in the background: its download, tasks:download, is checked with
    every other answer in test_headers.py.)"""
    response = client_for("org").get(reverse(name), query)
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize("name", ["transfers:list", "deadlines:worklist"])
def test_list_routes_refuse_post(client_for, name):
    """Finding: some list routes accepted POST."""
    assert client_for("org").post(reverse(name), {}).status_code == 405


def test_a_report_for_the_year_9999(client_for):
    """Finding: a report for the year 9999 gave a server error (year 10000 is out of range)."""
    response = client_for("org").get(
        reverse("reports:achievement"), {"from": "9999-01-01", "to": "9999-12-31"}
    )
    assert response.status_code == 400
    assert "Reports cover the years 1900 to" in response.content.decode()
