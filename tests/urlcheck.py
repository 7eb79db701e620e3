"""The contract every app's `tests/<app>/routes.py` follows for the every-URL test.

Each app lists its URL names in `ROUTES`. `tests/security/test_every_url.py` walks every URL pattern of
the project, fails if one is missing from all route tables, and for each route proves:

- an anonymous visitor is sent to log-in (pages) or gets 401 (API);
- if `record_unit` is set (the route shows or changes one record of that unit), the
  `outsider` user (secretary of W2) gets 404, unless record_unit lies under W2;
- if `weak_user` is set (a user who sees the record but whose role may not do this),
  that user gets 403;
- if `allowed_user` is set, that user gets a status below 400 (the route really works).
"""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass
class Route:
    name: str
    # Builds the URL kwargs from the town (tests/town.py namespace); may create records.
    kwargs: Callable | None = None
    method: str = "get"
    # POST data for write routes (may be invalid: only the status class is checked).
    data: Callable | None = None
    record_unit: str | None = None
    weak_user: str | None = None
    allowed_user: str | None = "admin"
    public: bool = False
    api: bool = False

    def build_kwargs(self, town):
        return self.kwargs(town) if self.kwargs else {}

    def build_data(self, town):
        return self.data(town) if self.data else {}
