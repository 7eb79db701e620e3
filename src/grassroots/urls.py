from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from grassroots.accounts import views as account_views
from grassroots.accounts.views import LoginView
from grassroots.api import VERSION, api, unversioned
from grassroots.core import views as core_views
from grassroots.org import pickers as unit_pickers
from grassroots.people import pickers as person_pickers

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path(
        "login/",
        LoginView.as_view(),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("units/", include("grassroots.org.urls")),
    path("restructuring/", include("grassroots.org.event_urls")),
    path("people/", include("grassroots.people.urls")),
    path("accounts/", include("grassroots.accounts.urls")),
    path("history/", include("grassroots.history.urls")),
    path("pipeline/", include("grassroots.pipeline.urls")),
    path("transfers/", include("grassroots.transfers.urls")),
    path("deadlines/", include("grassroots.deadlines.urls")),
    path("plans/", include("grassroots.plans.urls")),
    path("conferences/", include("grassroots.conferences.urls")),
    path("reports/", include("grassroots.reports.urls")),
    path("exchange/", include("grassroots.exchange.urls")),
    path(
        "pick/",
        include(
            (
                [
                    path("units/", unit_pickers.units, name="units"),
                    path("people/", person_pickers.people, name="people"),
                ],
                "pick",
            )
        ),
    ),
    path("tasks/", include("grassroots.tasks.urls")),
    path(f"api/{VERSION}/", api.urls),
    # Clients of the API from before the version: 308 to the same path under /api/v1/.
    re_path(rf"^api/(?!{VERSION}(?:/|$))(?P<rest>.*)$", unversioned, name="api-unversioned"),
]

handler404 = "grassroots.core.errors.not_found"
handler403 = "grassroots.core.errors.forbidden"
handler500 = "grassroots.core.errors.server_error"
