"""Pagination for list pages: 50 rows a page, keeping the other query parameters."""

from django.core.paginator import Paginator

PER_PAGE = 50


def paginate(request, queryset, per_page=PER_PAGE, param="page"):
    """Context for `partials/pagination.html`: page_obj and the query string without the page."""
    page_obj = Paginator(queryset, per_page).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    encoded = params.urlencode()
    return {
        "page_obj": page_obj,
        "querystring_without_page": f"{encoded}&" if encoded else "",
    }
