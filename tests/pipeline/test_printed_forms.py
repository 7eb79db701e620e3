"""The statutory forms, printed from a dossier walked through the services.

Each form's first page is rendered to an image and compared with its golden image in
tests/pipeline/golden/ (tolerant: the same machine kind draws the same fonts, but
anti-aliasing may differ by a shade). `GRASSROOTS_UPDATE_GOLDEN=1` writes new goldens;
look at them before committing.
"""

import datetime as dt
import io
import os
from pathlib import Path

import pypdfium2
import pytest
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from grassroots.history.models import Access
from grassroots.pipeline import printing, services

from .walk import STEP_DATES, admitted, open_dossier, record, step_data, trace_for

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
SCALE = 50 / 72  # 50 dots per inch: enough to see the layout, small in the repository
# Mean difference per channel (0–255) and share of pixels that differ noticeably.
MAX_MEAN = 2.0
MAX_CHANGED = 0.01


@pytest.fixture
def confirmed(town):
    dossier = admitted(town)
    services.confirmation_record(
        trace=trace_for(town, "org"),
        admission=dossier.admission,
        cell_vote_date=dt.date(2025, 11, 25),
        present=8,
        in_favour=7,
        against=1,
        decided_on=dt.date(2025, 12, 2),
        outcome="confirmed",
        decision_no="40-QĐ/TU",
    )
    return dossier


@pytest.fixture
def union_dossier(town):
    """Introduced by the Youth Union's executive and one member; appraised by a partial
    committee: the dossier of forms 4-KNĐ and 7-KNĐ."""
    dossier = open_dossier(town)
    for step in STEP_DATES:
        values = step_data(town, dossier, step)
        if step == "introduction":
            values = {
                "introduced_by": "youth_union",
                "introducer_1": values["introducer_1"],
                "introducer_1_form_date": values["introducer_1_form_date"],
                "executive_resolution_no": "7-NQ/ĐTN",
                "executive_resolution_date": "2024-09-30",
            }
        if step == "committee_resolution":
            values["partial_appraisal"] = "Hồ sơ đầy đủ, đúng quy định; đề nghị kết nạp."
        record(town, dossier, step, data=values)
        if step == "committee_resolution":
            break
    return dossier


def first_page(pdf):
    document = pypdfium2.PdfDocument(pdf)
    return document[0].render(scale=SCALE, grayscale=True).to_pil().convert("L")


def difference(image, golden):
    diff = ImageChops.difference(image, golden)
    changed = sum(diff.point(lambda v: 255 if v > 40 else 0).histogram()[255:]) / (
        image.width * image.height
    )
    return ImageStat.Stat(diff).mean[0], changed


def test_the_dossier_offers_every_form_of_its_steps(confirmed):
    codes = [form.code for form in printing.forms_for(confirmed)]
    assert codes == [
        "1-KNĐ",
        "2-KNĐ",
        "3-KNĐ",
        "5-KNĐ",
        "6-KNĐ",
        "8-KNĐ",
        "9-KNĐ",
        "10-KNĐ",
        "11-KNĐ",
        "13-KNĐ",
        "15-KNĐ",
        "16-KNĐ",
    ]


def test_the_forms_are_filled_from_the_dossier(confirmed):
    html, _forms = printing.render_html(confirmed, {"6-KNĐ", "3-KNĐ", "9-KNĐ"})
    assert "Trần Thị Bích" in html
    # The vote counts and the official members come from the register.
    assert 'Tổng số đảng viên chính thức của Chi bộ: <b class="v">9</b>' in html
    assert "66,7%" in html
    assert "Đảng viên W1C1 1" in html  # the first introducer, from the register
    assert "12-QĐ/TU" in html


@pytest.mark.parametrize("code", printing.form_codes())
def test_each_form_matches_its_golden_image(request, code):
    union = code in ("4-KNĐ", "7-KNĐ")
    dossier = request.getfixturevalue("union_dossier" if union else "confirmed")
    assert code in [form.code for form in printing.forms_for(dossier)]
    pdf, printed = printing.render_pdf(dossier, {code})
    assert [form.code for form in printed] == [code]
    assert pdf.startswith(b"%PDF")
    image = first_page(pdf)
    golden_path = GOLDEN / f"{code.replace('Đ', 'D')}.png"
    if os.environ.get("GRASSROOTS_UPDATE_GOLDEN") == "1" or not golden_path.exists():
        image.save(golden_path, optimize=True)
        if os.environ.get("GRASSROOTS_UPDATE_GOLDEN") != "1":
            pytest.fail(f"no golden image yet: wrote {golden_path}, look at it and commit it")
    golden = Image.open(golden_path).convert("L")
    assert image.size == golden.size
    mean, changed = difference(image, golden)
    assert mean <= MAX_MEAN and changed <= MAX_CHANGED, (code, mean, changed)


def test_the_whole_dossier_prints_as_one_pdf_from_the_page(client_for, confirmed):
    response = client_for("w1_viewer").get(reverse("pipeline:dossier_forms", args=[confirmed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert len(pypdfium2.PdfDocument(io.BytesIO(response.content))) >= 12
    assert Access.objects.filter(kind="export", what__contains="001090000004").exists()
    one = client_for("org").get(reverse("pipeline:dossier_form", args=[confirmed.pk, "6-KNĐ"]))
    assert one.status_code == 200
    assert (
        client_for("outsider")
        .get(reverse("pipeline:dossier_form", args=[confirmed.pk, "6-KNĐ"]))
        .status_code
        == 404
    )
