"""Project-level URLs (tests/urlcheck.py contract)."""

from tests.urlcheck import Route

ROUTES = [
    Route("home"),
    Route("health", public=True),
    Route("login", public=True),
    Route("logout", method="post", public=True),
    Route("set_language", method="post", data=lambda town: {"language": "vi"}, public=True),
]
