"""Dates in Vietnamese as administrative documents write them: 01/07/2025 in lists and
messages, "01 tháng 7 năm 2025" in sentences, which say "ngày" themselves.

Django's own Vietnamese format writes 01-07-2025, and its long form starts with "Ngày",
so that the unit page said "Ngày Ngày 01 tháng 7 năm 2025 đã tiếp nhận".
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import formats, translation

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "grassroots"
DAY = dt.date(2025, 7, 1)
# A blocktranslate that is given a date in the long format.
LONG_DATE_BLOCK = re.compile(
    r"\{% blocktranslate with (\w+)=[\w.]+\|date:\"DATE_FORMAT\" %\}.*?\{% endblocktranslate %\}",
    re.S,
)


def long_date_sentences():
    found = []
    for path in sorted(TEMPLATES.glob("**/templates/**/*.html")):
        for match in LONG_DATE_BLOCK.finditer(path.read_text()):
            found.append(
                pytest.param(match.group(0), match.group(1), id=f"{path.name}:{match.start()}")
            )
    return found


def test_short_dates_are_written_day_month_year_with_slashes():
    with translation.override("vi"):
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "01/07/2025"
        assert formats.date_format(dt.datetime(2025, 7, 1, 9, 5), "SHORT_DATETIME_FORMAT") == (
            "09:05 01/07/2025"
        )


def test_typed_dates_are_read_day_first():
    with translation.override("vi"):
        assert "%m/%d/%Y" not in formats.get_format("DATE_INPUT_FORMATS")
        assert "%d/%m/%Y" in formats.get_format("DATE_INPUT_FORMATS")


def test_there_are_sentences_with_a_long_date():
    assert len(long_date_sentences()) >= 5


@pytest.mark.parametrize(("source", "name"), long_date_sentences())
def test_a_sentence_with_a_long_date_says_ngay_once(source, name):
    template = Template(
        "{% load i18n %}"
        + source.replace(
            source.split(" %}", 1)[0] + " %}",
            "{% blocktranslate with " + name + '=day|date:"DATE_FORMAT" %}',
        )
    )
    with translation.override("vi"):
        text = template.render(Context({"day": DAY}))
    assert "01 tháng 7 năm 2025" in text
    assert not re.search(r"ngày\s+ngày", text, re.I), text
