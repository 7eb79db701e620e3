from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from grassroots.api import api
from grassroots.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("units/", include("grassroots.org.urls")),
    path("restructuring/", include("grassroots.org.event_urls")),
    path("people/", include("grassroots.people.urls")),
    path("accounts/", include("grassroots.accounts.urls")),
    path("history/", include("grassroots.history.urls")),
    path("pipeline/", include("grassroots.pipeline.urls")),
    path("transfers/", include("grassroots.transfers.urls")),
    path("deadlines/", include("grassroots.deadlines.urls")),
    path("plans/", include("grassroots.plans.urls")),
    path("reports/", include("grassroots.reports.urls")),
    path("exchange/", include("grassroots.exchange.urls")),
    path("tasks/", include("grassroots.tasks.urls")),
    path("api/", api.urls),
]

handler404 = "grassroots.core.errors.not_found"
handler403 = "grassroots.core.errors.forbidden"
handler500 = "grassroots.core.errors.server_error"
