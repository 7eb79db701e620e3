"""The statutory forms of the admission (guideline 12-HD/BTCTW), filled from the dossier.

1-KNĐ … 9-KNĐ for the admission and 10-KNĐ … 16-KNĐ for the recognition as an official
member, as print-ready A4 pages in Vietnamese: the issuing body and the national motto (or
the party's name) at the top, the filled text, the places for signatures. A form whose
step has not been recorded is not offered; data the register does not hold are printed as
dotted blanks to be filled by hand. PDFs are made by WeasyPrint with the system's fonts
only (DejaVu Serif); nothing is fetched from anywhere.
"""

import dataclasses
import datetime as dt

from django.template.loader import render_to_string

from grassroots.people.models import Membership

from .facts import active_steps
from .models import Admission, Confirmation

BLANK = "…………………………"


@dataclasses.dataclass(frozen=True)
class PrintForm:
    code: str
    title: str  # the form's own (Vietnamese) title
    step: str  # the step (or "confirmation") that must be recorded for it to be offered
    party_heading: bool = True  # False: the national motto (the applicant's own forms)


FORMS = (
    PrintForm("1-KNĐ", "ĐƠN XIN VÀO ĐẢNG", "application", party_heading=False),
    PrintForm("2-KNĐ", "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG", "history_declaration", False),
    PrintForm("3-KNĐ", "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG", "introduction"),
    PrintForm("4-KNĐ", "NGHỊ QUYẾT GIỚI THIỆU ĐOÀN VIÊN ƯU TÚ VÀO ĐẢNG", "introduction"),
    PrintForm(
        "5-KNĐ",
        "TỔNG HỢP Ý KIẾN NHẬN XÉT CỦA TỔ CHỨC ĐOÀN THỂ NƠI LÀM VIỆC VÀ CHI ỦY NƠI CƯ TRÚ "
        "ĐỐI VỚI NGƯỜI XIN VÀO ĐẢNG",
        "comments",
    ),
    PrintForm("6-KNĐ", "NGHỊ QUYẾT ĐỀ NGHỊ KẾT NẠP ĐẢNG VIÊN", "cell_vote"),
    PrintForm("7-KNĐ", "BÁO CÁO THẨM ĐỊNH VỀ VIỆC KẾT NẠP ĐẢNG VIÊN", "committee_resolution"),
    PrintForm("8-KNĐ", "NGHỊ QUYẾT VỀ VIỆC KẾT NẠP ĐẢNG VIÊN", "committee_resolution"),
    PrintForm("9-KNĐ", "QUYẾT ĐỊNH KẾT NẠP ĐẢNG VIÊN", "admission_decision"),
    PrintForm("10-KNĐ", "BẢN TỰ KIỂM ĐIỂM CỦA ĐẢNG VIÊN DỰ BỊ", "confirmation_vote"),
    PrintForm(
        "11-KNĐ",
        "BẢN NHẬN XÉT ĐẢNG VIÊN DỰ BỊ CỦA ĐẢNG VIÊN ĐƯỢC PHÂN CÔNG GIÚP ĐỠ",
        "confirmation_vote",
    ),
    PrintForm("13-KNĐ", "NGHỊ QUYẾT ĐỀ NGHỊ CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC", "confirmation_vote"),
    PrintForm(
        "15-KNĐ", "NGHỊ QUYẾT VỀ VIỆC CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC", "confirmation_decision"
    ),
    PrintForm("16-KNĐ", "QUYẾT ĐỊNH CÔNG NHẬN ĐẢNG VIÊN CHÍNH THỨC", "confirmation_decision"),
)
GENDERS = {"female": "Nữ", "male": "Nam"}
EDUCATION = {
    "none": "Chưa qua đào tạo",
    "primary": "Tiểu học",
    "lower_secondary": "Trung học cơ sở",
    "upper_secondary": "Trung học phổ thông",
    "vocational": "Trung cấp",
    "college": "Cao đẳng",
    "university": "Đại học",
    "master": "Thạc sĩ",
    "doctorate": "Tiến sĩ",
}


def vn_date(day):
    """ "ngày 16 tháng 9 năm 2024", or dotted blanks."""
    if not day:
        return "ngày …… tháng …… năm ……"
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def short_date(day):
    return day.strftime("%d/%m/%Y") if day else BLANK


def _as_date(value):
    if not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


