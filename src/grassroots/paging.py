"""Pagination for list pages: 50 rows a page, keeping the other query parameters.

A national list must not `COUNT(*)` millions of rows on every request: when the caller
knows the total (e.g. from the unit counters) it passes `count`; otherwise the count
stops at `COUNT_CAP` + 1 rows and the page says "more than 10,000".
"""

from django.core.paginator import Paginator
from django.utils.formats import number_format
from django.utils.functional import cached_property

PER_PAGE = 50
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator whose count is given, or counted up to `cap` + 1 rows only.

    `capped` is True when there are more than `cap` rows; the count is then `cap` and the
    pages past it are not offered.
    """

    def __init__(self, object_list, per_page, *, count=None, cap=None, capped=False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count
        self.cap = COUNT_CAP if cap is None else cap
        self.capped = capped

    @cached_property
    def count(self):
        if self._known_count is not None:
            return self._known_count
        object_list = self.object_list
        if hasattr(object_list, "order_by"):
            # SELECT COUNT(*) FROM (SELECT ... LIMIT cap + 1): stops early.
            total = object_list.order_by()[: self.cap + 1].count()
        else:
            total = len(object_list)
        if total > self.cap:
            self.capped = True
            return self.cap
        return total

    @cached_property
    def count_shown(self):
        """The count as the page writes it: grouped as the reader groups thousands (1.202 in
        Vietnamese and German, 1,202 in English)."""
        return number_format(self.count, force_grouping=True)


def paginate(request, queryset, per_page=PER_PAGE, param="page", count=None, capped=False):
    """Context for `partials/pagination.html`: page_obj and the query string without the page.

    `count`, when known, saves the count query (`capped`: it is a lower bound).
    """
    paginator = CappedPaginator(queryset, per_page, count=count, capped=capped)
    page_obj = paginator.get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    encoded = params.urlencode()
    return {
        "page_obj": page_obj,
        "querystring_without_page": f"{encoded}&" if encoded else "",
    }
