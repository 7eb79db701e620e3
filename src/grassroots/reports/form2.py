"""The statistical form on newly admitted members as the document sent upward: Excel and
PDF laid out like form 2 of guideline 11-HD/BTCTW.

The official form is a Vietnamese document: its headings and row names are the form's own
(below), whatever the language chosen; in another language each row also carries the
translated label of `statform.indicators`. Shared by the pages and `grassroots report`.
"""

import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots import sheets
from grassroots.dates import shown_day

from .exports import html_to_pdf
from .statform import year_earlier

FORM_NAME = "Biểu số 2"
GUIDELINE = "(Kèm theo Hướng dẫn số 11-HD/BTCTW)"
TITLE = "ĐẢNG VIÊN MỚI KẾT NẠP"
HEAD_NUMBER = "STT"
HEAD_INDICATOR = "Chỉ tiêu"
HEAD_THIS = "Kỳ này"
HEAD_LAST = "Cùng kỳ năm trước"
HEAD_CHANGE = "Tăng, giảm (%)"

# (section number, the form's heading, first indicator of the section, translated heading)
SECTIONS = (
    ("I", "Tổng số và thành phần", "total", gettext_lazy("Total and composition")),
    ("II", "Chia theo nghề nghiệp", "occupation.state_official", gettext_lazy("By occupation")),
    ("III", "Chia theo độ tuổi", "age.18_30", gettext_lazy("By age")),
    ("IV", "Chia theo trình độ học vấn", "education.none", gettext_lazy("By education")),
    ("V", "Chi bộ", "units_admitting", gettext_lazy("Cells")),
)

OFFICIAL = {
    "total": "Tổng số đảng viên mới kết nạp",
    "female": "Đảng viên nữ",
    "ethnic_minority": "Người dân tộc thiểu số",
    "religious": "Người có đạo (theo tôn giáo)",
    "youth_union": "Đoàn viên Đoàn TNCS Hồ Chí Minh",
    "readmitted": "Kết nạp lại",
    "occupation.state_official": "Cán bộ, công chức nhà nước",
    "occupation.party_mass_org_official": "Cán bộ, công chức Đảng, Mặt trận, đoàn thể",
    "occupation.commune_official": "Cán bộ, công chức xã, phường, thị trấn",
    "occupation.public_employee": "Viên chức đơn vị sự nghiệp công lập",
    "occupation.non_public_employee": "Người lao động đơn vị sự nghiệp ngoài công lập",
    "occupation.business_owner": "Chủ doanh nghiệp tư nhân",
    "occupation.enterprise_manager": "Người quản lý doanh nghiệp",
    "occupation.worker": "Nhân viên, công nhân trong các doanh nghiệp",
    "occupation.farmer": "Nông dân, lâm nghiệp, ngư nghiệp",
    "occupation.armed_forces": "Lực lượng vũ trang",
    "occupation.university_student": "Sinh viên",
    "occupation.pupil": "Học sinh",
    "occupation.other": "Khác",
    "age.18_30": "Từ 18 đến 30 tuổi",
    "age.31_35": "Từ 31 đến 35 tuổi",
    "age.36_40": "Từ 36 đến 40 tuổi",
    "age.41_45": "Từ 41 đến 45 tuổi",
    "age.46_50": "Từ 46 đến 50 tuổi",
    "age.51_55": "Từ 51 đến 55 tuổi",
    "age.56_60": "Từ 56 đến 60 tuổi",
    "age.over_60": "Trên 60 tuổi",
    "age.average": "Tuổi bình quân",
    "education.none": "Chưa qua đào tạo",
    "education.primary": "Tiểu học",
    "education.lower_secondary": "Trung học cơ sở",
    "education.upper_secondary": "Trung học phổ thông",
    "education.vocational": "Trung cấp",
    "education.college": "Cao đẳng",
    "education.university": "Đại học",
    "education.master": "Thạc sĩ",
    "education.doctorate": "Tiến sĩ",
    "units_admitting": "Số chi bộ kết nạp được đảng viên",
    "units_without_sources": "Số chi bộ không có quần chúng ưu tú (nguồn kết nạp)",
}


