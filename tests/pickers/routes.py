"""The picker search pages (grassroots/pickers.py; tests/urlcheck.py contract).

They list no single record, so there is no outsider check here: tests/pickers/test_pickers.py
proves that each answers within the asking user's scope only."""

from tests.urlcheck import Route

ROUTES = [
    Route("pick:units", data=lambda town: {"q": "ward"}),
    Route("pick:people", data=lambda town: {"q": "0010900"}),
]
