"""Writers: CSV quoting, JSON nulls, the text table, and PDF rendering that fetches nothing."""

import json
from decimal import Decimal

import pytest

from grassroots.reports.exports import check_local, html_to_pdf, to_csv, to_json, to_table

ROWS = [
    {"name": "Ward 1, North", "n": 3, "pct": Decimal("12.5")},
    {"name": 'The "new" cell', "n": 0, "pct": None},
]
COLUMNS = ("name", "n", "pct")


def test_csv_quotes_names_and_leaves_empty_cells_empty():
    assert to_csv(ROWS, COLUMNS) == ('name,n,pct\n"Ward 1, North",3,12.5\n"The ""new"" cell",0,\n')


def test_json_numbers_and_nulls():
    assert json.loads(to_json(ROWS, COLUMNS)) == [
        {"name": "Ward 1, North", "n": 3, "pct": 12.5},
        {"name": 'The "new" cell', "n": 0, "pct": None},
    ]


def test_table_aligns_numbers_right():
    lines = to_table(ROWS, COLUMNS).splitlines()
    assert lines[0].split() == ["name", "n", "pct"]
    assert lines[2].endswith("3  12.5") and lines[3].endswith("0     –")


@pytest.mark.parametrize(
    "url", ["http://example.com/logo.png", "https://fonts.example/x.woff", "file:///etc/passwd"]
)
def test_pdf_fetcher_refuses_anything_not_local(url):
    with pytest.raises(ValueError, match="local resources only"):
        check_local(url)
    check_local("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_pdf_renders_without_fetching_outside(monkeypatch):
    asked = []

    def spy(url):
        asked.append(url)
        check_local(url)

    monkeypatch.setattr("grassroots.reports.exports.check_local", spy)
    opened = []
    monkeypatch.setattr("urllib.request.OpenerDirector.open", lambda *a, **k: opened.append(a))
    pdf = html_to_pdf('<p>Đảng bộ</p><img src="http://example.com/logo.png">')
    assert pdf.startswith(b"%PDF")
    assert asked == ["http://example.com/logo.png"] and not opened


def test_pdf_asked_again_is_not_laid_out_again(monkeypatch):
    first = html_to_pdf("<p>Đảng bộ phường Điện An, lần 1</p>", stylesheets=["achievement.css"])
    monkeypatch.setattr("grassroots.reports.exports.local_only_fetcher", None)  # would fail
    assert (
        html_to_pdf("<p>Đảng bộ phường Điện An, lần 1</p>", stylesheets=["achievement.css"])
        == first
    )


def test_the_cycle_collector_is_back_on_after_a_document_even_when_it_fails(monkeypatch):
    import gc

    from grassroots.reports import exports

    seen = []

    class Failing:
        def __init__(self, **kwargs):
            pass

        def write_pdf(self, **kwargs):
            seen.append(gc.isenabled())
            raise RuntimeError("layout failed")

    assert gc.isenabled()
    monkeypatch.setattr(exports, "LeanHTML", Failing)
    with pytest.raises(RuntimeError):
        html_to_pdf("<p>collector test</p>", stylesheets=("achievement.css",))
    assert seen == [False]  # paused while laying out
    assert gc.isenabled()
    # Nested (two threads at once): on again only when the last one is done.
    with exports._collector_paused():
        with exports._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    # Left alone when someone else had switched it off.
    gc.disable()
    try:
        with exports._collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