def lines(rows):
    """The form's lines: ("section", number, the form's heading, translated heading (the
    form's own in Vietnamese)) and
    ("row", number, the form's name, translated label or None in Vietnamese, row)."""
    starts = {first: (number, heading, label) for number, heading, first, label in SECTIONS}
    vietnamese = (translation.get_language() or "").startswith("vi")
    found, counter = [], 0
    for row in rows:
        if row["indicator"] in starts:
            number, heading, label = starts[row["indicator"]]
            found.append(("section", number, heading, heading if vietnamese else str(label)))
            counter = 0
        counter += 1
        label = None if vietnamese else row["label"]
        found.append(("row", counter, OFFICIAL[row["indicator"]], label, row))
    return found


def _period_text(date_from, date_to):
    return f"Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}"


def context(rows, *, unit, date_from, date_to, restate_on=None):
    earlier_from, earlier_to = year_earlier(date_from), year_earlier(date_to)
    return {
        "form_name": FORM_NAME,
        "guideline": GUIDELINE,
        "title": TITLE,
        "unit": unit,
        "period": _period_text(date_from, date_to),
        "earlier": _period_text(earlier_from, earlier_to),
        "restate_on": restate_on,
        "issued": timezone.localdate(),
        "heads": (HEAD_NUMBER, HEAD_INDICATOR, HEAD_THIS, HEAD_LAST, HEAD_CHANGE),
        "translated": not (translation.get_language() or "").startswith("vi"),
        "lines": lines(rows),
    }


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def newly_admitted_xlsx(rows, *, unit, date_from, date_to, restate_on=None, language="vi"):
    """The form as an .xlsx workbook (bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    with translation.override(language):
        data = context(rows, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on)
        book = Workbook()
        sheet = book.active
        sheet.title = FORM_NAME
        sheet.append([data["form_name"], "", "", "", data["guideline"]])
        sheet.append([f"{unit.name} ({unit.code})"])
        sheet.append([data["title"]])
        sheet["A3"].font = Font(bold=True, size=14)
        sheet.append([data["period"]])
        sheet.append([f"{HEAD_LAST}: {data['earlier']}"])
        if restate_on:
            sheet.append([_("Restated on the structure of %(day)s") % {"day": restate_on}])
        sheet.append([])
        heads = list(data["heads"])
        if data["translated"]:
            heads.insert(2, _("Indicator"))
        header_row = sheet.max_row + 1
        sheet.append(heads)
        thin = Side(style="thin", color="B8C1CC")
        fill = PatternFill("solid", fgColor="DDE3EA")
        for index in range(1, len(heads) + 1):
            cell = sheet.cell(row=header_row, column=index)
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")
        for line in data["lines"]:
            if line[0] == "section":
                sheet.append([line[1], line[2]])
                for index in (1, 2):
                    sheet.cell(row=sheet.max_row, column=index).font = Font(bold=True)
                continue
            _kind, number, official, label, row = line
            cells = [number, official]
            if data["translated"]:
                cells.append(label)
            cells += [
                _number(row["this_period"]),
                _number(row["same_period_last_year"]),
                _number(row["change_pct"]),
            ]
            sheet.append(cells)
            last = len(cells)
            sheet.cell(row=sheet.max_row, column=last).number_format = "0.0"
            if row["indicator"] == "age.average":
                for column in (last - 2, last - 1):
                    sheet.cell(row=sheet.max_row, column=column).number_format = "0.0"
        for row in sheet.iter_rows(min_row=header_row, max_row=sheet.max_row):
            for cell in row[: len(heads)]:
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        widths = [6, 52] + ([40] if data["translated"] else []) + [12, 18, 14]
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[chr(64 + index)].width = width
        sheet.append([])
        sheet.append([_("Issued on %(day)s") % {"day": shown_day(data["issued"])}])
        out = io.BytesIO()
        sheets.make_safe(book)  # a unit or person named "=1+1" stays text
        book.save(out)
        return out.getvalue()


def newly_admitted_pdf(rows, *, unit, date_from, date_to, restate_on=None, language="vi"):
    """The form as a PDF (bytes), A4 portrait."""
    with translation.override(language):
        data = context(rows, unit=unit, date_from=date_from, date_to=date_to, restate_on=restate_on)
        data["language"] = language
        return html_to_pdf(render_to_string("reports/pdf/newly_admitted.html", data))