class DossierPrint:
    """Everything the forms print, read once from the dossier."""

    def __init__(self, dossier):
        self.dossier = dossier
        self.person = dossier.person
        self.cell = dossier.unit
        self.committee = dossier.unit.get_parent() if dossier.unit.depth > 1 else None
        self.steps = {step.step: step for step in active_steps(dossier)}
        self.admission = (
            Admission.objects.filter(dossier=dossier).select_related("membership").first()
        )
        self.confirmation = (
            Confirmation.objects.filter(admission=self.admission).first()
            if self.admission
            else None
        )
        self.mentor = dossier.source.mentor if dossier.source_id else None

    def has(self, form):
        if form.step == "confirmation_vote":
            return self.confirmation is not None and self.confirmation.cell_vote_date
        if form.step == "confirmation_decision":
            return self.confirmation is not None and self.confirmation.decided_on is not None
        step = self.steps.get(form.step)
        if step is None:
            return False
        kind = step.data.get("introduced_by") if form.step == "introduction" else None
        if form.code == "3-KNĐ":
            return kind == "members" or any(step.data.get(f"introducer_{slot}") for slot in (1, 2))
        if form.code == "4-KNĐ":
            return kind in ("youth_union", "trade_union")
        if form.code == "7-KNĐ":
            return bool(step.data.get("partial_appraisal"))
        return True

    def forms(self):
        return [form for form in FORMS if self.has(form)]

    def step_date(self, code):
        step = self.steps.get(code)
        return step.date if step else None

    def introducers(self):
        step = self.steps.get("introduction")
        if step is None:
            return []
        found = []
        for slot in (1, 2):
            national_id = step.data.get(f"introducer_{slot}")
            outside = step.data.get(f"introducer_{slot}_outside")
            if not (national_id or outside):
                continue
            membership = (
                Membership.objects.filter(person__national_id=national_id)
                .select_related("unit", "person")
                .order_by("-admitted_on")
                .first()
                if national_id
                else None
            )
            found.append(
                {
                    "name": step.data.get(f"introducer_{slot}_name")
                    or (membership.person.full_name if membership else outside),
                    "outside": outside or "",
                    "admitted_on": short_date(membership.admitted_on) if membership else BLANK,
                    "official_since": short_date(membership.official_since)
                    if membership
                    else BLANK,
                    "unit": membership.unit.name if membership else BLANK,
                    "months": step.data.get(f"introducer_{slot}_months", "……"),
                    "form_date": vn_date(_as_date(step.data.get(f"introducer_{slot}_form_date"))),
                }
            )
        return found

    def context(self, form):
        data = {code: step.data for code, step in self.steps.items()}
        vote = data.get("cell_vote", {})
        committee = data.get("committee_resolution", {})
        intro = data.get("introduction", {})
        confirmation = self.confirmation
        return {
            "form": form,
            "p": self.person,
            "gender": GENDERS.get(self.person.gender, BLANK),
            "education": EDUCATION.get(self.person.education, BLANK),
            "birth": vn_date(self.person.birth_date),
            "cell": self.cell.name,
            "cell_full": _titled(self.cell.name, "Chi bộ", "Chi bộ"),
            "committee": self.committee.name if self.committee else BLANK,
            "committee_full": _titled(
                self.committee.name if self.committee else BLANK, "Đảng bộ", "Đảng ủy"
            ),
            "dates": {code: vn_date(step.date) for code, step in self.steps.items()},
            "data": data,
            "vote": vote,
            "committee_vote": committee,
            "vote_share": _share(vote.get("in_favour"), vote.get("official_members")),
            "committee_share": _share(
                committee.get("in_favour"), committee.get("committee_members")
            ),
            "introducers": self.introducers(),
            "union": "Đoàn Thanh niên Cộng sản Hồ Chí Minh"
            if intro.get("introduced_by") == "youth_union"
            else "Công đoàn",
            "union_resolution_date": vn_date(_as_date(intro.get("executive_resolution_date"))),
            "admission": self.admission,
            "decision_date": vn_date(self.admission.decision_date) if self.admission else "",
            "ceremony_date": vn_date(self.admission.ceremony_date) if self.admission else "",
            "probation_ends": vn_date(self.admission.membership.probation_ends_on)
            if self.admission and self.admission.membership
            else vn_date(None),
            "confirmation": confirmation,
            "confirmation_vote_date": vn_date(confirmation.cell_vote_date) if confirmation else "",
            "confirmation_decided": vn_date(confirmation.decided_on) if confirmation else "",
            "confirmation_share": _share(confirmation.in_favour, confirmation.official_members)
            if confirmation
            else "",
            "mentor": self.mentor.full_name if self.mentor else BLANK,
            "blank": BLANK,
        }


def _titled(name, kind, body):
    """ "Chi bộ X" for a cell named "X" or "Chi bộ X"; "Đảng ủy X" for "Đảng bộ X"."""
    if name.startswith(kind + " "):
        return body + name[len(kind) :]
    return f"{body} {name}"


def _share(part, whole):
    try:
        return f"{100 * int(part) / int(whole):.1f}".replace(".", ",") + "%"
    except (TypeError, ValueError, ZeroDivisionError):
        return "……%"


def forms_for(dossier):
    """The forms the dossier can print now (its steps recorded), in the guideline's order."""
    return DossierPrint(dossier).forms()


def render_html(dossier, codes=None):
    """The forms as one HTML document, each on its own A4 page; `codes` narrows them."""
    printed = DossierPrint(dossier)
    forms = [form for form in printed.forms() if codes is None or form.code in codes]
    pages = [printed.context(form) for form in forms]
    return render_to_string("pipeline/print/forms.html", {"pages": pages}), forms


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"the forms use no outside resource: {url}")


def render_pdf(dossier, codes=None):
    """(PDF bytes, forms printed). Fonts come from the system (fontconfig); every URL is
    refused."""
    from weasyprint import HTML

    html, forms = render_html(dossier, codes)
    try:
        from weasyprint.urls import URLFetcher

        class NoFetcher(URLFetcher):
            def fetch(self, url, headers=None):
                _refuse_fetch(url)

        fetcher = NoFetcher()
    except ImportError:
        fetcher = _refuse_fetch
    pdf = HTML(string=html, url_fetcher=fetcher, base_url="file:///nonexistent/").write_pdf()
    return pdf, forms


def form_codes():
    return [form.code for form in FORMS]
