"""Excel workbooks, the export's options and the funnel read in the user's language."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.exchange.forms import ExportForm
from grassroots.reports.documents import COLUMN_LABELS, FUNNEL_LABELS
from grassroots.reports.selectors import ACHIEVEMENT_COLUMNS, FUNNEL_COLUMNS
from grassroots.transfers.models import Transfer


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "sheet", "headers"),
    [
        ("de", "Bericht", ["Code", "Einheit", "Zielvorgabe", "Aufgenommen"]),
        ("vi", "Báo cáo", ["Mã", "Đơn vị", "Chỉ tiêu", "Đã kết nạp"]),
    ],
)
def test_achievement_workbook_is_in_the_language(client_for, language, sheet, headers):
    client = client_for("org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(
        reverse("reports:achievement_xlsx"),
        {"unit": "W1", "from": "2024-01-01", "to": "2024-12-31"},
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [sheet]
    values = {v for row in book.active.iter_rows(values_only=True) for v in row if v}
    assert set(headers) <= values
    assert not set(ACHIEVEMENT_COLUMNS) & values  # no raw column key


def test_every_column_and_stage_has_a_label():
    assert set(COLUMN_LABELS) >= set(ACHIEVEMENT_COLUMNS)
    # The funnel's stages, and the columns of the destination types it may add.
    assert set(FUNNEL_LABELS) == set(FUNNEL_COLUMNS) | set(Transfer.DestinationType.values)


def test_export_options_name_the_tables_in_the_language():
    from django.utils import translation

    with translation.override("vi"):
        labels = [str(label) for _name, label in ExportForm().fields["only"].choices]
    assert labels[0] == "Đơn vị (units)"
    assert "Nguồn phát triển đảng viên (sources)" in labels


def test_the_server_error_page_is_in_the_language(rf):
    from django.utils import translation

    from grassroots.core.errors import server_error

    with translation.override("de"):
        page = server_error(rf.get("/")).content.decode()
    assert 'lang="de"' in page and "Something went wrong" not in page
